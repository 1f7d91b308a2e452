"""The plain path (combined-style twin) and the torch.func path run the same layer: same gradients, bit for bit.

Also: every public Function under ``jacrev``, every public loss under
``vmap(grad(·))`` (per-example gradients), and the input checks that
remember a passing signature but never a failing one or a value.
"""

import pytest
import torch
import torch.nn.functional as F
from torch.func import grad, jacrev, vmap

import cs229nn.functional as manual
from cs229nn.functional.function import ManualFunction
from cs229nn.functional.linear import check_linear_inputs
from function_cases import FUNCTIONS, differentiable_output, floating, labels, probabilities
from strategies import randn


def first_output(function):
    """apply's differentiable output."""
    return lambda *inputs: differentiable_output(function.apply(*inputs))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_plain_path_and_torch_func_path_give_bit_identical_gradients(name):
    """autograd through the combined-style twin == torch.func.grad through the setup_context Function, exactly.

    Kills: a twin that skips setup_context or saves other tensors; and a twin used under
    transforms (torch.func refuses a Function without setup_context).
    """
    function, make_inputs = FUNCTIONS[name]
    inputs, wrt = make_inputs(), floating(make_inputs())
    apply = first_output(function)
    shape = apply(*inputs).shape
    upstream = randn(9, *shape) if shape else torch.tensor(1.7, dtype=torch.float64)

    leaves = [t.clone().requires_grad_() if i in wrt else t for i, t in enumerate(inputs)]
    out = apply(*leaves)
    assert type(out.grad_fn)._forward_cls is function.combined  # the plain path really is the twin
    plain = torch.autograd.grad(out, [leaves[i] for i in wrt], upstream)

    def J(*differentiated):
        args = list(inputs)
        for i, t in zip(wrt, differentiated):
            args[i] = t
        return (apply(*args) * upstream).sum()

    transformed = grad(J, argnums=tuple(range(len(wrt))))(*[inputs[i] for i in wrt])
    for p, t in zip(plain, transformed):
        assert torch.equal(p, t)


def test_every_manual_function_has_a_twin_named_like_it():
    for function, _ in FUNCTIONS.values():
        assert issubclass(function, ManualFunction)
        assert function.combined.__name__ == function.__name__  # grad_fn reads "LinearFunctionBackward" either way
        assert function.combined.backward is not None


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jacrev_works_on_every_function(name):
    """jacrev vmaps the backward over a batch of cotangents: no in-place op, and no op vmap lacks
    (``contiguous(memory_format=...)``), may meet a batched tensor; with respect to every input."""
    function, make_inputs = FUNCTIONS[name]
    inputs = make_inputs()
    apply = first_output(function)
    for i in floating(inputs):

        def f(t):
            return apply(*inputs[:i], t, *inputs[i + 1 :])

        expected = torch.autograd.functional.jacobian(f, inputs[i])  # autograd, through the plain path
        assert torch.equal(jacrev(f)(inputs[i]), expected), f"input {i}"


PUBLIC_LOSSES = {
    "squared_loss": (manual.squared_loss, lambda n: (randn(0, n, 2), randn(1, n, 2))),
    "logistic_loss": (manual.logistic_loss, lambda n: (randn(0, n), probabilities(1, n))),
    "softmax_cross_entropy": (manual.softmax_cross_entropy, lambda n: (randn(0, n, 3), labels(1, n, 3))),
    "binary_cross_entropy": (manual.binary_cross_entropy, lambda n: (probabilities(0, n), probabilities(1, n))),
}


