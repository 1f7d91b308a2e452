"""Every manual backward is hand-written: it runs without autograd and uses no gradient helpers."""

import inspect
import pathlib
import re

import pytest
import torch

import cs229nn.functional as manual
from function_cases import FUNCTIONS, differentiable_output, floating
from strategies import randn


class FakeContext:
    """Stands in for autograd's ctx, so setup_context and backward run with no graph at all."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = tuple(needs_input_grad)
        self.saved_tensors = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass


def refuse(*args, **kwargs):
    raise AssertionError("a manual backward called autograd")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_backward_runs_without_autograd_and_matches_autograd(name, monkeypatch):
    function, make_inputs = FUNCTIONS[name]
    inputs = make_inputs()
    wrt = floating(inputs)
    differentiable = [i in wrt for i in range(len(inputs))]
    upstream_shape = differentiable_output(function.apply(*inputs)).shape
    upstream = randn(9, *upstream_shape) if upstream_shape else torch.tensor(1.7, dtype=torch.float64)

    # Reference first: torch's autograd through the same Function.
    leaves = [t.clone().requires_grad_() if d else t for t, d in zip(inputs, differentiable)]
    out = differentiable_output(function.apply(*leaves))
    expected = torch.autograd.grad(out, [t for t, d in zip(leaves, differentiable) if d], upstream)

    # Then backward by hand, with autograd switched off and forbidden.
    monkeypatch.setattr(torch.autograd, "grad", refuse)
    monkeypatch.setattr(torch.Tensor, "backward", refuse)
    with torch.no_grad():
        output = function.forward(*inputs)
        ctx = FakeContext(differentiable)
        function.setup_context(ctx, inputs, output)
        extra = (None,) * (len(output) - 1) if isinstance(output, tuple) else ()  # no gradient for the extra outputs
        grads = function.backward(ctx, upstream, *extra)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert len(grads) == len(inputs)
    for got, want in zip([g for g, d in zip(grads, differentiable) if d], expected):
        assert got is not None and not got.requires_grad
        assert torch.allclose(got, want, rtol=1e-12, atol=1e-14)


def test_backward_skips_gradients_nobody_asked_for():
    """needs_input_grad all False for the weights: backward returns None there."""
    a, W, b = randn(0, 4, 3), randn(1, 2, 3), randn(2, 2)
    ctx = FakeContext([True, False, False])
    with torch.no_grad():
        out = manual.LinearFunction.forward(a, W, b)
        manual.LinearFunction.setup_context(ctx, (a, W, b), out)
        grad_a, grad_W, grad_b = manual.LinearFunction.backward(ctx, torch.ones_like(out))
    assert grad_a is not None and grad_W is None and grad_b is None
    assert ctx.saved_tensors[0] is None  # a is not even kept: only ∂J/∂W would need it


# autograd, torch's gradient helpers (torch.nn.grad.conv2d_weight, aten.*_backward ops).
FORBIDDEN = re.compile(r"autograd\.grad|\.backward\(|torch\.nn\.grad|aten\.|torch\.ops\.|(?<!save_for)(?<!linear)_backward\(")


def test_no_gradient_helpers_in_the_manual_layers_source():
    """A static check over every file of cs229nn.functional (present and future layers)."""
    folder = pathlib.Path(inspect.getfile(manual)).parent
    offenders = []
    for path in sorted(folder.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if FORBIDDEN.search(code):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "gradient helpers in manual layers:\n" + "\n".join(offenders)
