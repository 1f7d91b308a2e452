"""Conv2dFunction and Conv2d: forward = torch's conv2d, backward = the sums of Ng §3.3.2 (eq. 3.22)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch.func import grad, vmap

import cs229nn.functional.conv as conv_module
from conftest import DEVICES
from cs229nn.check import compare_gradients
from cs229nn.functional.conv import Conv2dFunction, conv2d, conv2d_naive
from cs229nn.functional.pooling import max_pool2d
from cs229nn.nn.conv import Conv2d, Flatten, GlobalMaxPool2d, MaxPool2d
from cs229nn.nn.linear import Linear
from cs229nn.nn.activations import ReLU
from cs229nn.nn.module import notes_names
from cs229nn.parameters import count_parameters
from reference import assert_close_rel, grads_of
from strategies import randn, seeds


@st.composite
def conv_geometry(draw, max_size: int = 9):
    """(n, C_in, C_out, (H, W), (k_H, k_W), stride, padding), the padded input at least as large as the kernel.

    Sizes, strides and paddings are drawn independently per side, so most draws
    do not tile evenly: (H + 2p − k) mod s ≠ 0 leaves rows that no window reads.
    """
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = tuple(draw(st.integers(max(1, k - 2 * p), max_size)) for k, p in zip(kernel, padding))
    return draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3)), size, kernel, stride, padding


def conv_tensors(seed, geometry, bias=True, dtype=torch.float64, device="cpu"):
    """x, θ, b for a geometry; b is None when ``bias`` is False."""
    n, c_in, c_out, size, kernel, _, _ = geometry
    x = randn(seed, n, c_in, *size, dtype=dtype, device=device)
    W = randn(seed + 1, c_out, c_in, *kernel, dtype=dtype, device=device)
    b = randn(seed + 2, c_out, dtype=dtype, device=device) if bias else None
    return x, W, b


def assert_same_function(fn, reference, inputs, upstream, rel, **kwargs):
    """fn(*inputs, **kwargs) and reference(*inputs, **kwargs) agree in value and in every input's gradient."""
    out, grads = grads_of(lambda *t: fn(*t, **kwargs), inputs, upstream)
    ref_out, ref_grads = grads_of(lambda *t: reference(*t, **kwargs), inputs, upstream)
    assert_close_rel(out, ref_out, rel)
    for g, r in zip(grads, ref_grads):
        assert_close_rel(g, r, rel)
    return out


@given(geometry=conv_geometry(), bias=st.booleans(), seed=seeds)
def test_conv2d_matches_torch_forward_and_backward(geometry, bias, seed):
    stride, padding = geometry[5:]
    x, W, b = conv_tensors(seed, geometry, bias)
    inputs = [x, W] + ([b] if bias else [])
    upstream = randn(seed + 3, *F.conv2d(x, W, b, stride, padding).shape)
    assert_same_function(conv2d, F.conv2d, inputs, upstream, 1e-12, stride=stride, padding=padding)


@given(geometry=conv_geometry(max_size=7), seed=seeds)
def test_naive_equals_fast_and_its_autograd_equals_the_manual_backward(geometry, seed):
    """Eq. 3.22 with two loops vs conv2d: the same outputs, and autograd through the loops gives our gradients."""
    stride, padding = geometry[5:]
    x, W, b = conv_tensors(seed, geometry)
    upstream = randn(seed + 3, *F.conv2d(x, W, b, stride, padding).shape)
    assert_same_function(conv2d, conv2d_naive, [x, W, b], upstream, 1e-12, stride=stride, padding=padding)


def test_backward_is_the_sum_over_every_position_the_filter_was_applied():
    """∂J/∂θ = Σ_{n,i,j} δ_ij · (window at i, j); ∂J/∂x: each δ_ij sent back through θ onto its window."""
    stride, k = 2, 3
    x, W, b = randn(0, 2, 2, 8, 8), randn(1, 3, 2, k, k), randn(2, 3)
    delta = randn(3, 2, 3, 3, 3)  # H_out = W_out = (8 − 3) // 2 + 1 = 3
    _, (grad_x, grad_W, grad_b) = grads_of(lambda *t: conv2d(*t, stride=stride), [x, W, b], delta)
    expected_W, expected_x = torch.zeros_like(W), torch.zeros_like(x)
    for i in range(3):
        for j in range(3):
            rows, cols = slice(stride * i, stride * i + k), slice(stride * j, stride * j + k)
            # (n, C_out) δ's times the (n, C_in, k, k) window, summed over the examples
            expected_W += torch.einsum("no,ncuv->ocuv", delta[:, :, i, j], x[:, :, rows, cols])
            expected_x[:, :, rows, cols] += torch.einsum("no,ocuv->ncuv", delta[:, :, i, j], W)
    assert_close_rel(grad_W, expected_W, 1e-13)
    assert_close_rel(grad_x, expected_x, 1e-13)
    assert_close_rel(grad_b, delta.sum((0, 2, 3)), 1e-13)
    # the last row and column of x are read by no window (the windows end at 2·2 + 3 = 7): gradient exactly 0
    assert grad_x[:, :, 7].abs().max() == 0 and grad_x[:, :, :, 7].abs().max() == 0


