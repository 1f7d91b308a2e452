"""Lab 4: back-propagation for a deep network (Ma §3.3, Algorithm 4). Everything you write lives here.

The network is the one of Ma Algorithm 4: r layers, ReLU hidden units, an identity
output and the squared loss averaged over the n examples,

    z^[k] = a^[k−1] W^[k]ᵀ + b^[k],  a^[k] = ReLU(z^[k]) for k < r,  a^[r] = z^[r],
    J = (1/n) Σ_i ½ ‖a^[r](i) − y^(i)‖².

Examples are rows (Ma §4, eq. 4.4) and W^[k] has torch's (and the notes') shape
(m_k, m_{k−1}). Python lists are 0-based: ``weights[k - 1]`` is W^[k],
``activations[k]`` is a^[k] (``activations[0]`` is x), ``deltas[k - 1]`` is δ^[k].
Use plain tensor operations: no autograd, no torch.nn.functional, no cs229nn.
"""

from typing import List, Sequence, Tuple

import torch


def forward_pass(x: torch.Tensor, weights: Sequence[torch.Tensor], biases: Sequence[torch.Tensor]) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
    """Exercise 1: the forward pass of Ma Algorithm 4, storing every z^[k] and a^[k] (Ma §3.3, Algorithm 4, line 1; rows as in Ma eq. 4.4).

    Args:
        x: a^[0], (n, d).
        weights: [W^[1], …, W^[r]], W^[k] of shape (m_k, m_{k−1}) with m_0 = d.
        biases: [b^[1], …, b^[r]], b^[k] of shape (m_k,).

    Returns:
        (zs, activations): zs = [z^[1], …, z^[r]] and activations = [a^[0] = x, a^[1], …, a^[r]],
        each z^[k], a^[k] of shape (n, m_k). ReLU on the hidden layers, identity on the last (a^[r] = z^[r]).
    """
    # Hint: loop over the layers; keep a^[k] = ReLU(z^[k]) = z^[k].clamp(min=0) except for k = r
    raise NotImplementedError('Lab 4, exercise 1 (lab04.forward_pass): the forward pass of Ma Algorithm 4, storing every z^[k] and a^[k] (Ma §3.3, Algorithm 4, line 1; rows as in Ma eq. 4.4)')


def output_delta(z_r: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exercise 2: δ^[r] = ∂J/∂z^[r] of the mean squared loss J = (1/n) Σ_i ½‖z^[r](i) − y^(i)‖² (Ma §3.3, eq. 3.16, averaged over the n examples).

    Shape: z_r, y (n, k) -> δ^[r] (n, k). Row i is ∂J/∂z^[r](i), so mind the 1/n of the average.
    """
    # Hint: Ma eq. 3.16 is for one example; J averages n of them
    raise NotImplementedError('Lab 4, exercise 2 (lab04.output_delta): δ^[r] = ∂J/∂z^[r] of the mean squared loss J = (1/n) Σ_i ½‖z^[r](i) − y^(i)‖² (Ma §3.3, eq. 3.16, averaged over the n examples)')


def backward_deltas(zs: Sequence[torch.Tensor], weights: Sequence[torch.Tensor], delta_r: torch.Tensor) -> List[torch.Tensor]:
    """Exercise 3: the δ recursion δ^[k] = (δ^[k+1] W^[k+1]) ⊙ ReLU′(z^[k]) for k = r − 1, …, 1 (Ma §3.3, Algorithm 4, line 7; Claims 3.3 and 3.4).

    Rows are examples, so the notes' W^[k+1]ᵀ δ^[k+1] (a column) becomes δ^[k+1] W^[k+1] (rows).
    ReLU′(z) = 1{z > 0}.

    Args:
        zs: [z^[1], …, z^[r]] from the forward pass.
        weights: [W^[1], …, W^[r]].
        delta_r: δ^[r] = ∂J/∂z^[r], (n, m_r).

    Returns:
        [δ^[1], …, δ^[r]], δ^[k] = ∂J/∂z^[k] of shape (n, m_k) (the last one is ``delta_r`` itself).
    """
    # Hint: walk k backwards from r − 1 to 1 and insert each δ^[k] at the front of the list
    raise NotImplementedError('Lab 4, exercise 3 (lab04.backward_deltas): the δ recursion δ^[k] = (δ^[k+1] W^[k+1]) ⊙ ReLU′(z^[k]) for k = r − 1, …, 1 (Ma §3.3, Algorithm 4, line 7; Claims 3.3 and 3.4)')


def parameter_gradients(activations: Sequence[torch.Tensor], deltas: Sequence[torch.Tensor]) -> List[torch.Tensor]:
    """Exercise 4: ∂J/∂W^[k] and ∂J/∂b^[k] from δ^[k] and a^[k−1] (Ma §3.3, Algorithm 4, line 8; Claim 3.2, eq. 3.10–3.11).

    Per example the notes have ∂J/∂W^[k] = δ^[k] a^[k−1]ᵀ and ∂J/∂b^[k] = δ^[k]; with examples in
    rows, the sum over the n examples is one matrix product.

    Args:
        activations: [a^[0], …, a^[r]] (a^[r] is not needed).
        deltas: [δ^[1], …, δ^[r]].

    Returns:
        [∂J/∂W^[1], ∂J/∂b^[1], …, ∂J/∂W^[r], ∂J/∂b^[r]]: the order of the parameters
        (W^[1], b^[1], …), each of its parameter's shape.
    """
    # Hint: δ^[k] is (n, m_k) and a^[k−1] is (n, m_{k−1}); ∂J/∂W^[k] is (m_k, m_{k−1})
    raise NotImplementedError('Lab 4, exercise 4 (lab04.parameter_gradients): ∂J/∂W^[k] and ∂J/∂b^[k] from δ^[k] and a^[k−1] (Ma §3.3, Algorithm 4, line 8; Claim 3.2, eq. 3.10–3.11)')


def forward_pass_flat(x: torch.Tensor, weights: Sequence[torch.Tensor], biases: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
    """(z^[1], …, z^[r], a^[0], …, a^[r]) from :func:`forward_pass`, one flat tuple: the form a check's probe returns.

    Not an exercise; the checks call your forward_pass through it.
    """
    zs, activations = forward_pass(x, weights, biases)
    return (*zs, *activations)
