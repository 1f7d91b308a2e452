"""Centered finite differences, the gradient that needs no backward at all."""

from typing import Callable, List, Optional, Sequence

import torch


def require_finite(value: torch.Tensor, what: str) -> None:
    if not bool(torch.isfinite(value).all()):
        raise ValueError(
            f"{what} is not finite ({value.flatten()[:4].tolist()}); the gradient checker needs a finite loss: "
            "check the inputs for nan/inf, and probabilities for exact 0 or 1"
        )


def _require_float64(t: torch.Tensor, what: str) -> None:
    # In float32 a step h = 1e-6 is below the rounding of J (≈ 6e-8 · |J|): J(θ + h) − J(θ − h)
    # is mostly rounding noise, and the "gradient" is off by 100 % without any warning.
    if t.dtype != torch.float64:
        raise TypeError(
            f"numeric_gradient needs float64: {what} is {t.dtype}, where centered differences with h = 1e-6 "
            "are rounding noise; pass x.double() and a model.double() (compare_gradients does this for you)"
        )


def numeric_gradient(
    f: Callable[[], torch.Tensor],
    inputs: Sequence[torch.Tensor],
    h: float = 1e-6,
    upstream: Optional[torch.Tensor] = None,
) -> List[torch.Tensor]:
    """Centered differences (J(θ + h e_i) − J(θ − h e_i)) / 2h for every entry of every input.

    Args:
        f: computes J from ``inputs`` (and whatever it closes over, e.g. parameters).
            If it returns a tensor that is not a scalar, J = Σ f() ⊙ ``upstream``.
        inputs: float64 tensors to differentiate with respect to. They are perturbed
            in place (under ``torch.no_grad``) and restored; parameters of a module work too.
        h: the step. 1e-6 in float64 balances truncation (∝ h²) and rounding (∝ ε/h).
        upstream: ∂L/∂f for a non-scalar ``f`` (default: all ones).

    Returns:
        one gradient tensor per input, each shaped like the input.

    Raises:
        TypeError: an input or f's output is not float64 (in float32 the result would be noise).
    """
    for i, t in enumerate(inputs):
        _require_float64(t, f"input {i}")
        if not t.is_contiguous():
            raise ValueError("numeric_gradient perturbs its inputs in place through a flat view: pass contiguous tensors")

    def objective() -> torch.Tensor:
        out = f()
        _require_float64(out, "f's output")
        require_finite(out, "f's output")
        return out.sum() if upstream is None else (out * upstream).sum()

    grads = []
    with torch.no_grad():
        for t in inputs:
            grad = torch.zeros_like(t)
            flat, flat_grad = t.view(-1), grad.view(-1)
            for i in range(flat.numel()):
                original = flat[i].item()
                flat[i] = original + h
                plus = objective()
                flat[i] = original - h
                minus = objective()
                flat[i] = original
                flat_grad[i] = (plus - minus) / (2 * h)
            grads.append(grad)
    return grads
