"""Every catalogue entry is named for a deliberately wrong Function; correct variants pass."""

import pytest
from hypothesis import given
import torch

import student_functions as student
from cs229nn import functional as F
from cs229nn.check import CATALOGUE, CATALOGUE_LIST, OPERATIONS, check_function
from cs229nn.functional import LinearFunction
from strategies import batch_sizes, float_dtypes, seeds, widths

WRONG = [
    # (student Function, reference operation, the catalogue id the report must name)
    (student.TransposedW, "linear", "transposed_weight"),
    (student.BiasNotSummed, "linear", "bias_not_summed"),
    (student.BiasSummedOverUnits, "linear", "bias_summed_wrong_dim"),
    (student.WrongSignLinear, "linear", "wrong_sign"),
    (student.TooFewGradients, "linear", "wrong_count"),
    (student.NoneForW, "linear", "missing_gradient"),
    (student.Float32Gradients, "linear", "wrong_dtype"),
    (student.MissingGPrime, "sigmoid", "missing_g_prime"),
    (student.ReLUMissingGPrime, "relu", "missing_g_prime"),
    (student.SigmoidOfA, "sigmoid", "g_prime_wrong_point"),
    (student.TanhWithZ, "tanh", "g_prime_wrong_point"),
    (student.SquaredLossWithoutHalf, "squared_loss", "squared_loss_half"),
    (student.SquaredLossSum, "squared_loss", "mean_vs_sum"),
    (student.SquaredLossWrongSign, "squared_loss", "wrong_sign"),
    (student.SoftmaxWithoutMax, "softmax_cross_entropy", "softmax_no_max"),
    (student.BCEWithLogZero, "binary_cross_entropy", "log_zero_bce"),
    (student.LeakyReLUWrongSlope, "leaky_relu", "leaky_relu_slope"),
    (student.ELUWrongForNegatives, "elu", "elu_negative"),
    (student.ConvFilterRotated, "conv2d", "conv_filter_rotated"),
    (student.ConvInputNotFlipped, "conv2d", "conv_input_not_flipped"),
    (student.ConvFilterPaddingOff, "conv2d", "conv_stride_padding"),
    (student.ConvInputNotCropped, "conv2d", "conv_stride_padding"),
    (student.PoolToEveryTie, "max_pool2d", "pool_all_ties"),
    (student.PoolRowColumnSwapped, "max_pool2d", "pool_wrong_position"),
    (student.SigmoidInPlace, "sigmoid", "in_place_saved"),
    (student.SigmoidDividingByZero, "sigmoid", "non_finite"),
    (student.SigmoidTimesThree, "sigmoid", "scaled"),
    (student.SigmoidZeros, "sigmoid", "all_zeros"),
    (student.SigmoidRaising, "sigmoid", "function_raised"),
    (student.ForwardRaising, "linear", "function_raised"),
    (student.ForwardTransposed, "linear", "wrong_output_shape"),
]


@pytest.mark.parametrize("function, reference, mistake", WRONG, ids=[f"{m}-{f.__name__}" for f, _, m in WRONG])
def test_a_wrong_function_is_reported_with_its_named_mistake(function, reference, mistake):
    report = check_function(function, reference)
    assert not report.passed, str(report)
    assert mistake in report.mistakes, str(report)
    text = str(report)
    assert CATALOGUE[mistake].citation in text  # every failing row carries its equation


def test_every_catalogue_mistake_has_a_message_and_a_citation_naming_its_notes():
    for m in CATALOGUE_LIST:
        assert m.message and "\n" not in m.message, m.id
        assert any(notes in m.citation for notes in ("Ma ", "Ng ", "CS229 slides", "CS229 backprop notes")), m.id


def test_the_catalogue_is_covered_by_wrong_functions():
    """Each entry has a wrong Function above that trips it, or a test of its own below (or, for wrong_device, on CUDA)."""
    elsewhere = {"wrong_shape", "relu_zero_convention", "relu_zero_torch", "wrong_device"}
    assert {m.id for m in CATALOGUE_LIST} - elsewhere == {m for _, _, m in WRONG}


