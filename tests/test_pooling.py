"""Max pooling and flatten: forward = torch's, backward routes δ to each window's first maximum."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from conftest import DEVICES
from cs229nn.functional.conv import pair
from cs229nn.functional.pooling import FlattenFunction, MaxPool2dFunction, flatten, max_pool2d
from cs229nn.mode import backprop_mode
from cs229nn.nn.conv import Flatten, GlobalMaxPool2d, MaxPool2d
from reference import grads_of
from strategies import randn, seeds


@st.composite
def pool_geometry(draw):
    """((H, W), (k_H, k_W), stride or None): strides below, at and above the window size, uneven tilings."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.none() | st.tuples(st.integers(1, 4), st.integers(1, 4)))
    size = (draw(st.integers(kernel[0], 10)), draw(st.integers(kernel[1], 10)))
    return size, kernel, stride


@given(geometry=pool_geometry(), n=st.integers(1, 3), c=st.integers(1, 3), seed=seeds)
def test_max_pool2d_matches_torch_forward_and_backward(geometry, n, c, seed):
    """Exactly equal: both pick the same input per window and add the same δ's."""
    size, kernel, stride = geometry
    z = randn(seed, n, c, *size)
    upstream = randn(seed + 1, *F.max_pool2d(z, kernel, stride).shape)
    out, (grad,) = grads_of(lambda t: max_pool2d(t, kernel, stride), [z], upstream)
    ref_out, (ref_grad,) = grads_of(lambda t: F.max_pool2d(t, kernel, stride), [z], upstream)
    assert torch.equal(out, ref_out)
    assert torch.equal(grad, ref_grad)


def test_ties_send_the_whole_gradient_to_the_first_maximum_in_row_major_order():
    """The documented tie rule, written out: each window's δ goes to its first maximum (smallest row, then column)."""
    z = torch.tensor(
        [[0.0, 5.0, 1.0, 1.0],
         [5.0, 5.0, 1.0, 1.0],
         [2.0, 3.0, 7.0, 0.0],
         [3.0, 2.0, 0.0, 7.0]]
    ).view(1, 1, 4, 4)
    delta = torch.tensor([[10.0, 20.0], [30.0, 40.0]]).view(1, 1, 2, 2)
    _, (grad,) = grads_of(lambda t: max_pool2d(t, 2), [z], delta)
    expected = torch.tensor(
        [[0.0, 10.0, 20.0, 0.0],   # 5 at (0, 1) comes before the 5's at (1, 0) and (1, 1); all four 1's tie
         [0.0, 0.0, 0.0, 0.0],
         [0.0, 30.0, 40.0, 0.0],   # 3 at (2, 1) before 3 at (3, 0); 7 at (2, 2) before 7 at (3, 3)
         [0.0, 0.0, 0.0, 0.0]]
    ).view(1, 1, 4, 4)
    assert torch.equal(grad, expected)
    _, (torch_grad,) = grads_of(lambda t: F.max_pool2d(t, 2), [z], delta)
    assert torch.equal(grad, torch_grad)  # torch follows the same rule


def test_overlapping_windows_accumulate_the_gradient():
    """One input that wins all four overlapping 2×2 windows (stride 1) receives the sum of their four δ's."""
    z = torch.zeros(1, 1, 3, 3)
    z[0, 0, 1, 1] = 1.0
    delta = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 1, 2, 2)
    _, (grad,) = grads_of(lambda t: max_pool2d(t, 2, 1), [z], delta)
    expected = torch.zeros(1, 1, 3, 3)
    expected[0, 0, 1, 1] = 10.0
    assert torch.equal(grad, expected)


def test_constant_input_with_overlap_spreads_by_the_tie_rule():
    """All equal, 3×3 windows, stride 1: each window's first element is its top-left corner."""
    z = torch.ones(1, 1, 4, 4)
    _, (grad,) = grads_of(lambda t: max_pool2d(t, 3, 1), [z], torch.ones(1, 1, 2, 2))
    expected = torch.zeros(1, 1, 4, 4)
    expected[0, 0, :2, :2] = 1.0
    assert torch.equal(grad, expected)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 2), ((2, 3), (1, 2))])
def test_max_pool2d_gradcheck(kernel, stride):
    z = randn(0, 2, 2, 7, 8).requires_grad_()  # continuous random values: no ties, so the max is differentiable
    kernel = pair(kernel, "kernel_size", 1)
    stride = kernel if stride is None else pair(stride, "stride", 1)
    assert torch.autograd.gradcheck(lambda t: MaxPool2dFunction.apply(t, kernel, stride)[0], (z,))


def test_flatten_matches_torch_and_gradchecks():
    a = randn(0, 2, 3, 4, 5)
    upstream = randn(1, 2, 60)
    out, (grad,) = grads_of(flatten, [a], upstream)
    assert torch.equal(out, a.flatten(1))
    assert torch.equal(grad, upstream.view_as(a))
    assert torch.autograd.gradcheck(FlattenFunction.apply, (a.clone().requires_grad_(),))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_pooling_modules_agree_across_modes(device, dtype):
    """MaxPool2d, GlobalMaxPool2d and Flatten give the same outputs and gradients manual and autograd, ties included."""
    z = randn(0, 2, 3, 9, 8, dtype=dtype, device=device)
    z[:, :, 4:, 4:] = z.max()  # one block of ties, inside windows and for the global max
    model = torch.nn.Sequential(MaxPool2d(2, 1), GlobalMaxPool2d())
    flat = Flatten()
    for module in (model, flat):
        upstream = randn(1, *module(z).shape, dtype=dtype, device=device)
        out, grads = grads_of(module, [z], upstream)
        with backprop_mode("autograd"):
            ref_out, ref_grads = grads_of(module, [z], upstream)
        assert out.device.type == device and out.dtype == dtype
        assert torch.equal(out, ref_out) and torch.equal(grads[0], ref_grads[0])


def test_global_max_pool_is_max_pool_over_the_whole_map():
    z = randn(0, 3, 4, 6, 5)
    assert torch.equal(GlobalMaxPool2d()(z), z.amax(dim=(2, 3)))
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), mode='manual')"


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: max_pool2d(torch.zeros(3, 8, 8), 2), ValueError, "z must be 4-D (n, C, H, W), got shape (3, 8, 8); for a single image use z.unsqueeze(0)"),
        (lambda: max_pool2d(torch.zeros(1, 3, 8, 1), 2), ValueError, "z is 8×1 (padded: 8×1), smaller than the 2×2 pooling window"),
        (lambda: max_pool2d(torch.zeros(1, 3, 8, 8), 0), ValueError, "kernel_size must be ≥ 1"),
        (lambda: max_pool2d(torch.zeros(1, 3, 8, 8), 2, (1, 2, 3)), TypeError, "stride must be an int or a pair of ints"),
        (lambda: max_pool2d(torch.zeros(1, 3, 8, 8, dtype=torch.long), 2), TypeError, "z must be a floating-point tensor"),
        (lambda: MaxPool2d(3, mode="autograd")(torch.zeros(1, 1, 2, 2)), ValueError, "smaller than the 3×3 pooling window"),
        (lambda: flatten(torch.zeros(5)), ValueError, "a must have a batch dimension and at least one more"),
    ],
)
def test_pooling_rejects_bad_input(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
