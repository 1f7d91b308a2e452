"""Lab 5: initialization and symmetry (Ng §3.1). Everything you write for this lab lives in this file.

A weight matrix W^[ℓ] maps the n^[ℓ−1] units of the layer below to the n^[ℓ] units of layer ℓ,
so it has torch's shape (n^[ℓ], n^[ℓ−1]) = (fan_out, fan_in). Draw random numbers only from
the ``generator`` you are given (None: torch's global generator), so that runs repeat exactly.
"""

from typing import Optional

import torch


def unit_spread(W: torch.Tensor) -> torch.Tensor:
    """Exercise 1: how different the units of a layer are: max over pairs of units j, j' of ‖W_j − W_j'‖ (Ng §3.1, eq. 3.12: "symmetry").

    Row j of W^[ℓ] holds the incoming weights of unit j. If two rows are equal, the two units compute
    the same activation for every input and receive the same gradient: they stay twins.

    Args:
        W: (n^[ℓ], n^[ℓ−1]).

    Returns:
        A 0-dimensional tensor: the largest Euclidean distance between two rows of W (0 for a single row).
    """
    # Hint: broadcast W[:, None, :] − W[None, :, :] to get every pair of rows at once
    raise NotImplementedError('Lab 5, exercise 1 (lab05.unit_spread): how different the units of a layer are: max over pairs of units j, j\' of ‖W_j − W_j\'‖ (Ng §3.1, eq. 3.12: "symmetry")')


def xavier_normal(fan_in: int, fan_out: int, generator: Optional[torch.Generator] = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Exercise 2: Xavier initialization w ~ N(0, 2 / (n^[ℓ] + n^[ℓ−1])) for every entry of W^[ℓ] (Ng §3.1, eq. 3.13).

    Args:
        fan_in: n^[ℓ−1], the number of inputs of the layer.
        fan_out: n^[ℓ], the number of units of the layer.
        generator: where the random numbers come from.
        dtype: the dtype of W.

    Returns:
        W^[ℓ] of shape (fan_out, fan_in), entries independent N(0, σ²) with σ² = 2 / (fan_in + fan_out).
        Mind that Ng eq. 3.13 gives the *variance*; ``torch.randn`` draws N(0, 1).
    """
    # Hint: scale standard normal draws by σ = sqrt(2 / (fan_in + fan_out))
    raise NotImplementedError('Lab 5, exercise 2 (lab05.xavier_normal): Xavier initialization w ~ N(0, 2 / (n^[ℓ] + n^[ℓ−1])) for every entry of W^[ℓ] (Ng §3.1, eq. 3.13)')


def he_normal(fan_in: int, fan_out: int, generator: Optional[torch.Generator] = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Exercise 3: He initialization w ~ N(0, 2 / n^[ℓ−1]) for a layer followed by ReLU (Ng §3.1, "Xavier/He", next to eq. 3.13).

    Ng's eq. 3.13 is Xavier's variance; He et al. (2015) derive 2 / n^[ℓ−1] for ReLU networks:
    ReLU zeroes half of its inputs, so E[ReLU(z)²] = E[z²] / 2, and the 2 makes up for it.

    Returns:
        W^[ℓ] of shape (fan_out, fan_in), entries independent N(0, 2 / fan_in).
    """
    # Hint: only the fan-in counts here
    raise NotImplementedError('Lab 5, exercise 3 (lab05.he_normal): He initialization w ~ N(0, 2 / n^[ℓ−1]) for a layer followed by ReLU (Ng §3.1, "Xavier/He", next to eq. 3.13)')