def test_bias_not_summed_message_is_exact():
    report = check_function(student.BiasNotSummed, "linear")
    assert ("∂J/∂b^[1] has shape (5, 4) = (n, m); it must be (m,) = (4,): sum δ over the examples "
            "(Ma §3, Claim 3.2, eq. 3.11") in str(report)
    assert "index" not in str(report)


def test_transposed_hint_only_when_the_numbers_are_transposed():
    """A gradient whose shape is W's transposed but whose numbers are not is a wrong shape, not a transpose."""
    report = check_function(student.linear(lambda d, a, W: (d @ W, torch.ones(W.shape[1], W.shape[0], dtype=d.dtype), d.sum(0))), "linear")
    assert "wrong_shape" in report.mistakes and "transposed_weight" not in report.mistakes


def test_relu_prime_at_zero_is_a_convention_both_ways():
    ours = check_function(student.ReLUNotesConvention, "relu")
    assert ours.passed, str(ours)
    assert "relu_zero_convention" in ours.mistakes and "ReLU′(0) = 1" in str(ours)
    torch_convention = check_function(student.activation(torch.relu, lambda G, z, a: G * (z > 0).to(G)), "relu")
    assert torch_convention.passed and torch_convention.mistakes == ["relu_zero_torch"] and "ReLU′(0) = 0" in str(torch_convention)
    assert check_function(student.SigmoidFromZ, "sigmoid").mistakes == []  # no convention to name


CORRECT = [
    (student.CorrectLinear, "linear"),
    (student.EinsumLinear, "linear"),
    (student.ReorderedLinear, "linear"),
    (student.ColumnLinear, "linear"),
    (student.SigmoidFromZ, "sigmoid"),
    (student.SquaredLossGradientForY, "squared_loss"),
    (student.SoftmaxWithLogSumExp, "softmax_cross_entropy"),
    (student.ReLUNotesConvention, "relu"),
]


@pytest.mark.parametrize("function, reference", CORRECT, ids=[f.__name__ + "-" + r for f, r in CORRECT])
def test_correct_but_different_implementations_pass(function, reference):
    report = check_function(function, reference)
    assert report.passed, str(report)


def test_float32_passes_with_the_documented_tolerance():
    report = check_function(LinearFunction, "linear", dtype=torch.float32)
    assert report.passed, str(report)
    assert report.dtype == torch.float32 and max(r.manual_rel for r in report.rows) > 1e-12  # float32 rounding is visible


def test_check_function_without_reference_uses_finite_differences_and_says_so():
    report = check_function(student.CorrectLinear, shapes=[((5, 3), (4, 3), (4,)), ((1, 2), (3, 2), (3,))])
    assert report.passed, str(report)
    assert "cannot catch a wrong forward" in str(report) and report.against == "numeric"
    wrong = check_function(student.BiasNotSummed, shapes=[((5, 3), (4, 3), (4,))], symbols=["a^[0]", "W^[1]", "b^[1]"])
    assert wrong.mistakes == ["bias_not_summed"]


def test_check_function_draws_batch_one_and_non_square_weights():
    shapes = {r.shape for r in check_function(student.CorrectLinear, "linear").rows}
    assert (1, 3) in shapes and (4, 3) in shapes and (2, 3) in shapes


def test_check_function_is_reproducible_and_refuses_unknown_operations():
    first, second = (str(check_function(student.SquaredLossSum, "squared_loss", seed=3)) for _ in range(2))
    assert first == second
    with pytest.raises(ValueError, match="unknown operation 'lineer'"):
        check_function(student.CorrectLinear, "lineer")
    with pytest.raises(TypeError, match="shapes="):
        check_function(student.CorrectLinear)


