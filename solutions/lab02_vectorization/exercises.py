"""Lab 2: two-layer networks and vectorization. Everything you write for this lab lives in this file.

The network is h(x) = W^[2] ReLU(W^[1] x + b^[1]) + b^[2] (Ma §2, eq. 2.9–2.11) with
W^[1] (m, d), b^[1] (m,), W^[2] (k, m), b^[2] (k,) in the notes' column convention,
unless an exercise says otherwise.
"""

from typing import Sequence

import torch


def forward_one(x: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor) -> torch.Tensor:
    """Exercise 1: compute h(x) for ONE example: z = W^[1] x + b^[1], a = ReLU(z), o = W^[2] a + b^[2] (Ma §2, eq. 2.9–2.11).

    Shape: x (d,) -> o (k,).
    """
    # BEGIN SOLUTION
    # HINT: W1 @ x is a matrix times a vector; torch.clamp(z, min=0) is ReLU
    z = W1 @ x + b1
    a = torch.clamp(z, min=0)
    return W2 @ a + b2
    # END SOLUTION


def forward_loop(X: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor) -> torch.Tensor:
    """Exercise 2: compute h for every row of X with a Python loop over the examples, calling forward_one (Ma §4, "the basic idea").

    Shape: X (n, d), one example per row -> O (n, k), one output per row.
    """
    # BEGIN SOLUTION
    # HINT: torch.stack a list of the n outputs
    return torch.stack([forward_one(x, W1, b1, W2, b2) for x in X])
    # END SOLUTION


def forward_columns(X: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor) -> torch.Tensor:
    """Exercise 3: compute the whole batch at once with examples as COLUMNS: Z^[1] = W^[1] X + b^[1], broadcast (Ma §4, eq. 4.2–4.3).

    Shape: X (d, n), one example per column -> O (k, n). No loop.
    """
    # BEGIN SOLUTION
    # HINT: b1 has shape (m,); as a column (m, 1) it broadcasts over the n columns, like b̃ of Ma eq. 4.3
    Z1 = W1 @ X + b1[:, None]
    return W2 @ torch.clamp(Z1, min=0) + b2[:, None]
    # END SOLUTION


def forward_rows(X: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor) -> torch.Tensor:
    """Exercise 4: compute the whole batch at once in the ROW convention of code: Z^[1] = X W^[1] + b^[1] (Ma §4, eq. 4.4).

    Here W1 is (d, m) and W2 is (m, k): the notes' matrices, transposed.
    Shape: X (n, d), one example per row -> O (n, k). No loop.
    """
    # BEGIN SOLUTION
    return torch.clamp(X @ W1 + b1, min=0) @ W2 + b2
    # END SOLUTION


def parameter_count(sizes: Sequence[int]) -> int:
    """Exercise 5: count the parameters (weights and biases) of a fully connected network with layer sizes (d, m_1, ..., k) (Ng & Katanforoosh §3.1).

    For sizes (d, 3, 2, 1) the answer is 3d + 14.
    """
    # BEGIN SOLUTION
    # HINT: layer ℓ has a W^[ℓ] of shape (m_ℓ, m_(ℓ−1)) and a b^[ℓ] of m_ℓ entries
    return sum(m_in * m_out + m_out for m_in, m_out in zip(sizes[:-1], sizes[1:]))
    # END SOLUTION
