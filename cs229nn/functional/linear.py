"""The affine layer z = W a + b and its hand-written backward (Ma Claims 3.2, 3.4)."""

from typing import Optional, Sequence, Tuple

import torch

from cs229nn.functional.function import ManualFunction
from cs229nn.validate import remember_passing, layer_symbol, require_bias, require_float, require_ndim, require_same_dtype_device, shape_str


class LinearFunction(ManualFunction):
    r"""z = W a + b for every example; rows are examples, so Z = A Wᵀ + b.

    With W^[ℓ] ∈ R^{m×d} as in Ma eq. 2.9 and the examples stacked in the
    rows of A ∈ R^{n×d} (Ma §4, with W kept (m, d)), the backward pass is

    * ∂J/∂W = δᵀ A      (Ma Claim 3.2, eq. 3.10, summed over the n examples)
    * ∂J/∂b = Σ_i δ_i    (Ma Claim 3.2, eq. 3.11)
    * ∂J/∂A = δ W        (Ma Claim 3.4, eq. 3.14, transposed for rows)

    where δ = ∂J/∂Z ∈ R^{n×m} is the gradient arriving from above.
    """


    @staticmethod
    def forward(a: torch.Tensor, W: torch.Tensor, b: Optional[torch.Tensor]) -> torch.Tensor:
        if b is None:
            return a.matmul(W.t())
        return torch.addmm(b, a, W.t())  # one fused kernel for A Wᵀ + b

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        a, W, b = inputs
        # ∂J/∂W needs A; ∂J/∂A needs W. Keep only what a requested gradient uses.
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, W if ctx.needs_input_grad[0] else None)

    @staticmethod
    def backward(ctx, delta: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        a, W = ctx.saved_tensors
        return linear_backward(delta, a, W, ctx.needs_input_grad)


def linear_backward(
    delta: torch.Tensor,
    a: Optional[torch.Tensor],
    W: Optional[torch.Tensor],
    needed: Sequence[bool] = (True, True, True),
) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor], Optional[torch.Tensor]]:
    """(∂J/∂A, ∂J/∂W, ∂J/∂b) from δ = ∂J/∂Z, rows are examples (Ma Claims 3.2, 3.4).

    ``needed`` says which of the three to compute (None for the others);
    Ma Algorithm 4 (:mod:`cs229nn.backprop`) and :class:`LinearFunction` both use it.
    """
    grad_a = delta.mm(W) if needed[0] else None  # Ma eq. 3.14: W^T δ per column, δ W for rows
    # Ma eq. 3.10: δ a^T summed over examples, δᵀ A for rows. Computed in W's own (m, d) layout, as torch's
    # addmm backward does: a transposed gradient would cost every optimizer step a copy (foreach's slow path).
    grad_W = delta.t().mm(a) if needed[1] else None
    grad_b = delta.sum(0) if needed[2] else None  # Ma eq. 3.11
    return grad_a, grad_W, grad_b


@remember_passing
def check_linear_inputs(a: torch.Tensor, W: torch.Tensor, b: Optional[torch.Tensor], layer: Optional[int] = None) -> None:
    """Shapes, dtypes and devices of a linear layer's inputs, in the notes' notation."""
    W_name, b_name = layer_symbol("W", layer), layer_symbol("b", layer)
    a_name = layer_symbol("a", None if layer is None else layer - 1)
    require_float(W, W_name)
    require_ndim(W, W_name, 2, "(m, d): m outputs, d inputs")
    m, d = W.shape
    require_float(a, a_name)
    require_ndim(a, a_name, 2, f"(n, d) = (n, {d}): n examples in rows")
    if a.shape[1] != d:
        raise ValueError(
            f"{a_name} must be (n, d) = (n, {d}) to match {W_name} ∈ R^(m×d) = {shape_str(W.shape)}, "
            f"got {shape_str(a.shape)}"
            + (f"; is {W_name} transposed? it should be (m, d) = ({d}, {m})" if a.shape[1] == m else "")
        )
    require_same_dtype_device(W, W_name, a, a_name)
    if b is not None:
        require_bias(b, b_name, m, "m", W, W_name)


def linear(a: torch.Tensor, W: torch.Tensor, b: Optional[torch.Tensor] = None, *, layer: Optional[int] = None) -> torch.Tensor:
    """Z = A Wᵀ + b with the hand-written backward of :class:`LinearFunction`.

    Args:
        a: activations of the previous layer, (n, d), examples in rows.
        W: weight W^[ℓ], (m, d) as in the notes.
        b: bias b^[ℓ], (m,), or None.
        layer: ℓ, used only to name tensors in error messages.
    """
    check_linear_inputs(a, W, b, layer)
    return LinearFunction.apply(a, W, b)