@pytest.mark.parametrize(
    "size,kernel,stride,padding",
    [((6, 6), (3, 3), (1, 1), (0, 0)), ((7, 8), (3, 2), (2, 3), (1, 0)), ((5, 4), (4, 4), (3, 2), (2, 1))],
)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_gradcheck(size, kernel, stride, padding, bias):
    x = randn(0, 2, 2, *size).requires_grad_()
    W = randn(1, 3, 2, *kernel).requires_grad_()
    b = randn(2, 3).requires_grad_() if bias else None
    assert torch.autograd.gradcheck(Conv2dFunction.apply, (x, W, b, stride, padding))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype,rel", [(torch.float32, 1e-5), (torch.float64, 1e-12)])
def test_conv2d_on_device(device, dtype, rel):
    geometry = (4, 3, 5, (13, 11), (4, 3), (2, 3), (1, 2))
    x, W, b = conv_tensors(0, geometry, dtype=dtype, device=device)
    upstream = randn(3, *F.conv2d(x, W, b, (2, 3), (1, 2)).shape, dtype=dtype, device=device)
    out = assert_same_function(conv2d, F.conv2d, [x, W, b], upstream, rel, stride=(2, 3), padding=(1, 2))
    assert out.device.type == device and out.dtype == dtype


def test_needs_input_grad_skips_unrequested_gradients(monkeypatch):
    """Only the requested gradients are computed: no ∂J/∂x for a first layer, no ∂J/∂θ for frozen filters."""
    calls = []
    for name in ("input_gradient", "filter_gradient"):
        real = getattr(conv_module, name)
        monkeypatch.setattr(conv_module, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    x, W, b = randn(0, 2, 3, 6, 6), randn(1, 4, 3, 3, 3), randn(2, 4)
    gW, = torch.autograd.grad(conv2d(x, W.requires_grad_(), b).sum(), W)
    assert calls == ["filter_gradient"] and gW.shape == W.shape
    calls.clear()
    gx, = torch.autograd.grad(conv2d(x.requires_grad_(), W.detach(), b).sum(), x)
    assert calls == ["input_gradient"] and gx.shape == x.shape


@pytest.mark.parametrize("stride,padding", [((1, 1), (0, 0)), ((1, 1), (3, 1)), ((2, 1), (1, 0)), ((1, 3), (2, 2))])
def test_both_ways_of_convolving_the_error_map_back(stride, padding):
    """∂J/∂x uses a flipped-filter convolution (stride 1, p ≤ k − 1) or one convolution per phase (sub-pixel): both equal autograd."""
    x, W = randn(0, 2, 3, 9, 8), randn(1, 4, 3, 3, 2)
    upstream = randn(2, *F.conv2d(x, W, None, stride, padding).shape)
    only_x = [lambda x, conv=conv: conv(x, W, None, stride, padding) for conv in (conv2d, F.conv2d)]
    assert_same_function(*only_x, [x], upstream, 1e-12)


def small_conv_net(mode: str) -> torch.nn.Sequential:
    """conv → ReLU → pool → conv → ReLU → global max pool → linear, the soccer experiment's shape in miniature."""
    return torch.nn.Sequential(
        Conv2d(3, 4, 3, padding=1, mode=mode, layer=1),
        ReLU(mode=mode),
        MaxPool2d(2, mode=mode),
        Conv2d(4, 5, 3, stride=2, mode=mode, layer=2),
        ReLU(mode=mode),
        GlobalMaxPool2d(mode=mode),
        Linear(5, 2, mode=mode, layer=3),
    )


@pytest.mark.parametrize("device", DEVICES)
def test_small_conv_net_manual_and_autograd_modes_agree(device):
    torch.manual_seed(0)
    model = small_conv_net("manual").to(device=device, dtype=torch.float64)
    x = randn(0, 3, 3, 12, 11, device=device)
    report = compare_gradients(model, x, numeric=False)
    assert report.passed, str(report)
    assert {r.name for r in report.rows} >= {"x", "W^[1]", "b^[1]", "W^[2]", "W^[3]"}
    assert max(r.manual_rel for r in report.rows) < 1e-12, str(report)


def test_flatten_head_manual_and_autograd_modes_agree():
    torch.manual_seed(0)
    model = torch.nn.Sequential(Conv2d(2, 3, 2, mode="manual"), ReLU(), MaxPool2d(2), Flatten(), Linear(3 * 3 * 2, 1))
    x = randn(1, 2, 2, 7, 5)
    report = compare_gradients(model, x)  # with numeric gradients too: small enough
    assert report.passed, str(report)


def test_conv2d_module_initializes_like_torch_and_describes_itself():
    torch.manual_seed(0)
    ours = Conv2d(3, 8, 4, stride=2, padding=1, dtype=torch.float64)
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(3, 8, 4, stride=2, padding=1, dtype=torch.float64)
    assert torch.equal(ours.weight, theirs.weight) and torch.equal(ours.bias, theirs.bias)
    x = randn(0, 2, 3, 10, 9)
    assert_close_rel(ours(x), theirs(x), 1e-12)
    assert repr(ours) == "Conv2d(3, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=True, mode='manual')"
    assert ours.notation() == {"weight": "θ", "bias": "b"}
    layered = Conv2d(3, 8, 4, bias=False, layer=2)
    assert layered.bias is None and notes_names(torch.nn.Sequential(layered)) == {"0.weight": "W^[2]", "0.bias": "b^[2]"}


def test_parameter_sharing_in_numbers():
    """A 4×4×3 filter has 48 weights + 1 bias; one unit on all 12 288 pixels has 12 289 (Ng §3.3.2)."""
    assert count_parameters(Conv2d(3, 1, 4)) == 49
    assert count_parameters(Linear(64 * 64 * 3, 1)) == 12289


@pytest.mark.parametrize(
    "x_shape,W_shape,b_shape,kwargs,error,message",
    [
        ((2, 64, 64, 3), (8, 3, 4, 4), (8,), {}, ValueError, "x must be (n, C_in, H, W) with C_in = 3 to match θ ∈ R^(8×3×4×4), got (2, 64, 64, 3); did you forget x.permute(0, 3, 1, 2)?"),
        ((3, 64, 64), (8, 3, 4, 4), (8,), {}, ValueError, "for a single image use x.unsqueeze(0)"),
        ((2, 1, 8, 8), (8, 3, 4, 4), (8,), {}, ValueError, "C_in = 3"),
        ((2, 3, 8, 8), (3, 4, 4), (8,), {}, ValueError, "θ must be 4-D (C_out, C_in, k_H, k_W)"),
        ((2, 3, 8, 8), (8, 3, 4, 4), (3,), {}, ValueError, "b must be (C_out,) = (8,)"),
        ((2, 3, 3, 8), (8, 3, 4, 4), (8,), {}, ValueError, "x is 3×8 (padded: 3×8), smaller than the 4×4 kernel"),
        ((2, 3, 8, 8), (8, 3, 4, 4), (8,), {"stride": 0}, ValueError, "stride must be ≥ 1"),
        ((2, 3, 8, 8), (8, 3, 4, 4), (8,), {"padding": -1}, ValueError, "padding must be ≥ 0"),
        ((2, 3, 8, 8), (8, 3, 4, 4), (8,), {"stride": 1.5}, TypeError, "stride must be an int or a pair of ints"),
        ((2, 3, 8, 8), (8, 3, 4, 4), (8,), {"padding": "same"}, TypeError, "padding must be an int or a pair"),
    ],
)
def test_conv2d_rejects_bad_input_in_the_notes_notation(x_shape, W_shape, b_shape, kwargs, error, message):
    with pytest.raises(error) as info:
        conv2d(torch.zeros(x_shape), torch.zeros(W_shape), torch.zeros(b_shape), **kwargs)
    assert message in str(info.value)


def test_conv2d_rejects_mixed_dtypes_and_names_layers():
    with pytest.raises(TypeError, match="x has dtype torch.float64 but θ has torch.float32"):
        conv2d(torch.zeros(1, 3, 8, 8, dtype=torch.float64), torch.zeros(2, 3, 4, 4))
    with pytest.raises(TypeError, match="must be a floating-point tensor"):
        conv2d(torch.zeros(1, 3, 8, 8, dtype=torch.long), torch.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"a\^\[1\] must be \(n, C_in, H, W\) with C_in = 4 to match W\^\[2\]"):
        Conv2d(4, 2, 3, layer=2)(torch.zeros(1, 3, 8, 8))


@pytest.mark.parametrize("stride", [1, 2, 4])
def test_per_example_gradients_with_vmap(stride):
    """generate_vmap_rule: torch.func.vmap(grad(...)) runs the manual backward once per example, like autograd's.

    Kills: ∂J/∂θ's operands laid out with contiguous(memory_format=...), which vmap does not support (stride 4).
    """
    x, W = randn(0, 4, 2, 7, 7), randn(1, 3, 2, 3, 3)

    def J(conv, pool):
        return lambda W, x_i: pool(conv(x_i[None], W, None, stride, 1), 2).pow(2).sum()

    ours = vmap(grad(J(conv2d, max_pool2d)), in_dims=(None, 0))(W, x)
    reference = vmap(grad(J(F.conv2d, F.max_pool2d)), in_dims=(None, 0))(W, x)
    assert_close_rel(ours, reference, 1e-12)