@pytest.mark.parametrize("name", sorted(PUBLIC_LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_vmap_grad_gives_per_example_gradients_of_every_loss(name, reduction):
    """vmap(grad(J)) over the examples == a Python loop of autograd over them (Ng's per-example J^(i)).

    Kills: a label check that reads values with .item() or bool() under vmap.
    """
    loss, make_inputs = PUBLIC_LOSSES[name]
    prediction, y = make_inputs(5)

    def J_one(p, t):  # J^(i): the loss of one example, as a batch of one
        return loss(p.unsqueeze(0), t.unsqueeze(0), reduction)

    batched = vmap(grad(J_one))(prediction, y)
    for i in range(prediction.shape[0]):
        p = prediction[i].clone().requires_grad_()
        (expected,) = torch.autograd.grad(J_one(p, y[i]), p)
        assert torch.allclose(batched[i], expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", sorted(PUBLIC_LOSSES))
def test_jacrev_of_every_public_loss(name):
    loss, make_inputs = PUBLIC_LOSSES[name]
    prediction, y = make_inputs(4)
    f = lambda p: loss(p, y)  # noqa: E731
    assert torch.equal(jacrev(f)(prediction), torch.autograd.functional.jacobian(f, prediction))


def test_label_checks_still_speak_under_vmap():
    """Inside a transform the values are read from the tensor under the wrappers: same message."""
    z, y = randn(0, 4, 3), torch.tensor([0, 1, 3, 2])
    with pytest.raises(ValueError, match=r"class indices in \[0, k\) = \[0, 3\), got values from 0 to 3"):
        vmap(grad(lambda z, y: manual.softmax_cross_entropy(z.unsqueeze(0), y.unsqueeze(0))))(z, y)
    with pytest.raises(ValueError, match=r"p must be probabilities in \[0, 1\], got values from 0.5 to 1.5"):
        grad(lambda p: manual.binary_cross_entropy(p, torch.ones(2, dtype=torch.float64)))(torch.tensor([0.5, 1.5], dtype=torch.float64))


def test_a_remembered_signature_never_hides_a_mistake():
    """A passing signature is remembered; a failing one is not, and values are never part of one.

    Kills: remembering failures (the second call would pass silently), and a label range
    check inside a remembered check (a good y would let a bad y of the same shape through).
    """
    a, W = torch.randn(5, 3), torch.randn(4, 3)
    for _ in range(2):
        with pytest.raises(ValueError, match="is W transposed"):
            check_linear_inputs(torch.randn(5, 4), W, None, None)
    check_linear_inputs(a, W, None, None)
    check_linear_inputs(a, W, None, None)  # remembered: passes again
    with pytest.raises(TypeError, match="a has dtype torch.float64"):
        check_linear_inputs(a.double(), W, None, None)  # another dtype is another signature
    z = torch.randn(4, 3)
    manual.softmax_cross_entropy(z, torch.tensor([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="got values from 0 to 3"):
        manual.softmax_cross_entropy(z, torch.tensor([0, 1, 3, 1]))


# Empty batches: what torch does on n = 0 (a NaN mean of nothing, empty or zero gradients).
EMPTY = {
    "linear": (lambda a, W, b: manual.linear(a, W, b), lambda a, W, b: F.linear(a, W, b), lambda: (torch.randn(0, 3), torch.randn(2, 3), torch.randn(2))),
    "relu": (manual.relu, torch.relu, lambda: (torch.randn(0, 3),)),
    "sigmoid": (manual.sigmoid, torch.sigmoid, lambda: (torch.randn(0, 3),)),
    "tanh": (manual.tanh, torch.tanh, lambda: (torch.randn(0, 3),)),
    "leaky_relu": (manual.leaky_relu, lambda z: F.leaky_relu(z, 0.1), lambda: (torch.randn(0, 3),)),
    "elu": (manual.elu, F.elu, lambda: (torch.randn(0, 3),)),
    "identity": (manual.identity, lambda z: z * 1, lambda: (torch.randn(0, 3),)),
    "conv2d": (lambda x, W, b: manual.conv2d(x, W, b, 2, 1), lambda x, W, b: F.conv2d(x, W, b, 2, 1),
               lambda: (torch.randn(0, 2, 7, 6), torch.randn(3, 2, 3, 2), torch.randn(3))),
    "max_pool2d": (lambda z: manual.max_pool2d(z, 2), lambda z: F.max_pool2d(z, 2), lambda: (torch.randn(0, 2, 6, 5),)),
    "flatten": (manual.flatten, lambda a: a.flatten(1), lambda: (torch.randn(0, 2, 3, 2),)),
}
for _reduction in ["mean", "sum"]:
    _s = 1.0 if _reduction == "sum" else float("nan")
    EMPTY.update({
        f"squared_loss-{_reduction}": (lambda o, y, r=_reduction: manual.squared_loss(o, y, r),
                                       lambda o, y, s=_s: 0.5 * F.mse_loss(o, y, reduction="sum") * s, lambda: (torch.randn(0, 2), torch.randn(0, 2))),
        f"logistic_loss-{_reduction}": (lambda z, y, r=_reduction: manual.logistic_loss(z, y, r),
                                        lambda z, y, r=_reduction: F.binary_cross_entropy_with_logits(z, y, reduction=r), lambda: (torch.randn(0), torch.rand(0))),
        f"softmax_cross_entropy-{_reduction}": (lambda z, y, r=_reduction: manual.softmax_cross_entropy(z, y, r),
                                                lambda z, y, r=_reduction: F.cross_entropy(z, y, reduction=r), lambda: (torch.randn(0, 3), torch.zeros(0, dtype=torch.long))),
        f"binary_cross_entropy-{_reduction}": (lambda p, y, r=_reduction: manual.binary_cross_entropy(p, y, r),
                                               lambda p, y, r=_reduction: F.binary_cross_entropy(p, y, reduction=r), lambda: (torch.rand(0), torch.rand(0))),
    })


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_empty_batch_behaves_as_torch(name):
    """n = 0: the same output (NaN for a mean of nothing, as torch) and the same gradients (empty, or zeros for θ and b).

    Kills: 1/n raising ZeroDivisionError, and the filter gradient's batch-swapped convolution on 0 examples.
    """
    ours, reference, make_inputs = EMPTY[name]
    inputs = make_inputs()
    results = []
    for fn in (ours, reference):
        leaves = [t.clone().requires_grad_(t.is_floating_point()) for t in inputs]
        out = fn(*leaves)
        wrt = [t for t in leaves if t.requires_grad]
        results.append((out.detach(), torch.autograd.grad(out.sum(), wrt)))
    (out, grads), (expected_out, expected_grads) = results
    assert torch.equal(out, expected_out) or (out.isnan().all() and expected_out.isnan().all() and out.shape == expected_out.shape)
    for g, e in zip(grads, expected_grads):
        assert g.shape == e.shape and torch.equal(g, e)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
@pytest.mark.parametrize("name", sorted(PUBLIC_LOSSES))
def test_losses_do_not_synchronize_the_gpu(name):
    """Label and probability ranges are checked on the device (torch._assert_async), never copied to the host.

    Kills: an .item(), bool() or aminmax read on a CUDA tensor in a loss's checks or math.
    """
    loss, make_inputs = PUBLIC_LOSSES[name]
    prediction, y = (t.cuda() for t in make_inputs(8))
    prediction.requires_grad_()
    loss(prediction, y)  # first call: kernels load, checks are remembered
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        J = loss(prediction, y)
        J.backward()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    torch.cuda.synchronize()
