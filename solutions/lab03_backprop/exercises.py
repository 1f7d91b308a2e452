"""Lab 3: backpropagation by hand. Everything you write for this lab lives in this file."""

import torch


def linear_forward(a: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Exercise 1: compute z = a Wᵀ + b for a batch of rows (Ma §4, eq. 4.4, in torch's (m, d) layout).

    Shape: a (n, d), W (m, d), b (m,) -> z (n, m).
    """
    # BEGIN SOLUTION
    # HINT: one matrix product and a broadcast addition
    return a @ W.T + b
    # END SOLUTION


class LinearFunction(torch.autograd.Function):
    """Exercise 2: write the linear layer's backward: ∂J/∂a, ∂J/∂W, ∂J/∂b from δ = ∂J/∂z (Ma §3, Claims 3.2 and 3.4)."""

    @staticmethod
    def forward(a: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a @ W.T + b

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        a, W, _ = inputs
        ctx.save_for_backward(a, W)

    @staticmethod
    def backward(ctx, delta: torch.Tensor):
        a, W = ctx.saved_tensors
        # BEGIN SOLUTION
        # HINT: each gradient has the shape of what it differentiates; sum δ over the examples for b
        return delta @ W, delta.T @ a, delta.sum(0)
        # END SOLUTION
