"""Gradient checking: rel_error, numeric gradients, reports, and the diagnosis students see."""

import pytest
import torch
from torch.autograd import Function

from cs229nn import nn
from cs229nn.check import Context, compare_gradients, diagnose, numeric_gradient, rel_error
from cs229nn.functional import linear_backward
from cs229nn.report import CASES, gradient_report, run_case
from strategies import randn


def test_rel_error_is_cs231n_definition():
    x = torch.tensor([1.0, 0.0, 1e-12])
    y = torch.tensor([1.0 + 1e-6, 0.0, 0.0])
    # elementwise |x − y| / max(1e-8, |x| + |y|), then the max: (1e-6 / 2, 0, 1e-12 / 1e-8)
    assert rel_error(x, y) == pytest.approx(1e-4, rel=1e-3)
    assert rel_error(x, x) == 0.0
    with pytest.raises(ValueError, match="equal shapes"):
        rel_error(torch.zeros(2), torch.zeros(3))


def test_numeric_gradient_matches_autograd_of_a_torch_function():
    x, W = randn(0, 3, 4), randn(1, 2, 4)
    f = lambda: torch.tanh(x @ W.t()).pow(2).sum()  # noqa: E731
    numeric = numeric_gradient(f, [x, W])
    xr, Wr = x.clone().requires_grad_(), W.clone().requires_grad_()
    expected = torch.autograd.grad(torch.tanh(xr @ Wr.t()).pow(2).sum(), [xr, Wr])
    for got, want in zip(numeric, expected):
        assert rel_error(got, want) < 1e-7
    assert torch.equal(x, randn(0, 3, 4))  # inputs are restored after perturbation


def test_numeric_gradient_refuses_nan():
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    with pytest.raises(ValueError, match="not finite"):
        numeric_gradient(lambda: torch.log(x).sum(), [x])


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_every_report_case_passes(case, dtype):
    report = run_case(case, dtype, torch.device("cpu"))
    assert report.passed, str(report)
    if dtype == torch.float64:
        assert max(r.manual_rel for r in report.rows) < 1e-12


def test_gradient_report_text_names_device_and_every_gradient():
    text, ok = gradient_report(torch.device("cpu"), dtypes=(torch.float64,))
    assert ok
    assert "on cpu" in text and "∂J/∂W^[3]" in text and f"{len(CASES)} of {len(CASES)} checks passed" in text


class StudentLinearFunction(Function):
    """What a student's linear layer saves: a and W."""

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], inputs[1])


class TransposedWeightGradient(StudentLinearFunction):
    """A student's linear layer whose ∂J/∂W is transposed (square W, so autograd accepts the shape)."""

    @staticmethod
    def forward(a, W, b):
        return a @ W.t() + b

    @staticmethod
    def backward(ctx, delta):
        a, W = ctx.saved_tensors
        grad_a, grad_W, grad_b = linear_backward(delta, a, W)
        return grad_a, grad_W.t(), grad_b


class StudentLinear(nn.Linear):
    def forward_manual(self, a):
        return TransposedWeightGradient.apply(a, self.weight, self.bias)


def test_report_says_which_gradient_is_wrong_and_how():
    torch.manual_seed(0)
    model = StudentLinear(3, 3, layer=2).double()
    report = compare_gradients(model, randn(0, 4, 3), title="student")
    assert not report.passed
    [failure] = report.failures
    assert failure.name == "W^[2]"
    assert "transpose" in failure.problem
    assert "∂J/∂W^[2] wrong: relative error" in str(report) and "FAIL" in str(report)


def test_diagnose_names_sign_scale_half_and_zeros():
    expected = randn(0, 4, 3)
    assert diagnose(-expected, expected, "W^[1]").id == "wrong_sign"
    four = diagnose(4 * expected, expected, "W^[1]", Context(n=4))
    assert four.id == "mean_vs_sum" and "n = 4 times" in four.text
    assert diagnose(3 * expected, expected, "W^[1]").id == "scaled"
    assert diagnose(torch.zeros_like(expected), expected, "W^[1]").id == "all_zeros"
    assert diagnose(randn(1, 4, 3), expected, "W^[1]") is None  # wrong, but no entry explains it
    assert diagnose(expected.clone(), expected, "W^[1]") is None  # right


def test_diagnose_names_the_half_of_the_squared_loss_only_for_the_squared_loss():
    """Kills: dropping squared_loss_half from the catalogue, or its detector no longer matching 2× and ½×."""
    expected = randn(0, 5, 2)
    for factor, shown in ((2, "2 ×"), (0.5, "½ ×")):
        found = diagnose(factor * expected, expected, "o", Context(op="squared_loss"))
        assert found.id == "squared_loss_half" and shown in found.text and "½ of the squared loss" in found.text
        assert "Ma §3, eq. 3.4" in str(found)
    assert diagnose(2 * expected, expected, "o", Context(op="sigmoid")).id == "scaled"


def test_compare_gradients_for_a_plain_function_with_a_reference():
    from cs229nn.functional import sigmoid

    report = compare_gradients(sigmoid, randn(0, 3, 2), reference=torch.sigmoid, input_names=["z"])
    assert report.passed and [r.name for r in report.rows] == ["z"]
    wrong = compare_gradients(sigmoid, randn(0, 3, 2), reference=torch.tanh, input_names=["z"])
    assert not wrong.passed
    with pytest.raises(TypeError, match="reference="):
        compare_gradients(sigmoid, randn(0, 3, 2))


def test_compare_gradients_refuses_nan_inputs():
    with pytest.raises(ValueError, match="not finite"):
        compare_gradients(nn.ReLU().double(), torch.tensor([[float("nan"), 1.0]], dtype=torch.float64))


class ForgottenBias(StudentLinearFunction):
    """A student's forward that forgets + b; its backward is right for the function it computes."""

    @staticmethod
    def forward(a, W, b):
        return a @ W.t()

    @staticmethod
    def backward(ctx, delta):
        a, W = ctx.saved_tensors
        return linear_backward(delta, a, W)


class ForgottenBiasLinear(nn.Linear):
    def forward_manual(self, a):
        return ForgottenBias.apply(a, self.weight, self.bias)


def test_report_catches_a_wrong_forward_even_when_gradients_agree():
    report = compare_gradients(ForgottenBiasLinear(3, 2).double(), randn(0, 4, 3))
    assert not report.passed and not report.forward_passed
    assert "forward pass wrong" in str(report)


def test_non_contiguous_inputs_are_fine():
    x = randn(0, 3, 4).t()  # (4, 3), not contiguous
    assert compare_gradients(nn.Linear(3, 2).double(), x).passed
