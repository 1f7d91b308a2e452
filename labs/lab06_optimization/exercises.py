"""Lab 6: optimization and regularization. Everything you write for this lab lives in this file.

Each function is one update or one draw, on plain tensors, returning new tensors
(leave the arguments unchanged): the lab's training loops call them for every parameter.
"""

from typing import Optional, Tuple

import torch


def sgd_step(W: torch.Tensor, grad: torch.Tensor, lr: float, lam: float) -> torch.Tensor:
    """Exercise 1: one gradient step on J + (λ/2)‖W‖²: W := (1 − αλ)W − α ∂J/∂W (Ng §3.3.1, eq. 3.20–3.21).

    Args:
        W: the current parameter (any shape).
        grad: ∂J/∂W, the gradient of the unregularized cost, W's shape.
        lr: α, the learning rate.
        lam: λ, the L2 strength (0: plain gradient descent, Ng eq. 3.14).

    Returns:
        The new W (a new tensor).
    """
    # Hint: the gradient of (λ/2)‖W‖² is λW; collect the two terms that multiply W
    raise NotImplementedError('Lab 6, exercise 1 (lab06.sgd_step): one gradient step on J + (λ/2)‖W‖²: W := (1 − αλ)W − α ∂J/∂W (Ng §3.3.1, eq. 3.20–3.21)')


def momentum_step(W: torch.Tensor, v: torch.Tensor, grad: torch.Tensor, lr: float, beta: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """Exercise 2: one momentum step v := βv + (1 − β) ∂J/∂W, then W := W − αv (Ng §3.2, eq. 3.16).

    Args:
        W: the current parameter.
        v: the velocity v_dW, W's shape (zeros before the first step).
        grad: ∂J/∂W at the current W.
        lr: α. beta: β ∈ [0, 1).

    Returns:
        (new W, new v).
    """
    # Hint: update v first; the step uses the new v
    raise NotImplementedError('Lab 6, exercise 2 (lab06.momentum_step): one momentum step v := βv + (1 − β) ∂J/∂W, then W := W − αv (Ng §3.2, eq. 3.16)')


def sample_minibatches(n: int, B: int, num_batches: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Exercise 3: the index draws of mini-batch SGD: each batch is B of {0, …, n − 1}, without replacement (Ma §1, Algorithm 2, line 4).

    Each batch is drawn uniformly and independently of the other batches (an index can
    be in several batches, or in none), and B ≤ n. Indices are 0-based, as in Python.

    Args:
        n: the number of training examples.
        B: the batch size.
        num_batches: how many batches to draw.
        generator: where the random numbers come from (None: torch's global generator).

    Returns:
        A (num_batches, B) int64 tensor; row t holds the B distinct indices j_1, …, j_B of step t.
    """
    # Hint: the first B entries of a random permutation (torch.randperm) are a uniform B-subset
    raise NotImplementedError('Lab 6, exercise 3 (lab06.sample_minibatches): the index draws of mini-batch SGD: each batch is B of {0, …, n − 1}, without replacement (Ma §1, Algorithm 2, line 4)')
