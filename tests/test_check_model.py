"""compare_gradients on models: raw backward outputs, the first wrong layer, titles; the data-level judges."""

import pytest
import torch

import student_functions as student
from cs229nn import nn
from cs229nn.check import (
    TOLERANCES,
    Context,
    Place,
    check_raw_gradients,
    compare_gradients,
    first_wrong_layer,
    numeric_gradient,
    raw_backward,
    rel_error,
)
from cs229nn.functional import LinearFunction, sigmoid
from cs229nn.nn.module import TwinModule
from strategies import randn


def student_linear(function):
    """An nn.Linear whose manual mode runs a student's linear Function."""

    class StudentLinear(nn.Linear):
        def forward_manual(self, a):
            return function.apply(a, self.weight, self.bias)

    return StudentLinear


def test_bias_not_summed_fails_through_compare_gradients_on_a_module():
    """torch's engine would sum the (n, m) bias gradient to (m,); the raw output is judged first."""
    torch.manual_seed(0)
    report = compare_gradients(student_linear(student.BiasNotSummed)(3, 4, layer=1).double(), randn(0, 5, 3))
    assert not report.passed
    [failure] = report.failures
    assert failure.name == "b^[1]" and failure.mistakes == ["bias_not_summed"]
    assert "∂J/∂b^[1] has shape (5, 4) = (n, m); it must be (m,) = (4,): sum δ over the examples" in str(report)


def test_a_transposed_non_square_weight_gradient_is_named_not_a_torch_traceback():
    torch.manual_seed(0)
    report = compare_gradients(student_linear(student.TransposedW)(3, 4, layer=1).double(), randn(0, 5, 3))
    assert "transposed_weight" in report.mistakes, str(report)
    assert "W^[1]" in [r.name for r in report.failures] and "index 1" not in str(report)


class BrokenSigmoid(TwinModule):
    """A sigmoid layer whose manual backward forgets g′(z)."""

    def forward_manual(self, z):
        return student.MissingGPrime.apply(z)

    def forward_autograd(self, z):
        return torch.sigmoid(z)


def test_a_bug_in_layer_two_activation_is_reported_as_a_layer_two_problem():
    torch.manual_seed(0)
    model = nn.MLP([3, 5, 4, 6, 2], activation="sigmoid").double()
    model[3] = BrokenSigmoid()  # the activation after Linear 2: a^[2] = g(z^[2])
    report = compare_gradients(model, randn(0, 6, 3), loss=nn.SquaredLoss(), target=randn(1, 6, 2))
    assert {r.name for r in report.failures} == {"W^[2]", "b^[2]", "W^[1]", "b^[1]", "x"}
    assert report.located is not None and report.located.layer == 2
    where = str(report.located)
    assert where.startswith("∂J/∂a^[2] is right and everything below is wrong")
    assert "g′(z^[2])" in where and "Claim 3.3, eq. 3.12" in where


def test_a_correct_mlp_has_no_located_error():
    torch.manual_seed(0)
    report = compare_gradients(nn.MLP([3, 4, 2]).double(), randn(0, 5, 3))
    assert report.passed and report.located is None and report.mistakes == []


def test_plain_function_title_and_counts_are_pluralized():
    report = compare_gradients(sigmoid, randn(0, 3, 2), reference=torch.sigmoid, input_names=["z"])
    assert str(report).startswith("sigmoid — float64") and "the 1 gradient agrees" in str(report)
    two = compare_gradients(nn.Linear(3, 1, bias=False).double(), randn(0, 4, 3))
    assert "all 2 gradients agree" in str(two)


# ---- the data-level judges: tensors only, as the grader's parent sees them ---------------------


def test_raw_outputs_collected_by_the_child_are_judged_by_the_parent():
    a, W, b = randn(0, 5, 3), randn(1, 4, 3), randn(2, 4)
    upstream = randn(3, 5, 4)
    collected = raw_backward(student.BiasNotSummed, [a, W, b], upstream)  # the child's part: data only
    assert collected.error is None and tuple(collected.raw[2].shape) == (5, 4)
    findings = check_raw_gradients(collected.raw, [a, W, b], ["a^[0]", "W^[1]", "b^[1]"], contexts=[Context(n=5)] * 3)
    assert [f.id for f in findings] == ["bias_not_summed"] and findings[0].symbol == "b^[1]"
    assert check_raw_gradients(raw_backward(LinearFunction, [a, W, b], upstream).raw, [a, W, b], ["a", "W", "b"]) == []


def test_check_raw_gradients_count_none_and_extra_gradients():
    a, W = randn(0, 5, 3), randn(1, 4, 3)
    [count] = check_raw_gradients((a,), [a, W], ["a^[0]", "W^[1]"])
    assert count.id == "wrong_count" and "forward takes 2 inputs (a^[0], W^[1])" in count.text
    [missing] = check_raw_gradients((a, None), [a, W], ["a^[0]", "W^[1]"])
    assert missing.id == "missing_gradient" and missing.symbol == "W^[1]"
    # a gradient for an input that needs none is fine
    assert check_raw_gradients((a, torch.zeros(7)), [a, W], ["a^[0]", "W^[1]"], needs_grad=[True, False]) == []