def test_docs_list_every_catalogue_entry():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "checker.md").read_text(encoding="utf-8")
    missing = [m.id for m in CATALOGUE_LIST if f"`{m.id}`" not in text or m.citation not in text]
    assert not missing, f"docs/checker.md lacks {missing}"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_check_function_on_cuda_names_the_same_mistakes():
    assert check_function(LinearFunction, "linear", device="cuda").passed
    assert check_function(student.BiasNotSummed, "linear", device="cuda").mistakes == ["bias_not_summed"]
    assert "conv_filter_rotated" in check_function(student.ConvFilterRotated, "conv2d", device="cuda").mistakes
    on_cpu = student.linear(lambda d, a, W: (d @ W, (d.t() @ a).cpu(), d.sum(0)))
    assert check_function(on_cpu, "linear", device="cuda").mistakes == ["wrong_device"]


def test_check_function_with_a_callable_reference_and_an_operation_for_its_diagnoses():
    reference = lambda a, W, b: torch.einsum("nd,md->nm", a, W) + b  # noqa: E731
    assert check_function(student.CorrectLinear, reference, shapes=[((5, 3), (4, 3), (4,))]).passed
    wrong = check_function(student.BiasSummedOverUnits, reference, shapes=[((4, 3), (4, 3), (4,))], op="linear")
    assert wrong.mistakes == ["bias_summed_wrong_dim"]  # n = m: the shape is right, the variant names it


def test_without_reference_a_raising_forward_is_reported_not_raised():
    report = check_function(student.ForwardRaising, shapes=[((5, 3), (4, 3), (4,))])
    assert report.mistakes == ["function_raised"] and "in forward: RuntimeError" in str(report)


@given(n=batch_sizes, d=widths, m=widths, seed=seeds, dtype=float_dtypes)
def test_any_shape_passes_right_and_names_planted_linear_mistakes(n, d, m, seed, dtype):
    """For every (n, d, m), batch 1 and 1-wide layers included: no false alarm, and the mistake named."""
    shapes = [((n, d), (m, d), (m,))]
    assert check_function(LinearFunction, "linear", shapes=shapes, seed=seed, dtype=dtype).passed
    assert check_function(student.BiasNotSummed, "linear", shapes=shapes, seed=seed, dtype=dtype).mistakes == ["bias_not_summed"]
    assert "wrong_sign" in check_function(student.WrongSignLinear, "linear", shapes=shapes, seed=seed, dtype=dtype).mistakes
    if d != m:
        assert check_function(student.TransposedW, "linear", shapes=shapes, seed=seed, dtype=dtype).mistakes == ["transposed_weight"]


PACKAGE_FUNCTIONS = {
    "linear": F.LinearFunction, "relu": F.ReLUFunction, "sigmoid": F.SigmoidFunction, "tanh": F.TanhFunction,
    "leaky_relu": F.LeakyReLUFunction, "elu": F.ELUFunction, "squared_loss": F.SquaredLossFunction,
    "softmax_cross_entropy": F.SoftmaxCrossEntropyFunction, "binary_cross_entropy": F.BinaryCrossEntropyFunction,
    "conv2d": F.Conv2dFunction, "max_pool2d": F.MaxPool2dFunction,
}


def test_every_operation_has_the_package_function_it_checks():
    assert set(PACKAGE_FUNCTIONS) == set(OPERATIONS)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name", sorted(PACKAGE_FUNCTIONS))
def test_the_package_functions_pass_their_own_check(name, dtype):
    """No false alarm on the reference implementations, with the inputs drawn to expose mistakes (huge logits, p = 0, ties)."""
    report = check_function(PACKAGE_FUNCTIONS[name], name, dtype=dtype)
    assert report.passed, str(report)


def test_the_reports_pasted_in_the_docs_are_what_the_checker_prints(capsys):
    """docs/checker.md shows real runs: its code, run again, prints the same diagnoses."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "checker.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)
    code = [body for language, body in blocks if language == "python"]
    shown = [body for language, body in blocks if not language]
    namespace: dict = {}
    for block in code[:2]:
        exec(block, namespace)  # noqa: S102 - our own documentation
    printed = capsys.readouterr().out
    diagnoses = [line for block in shown for line in block.splitlines() if "wrong" in line or "where:" in line]
    assert diagnoses and all(line in printed for line in diagnoses if "relative error" not in line)
