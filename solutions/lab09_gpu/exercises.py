"""Lab 9: training on the GPU. Everything you write for this lab lives in this file."""

from typing import Tuple

import torch


def softmax_regression_step(
    W: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lr: float
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Exercise 1: one gradient step of softmax regression on a mini-batch, by hand (backprop notes §2, δ = softmax(z) − onehot(y); Ma §1, eq. 1.5).

    z = X Wᵀ + b; J = (1/B) Σ_i −log softmax(z^(i))_{y^(i)}; δ = (softmax(z) − onehot(y)) / B;
    ∂J/∂W = δᵀ X, ∂J/∂b = Σ_i δ^(i); W ← W − α ∂J/∂W, b ← b − α ∂J/∂b.
    Shape: W (K, d), b (K,), X (B, d), y (B,) long, α a number -> (new W, new b, J as a 0-dim tensor).
    Return new tensors (do not modify W and b in place), on the inputs' device, and J as a tensor: no .item().
    """
    # BEGIN SOLUTION
    # HINT: torch.log_softmax(z, dim=1) is fine here; build onehot(y) with torch.zeros_like(z).scatter_(1, y.view(-1, 1), 1.0)
    # HINT: (F.one_hot checks y's values on the host: on a GPU that is a synchronization)
    z = X @ W.T + b
    log_p = torch.log_softmax(z, dim=1)
    J = -log_p.gather(1, y.view(-1, 1)).mean()
    delta = (log_p.exp() - torch.zeros_like(z).scatter_(1, y.view(-1, 1), 1.0)) / X.shape[0]
    return W - lr * (delta.T @ X), b - lr * delta.sum(dim=0), J
    # END SOLUTION


def train_epoch(
    W: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Exercise 2: one epoch of mini-batch gradient descent that keeps the running loss on the device (Ma §1, Algorithm 2).

    The batches are the rows in order: X[0:B], X[B:2B], …, the last one possibly shorter.
    Returns (W, b, mean loss), the mean loss = (1/n) Σ_batches B_t · J_t (J_t before step t) as a
    0-dim tensor on X's device. Never copy to the host inside the loop (no .item(), float(),
    print of a tensor, or Python `if` on a tensor): on a GPU each of those waits for every
    queued kernel to finish.
    """
    # BEGIN SOLUTION
    # HINT: start from total = torch.zeros((), dtype=X.dtype, device=X.device) and add B_t · J_t to it
    total = torch.zeros((), dtype=X.dtype, device=X.device)
    for start in range(0, X.shape[0], batch_size):
        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        W, b, J = softmax_regression_step(W, b, xb, yb, lr)
        total = total + J * xb.shape[0]
    return W, b, total / X.shape[0]
    # END SOLUTION
