"""Lab 8: parameter sharing, finding the soccer ball. Everything you write for this lab lives in this file."""

import torch
import torch.nn.functional as F


def conv2d_windows(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, stride: int) -> torch.Tensor:
    """Exercise 1: slide the filters over x and sum θ ⊙ window at every position (Ng §3.3.2, eq. 3.22).

    Shape: x (n, C_in, H, W_in), filters W (C_out, C_in, k, k), b (C_out,), stride s ->
    z (n, C_out, H', W') with H' = ⌊(H − k) / s⌋ + 1 (no padding).
    z[n, o, i, j] = b_o + Σ_c Σ_u Σ_v θ[o, c, u, v] · x[n, c, s·i + u, s·j + v]: the same θ at every (i, j).
    """
    # Hint: two loops over the output positions (i, j); the window x[:, :, s·i : s·i + k, s·j : s·j + k] is (n, C_in, k, k)
    raise NotImplementedError('Lab 8, exercise 1 (lab08.conv2d_windows): slide the filters over x and sum θ ⊙ window at every position (Ng §3.3.2, eq. 3.22)')


class Conv2dFunction(torch.autograd.Function):
    """Exercise 2: write the convolution's backward: ∂J/∂x, ∂J/∂θ, ∂J/∂b from δ = ∂J/∂z, each as a convolution (Ng §3.3.2, eq. 3.22).

    Forward (given): z = F.conv2d(x, W, b, stride, padding) with integer stride s and zero padding p.
    Backward: δ (n, C_out, H', W') -> (∂J/∂x, ∂J/∂θ, ∂J/∂b, None, None), one value per input of
    forward, each the shape of what it differentiates. Use forward operations only
    (F.conv2d, F.conv_transpose2d, sums), no autograd.
    """

    @staticmethod
    def forward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, stride: int, padding: int) -> torch.Tensor:
        return F.conv2d(x, W, b, stride, padding)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        x, W, _, stride, padding = inputs
        ctx.save_for_backward(x, W)
        ctx.stride, ctx.padding = stride, padding

    @staticmethod
    def backward(ctx, delta: torch.Tensor):
        x, W = ctx.saved_tensors
        s, p = ctx.stride, ctx.padding
        # Hint: θ[o, c, u, v] was used at every position: ∂J/∂θ[o, c, u, v] = Σ_n Σ_{i,j} δ[n, o, i, j] · x̃[n, c, s·i + u, s·j + v]
        # Hint: that sum is F.conv2d of x (batch and channels swapped) with δ (swapped) as filters, dilation s; crop to k × k
        # Hint: ∂J/∂x sends each δ back through the weight that read the pixel: F.conv_transpose2d(δ, θ, stride s, padding p)
        # Hint: with stride 2 some rows at the bottom/right may be read by no window: output_padding restores them
        raise NotImplementedError("Lab 8, exercise 2 (lab08.Conv2dFunction): write the convolution's backward: ∂J/∂x, ∂J/∂θ, ∂J/∂b from δ = ∂J/∂z, each as a convolution (Ng §3.3.2, eq. 3.22)")