def test_first_wrong_layer_from_gradients_alone():
    right = {s: randn(i, 3, 2) for i, s in enumerate(["z^[3]", "W^[3]", "a^[2]", "z^[2]", "W^[2]", "a^[1]"])}
    got = dict(right, **{s: 2 * right[s] for s in ["z^[2]", "W^[2]", "a^[1]"]})
    places = [Place(s, f"step of {s}", k) for s, k in [("z^[3]", 3), ("W^[3]", 3), ("a^[2]", 3), ("z^[2]", 2), ("W^[2]", 2), ("a^[1]", 2)]]
    found = first_wrong_layer(places, got, right)
    assert found.place.symbol == "z^[2]" and found.layer == 2 and found.last_right.symbol == "a^[2]"
    assert str(found) == "∂J/∂a^[2] is right and everything below is wrong: the error is in layer 2: step of z^[2]; the gradients below inherit it"
    assert first_wrong_layer(places, right, right) is None


# ---- issue #11: rel_error, numeric_gradient in float64, tolerances --------------------------------


def test_rel_error_on_lists_is_a_clear_type_error():
    with pytest.raises(TypeError, match="torch.Tensors; x is a list; use torch.tensor"):
        rel_error([1.0, 2.0], torch.tensor([1.0, 2.0]))


def test_rel_error_denominator_is_the_sum_of_magnitudes():
    """Kills: the denominator |y| (or max(|x|, |y|)) instead of |x| + |y|."""
    assert rel_error(torch.tensor([3.0]), torch.tensor([1.0])) == pytest.approx(0.5)  # |3 − 1| / (3 + 1)


def test_numeric_gradient_refuses_float32():
    x = torch.randn(3)
    with pytest.raises(TypeError, match="needs float64: input 0 is torch.float32"):
        numeric_gradient(lambda: (x**2).sum(), [x])


def test_tolerances_are_tight_enough_to_fail_a_slightly_wrong_backward():
    """Kills: loosening TOLERANCES 1000× (a backward off by 1e-8 relative would then pass in float64)."""
    off = student.linear(lambda d, a, W: (d @ W, (1 + 1e-8) * (d.t() @ a), d.sum(0)))
    torch.manual_seed(0)
    report = compare_gradients(student_linear(off)(3, 4).double(), randn(0, 5, 3), numeric=False)
    assert [r.name for r in report.failures] == ["W"]
    assert TOLERANCES[("manual", torch.float64)].rel <= 1e-10 and TOLERANCES[("manual", torch.float32)].rel <= 1e-4
    off32 = student.linear(lambda d, a, W: (d @ W, (1 + 1e-3) * (d.t() @ a), d.sum(0)))
    report32 = compare_gradients(student_linear(off32)(3, 4), randn(0, 5, 3).float(), numeric=False)
    assert [r.name for r in report32.failures] == ["W"]


def test_the_absolute_escape_hatch_grows_with_the_gradients_magnitude():
    """Kills: the absolute limit not scaled by max(1, max |expected|).

    A right float64 gradient with entries near 1e4 carries rounding of about 1e4 · 1e-16 = 1e-12
    on every entry, so where the true value is 0 its relative error is large and its absolute
    error can pass 1e-12: only the scaled limit (1e-12 · 1e4) tells that noise from a mistake.
    """
    limit = TOLERANCES[("manual", torch.float64)]
    expected = torch.tensor([1e4, 0.0], dtype=torch.float64)
    assert limit.accepts(expected + torch.tensor([0.0, 5e-12], dtype=torch.float64), expected)[0]
    assert not limit.accepts(expected + torch.tensor([0.0, 1e-6], dtype=torch.float64), expected)[0]


def test_the_grader_parent_judges_what_the_child_collected_without_student_code():
    import pickle

    from cs229nn.check import OPERATIONS, judge_function_outputs

    sigmoid_op = OPERATIONS["sigmoid"]
    inputs = sigmoid_op.draw(torch.Generator().manual_seed(0), sigmoid_op.cases[0].shapes, torch.float64)
    upstream = randn(5, *inputs[0].shape)
    sent = pickle.dumps(raw_backward(student.MissingGPrime, inputs, upstream))  # the child: tensors only
    report = judge_function_outputs(pickle.loads(sent), inputs, upstream, "sigmoid", title="MissingGPrime")
    assert report.mistakes == ["missing_g_prime"] and str(report).startswith("MissingGPrime")
    right = judge_function_outputs(raw_backward(student.SigmoidFromZ, inputs, upstream), inputs, upstream, "sigmoid")
    assert right.passed


def test_a_conv_net_without_layer_indices_is_located_by_module():
    """Unnamed layers get distinct names, so the walk from the loss down still finds the first wrong one."""
    from cs229nn.nn import Conv2d, Flatten, MaxPool2d, ReLU

    torch.manual_seed(0)
    model = torch.nn.Sequential(Conv2d(1, 2, 3), BrokenSigmoid(), MaxPool2d(2), ReLU(), Flatten(), nn.Linear(2 * 2 * 2, 1)).double()
    report = compare_gradients(model, randn(0, 2, 1, 6, 6), numeric=False)
    assert not report.passed and "missing_g_prime" in report.mistakes, str(report)
    assert "the activation's backward" in str(report.located) and "W" not in [r.name for r in report.failures]
