"""Deliberately wrong (and correct-but-different) student Functions, one per catalogue entry.

Each is what a student plausibly writes; the tests assert that the checker names
the mistake, or accepts the correct variant.
"""

import torch
import torch.nn.functional as F
from torch.autograd import Function

from cs229nn.functional.conv import filter_gradient, input_gradient


class _Linear(Function):
    """z = a Wᵀ + b, saving a and W."""

    @staticmethod
    def forward(a, W, b):
        return a @ W.t() + b

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], inputs[1])


def linear(grads):
    """A linear Function whose backward is ``grads(delta, a, W)``."""
    return type("StudentLinear", (_Linear,), {"backward": staticmethod(lambda ctx, d: grads(d, *ctx.saved_tensors))})


CorrectLinear = linear(lambda d, a, W: (d @ W, d.t() @ a, d.sum(0)))
TransposedW = linear(lambda d, a, W: (d @ W, a.t() @ d, d.sum(0)))
BiasNotSummed = linear(lambda d, a, W: (d @ W, d.t() @ a, d))
BiasSummedOverUnits = linear(lambda d, a, W: (d @ W, d.t() @ a, d.sum(1)))
WrongSignLinear = linear(lambda d, a, W: (-(d @ W), -(d.t() @ a), -d.sum(0)))
TooFewGradients = linear(lambda d, a, W: (d @ W, d.t() @ a))
NoneForW = linear(lambda d, a, W: (d @ W, None, d.sum(0)))
Float32Gradients = linear(lambda d, a, W: (d @ W, (d.t() @ a).float(), d.sum(0)))
# correct, written differently
EinsumLinear = linear(lambda d, a, W: (torch.einsum("nm,md->nd", d, W), torch.einsum("nm,nd->md", d, a), torch.einsum("nm->m", d)))
ReorderedLinear = linear(lambda d, a, W: ((W.t() @ d.t()).t(), (a.t() @ d).t(), torch.ones(d.shape[0], dtype=d.dtype) @ d))


class ColumnLinear(Function):
    """The notes' column convention (Z = W Aᵀ + b, examples in columns), transposed back correctly."""

    @staticmethod
    def forward(a, W, b):
        return (W @ a.t() + b[:, None]).t()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], inputs[1])

    @staticmethod
    def backward(ctx, d):
        a, W = ctx.saved_tensors
        dZ = d.t()  # (m, n): δ^(i) in columns
        return (W.t() @ dZ).t(), dZ @ a, dZ.sum(1)  # eq. 3.14, 3.10, 3.11 with columns


def activation(forward, backward, saves="z"):
    """An element-wise activation Function saving z (or a) and computing δ = backward(G, z, a)."""

    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], output)

    def _backward(ctx, G):
        z, a = ctx.saved_tensors
        return backward(G, z, a)

    return type("StudentActivation", (Function,), {
        "forward": staticmethod(lambda z: forward(z)), "setup_context": staticmethod(setup_context), "backward": staticmethod(_backward)})


MissingGPrime = activation(torch.sigmoid, lambda G, z, a: G)
SigmoidOfA = activation(torch.sigmoid, lambda G, z, a: G * torch.sigmoid(a) * (1 - torch.sigmoid(a)))
TanhWithZ = activation(torch.tanh, lambda G, z, a: G * (1 - z**2))
SigmoidFromZ = activation(torch.sigmoid, lambda G, z, a: G * torch.sigmoid(z) * (1 - torch.sigmoid(z)))  # correct
ReLUNotesConvention = activation(torch.relu, lambda G, z, a: G * (z >= 0).to(G))  # correct: 1{z ≥ 0}
ReLUMissingGPrime = activation(torch.relu, lambda G, z, a: G)
SigmoidDividingByZero = activation(torch.sigmoid, lambda G, z, a: G * a * (1 - a) / (z - z))
SigmoidTimesThree = activation(torch.sigmoid, lambda G, z, a: 3 * G * a * (1 - a))
SigmoidZeros = activation(torch.sigmoid, lambda G, z, a: torch.zeros_like(G))
SigmoidRaising = activation(torch.sigmoid, lambda G, z, a: G @ a)  # a matrix product where ⊙ is meant


class _WithParameter(Function):
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], output)
        ctx.parameter = inputs[1]


class LeakyReLUWrongSlope(_WithParameter):
    @staticmethod
    def forward(z, slope):
        return torch.where(z > 0, z, slope * z)

    @staticmethod
    def backward(ctx, G):
        z, _ = ctx.saved_tensors
        return G * torch.where(z > 0, 1.0, 0.01), None  # torch's default slope, not the layer's


class ELUWrongForNegatives(_WithParameter):
    @staticmethod
    def forward(z, alpha):
        return torch.where(z > 0, z, alpha * (torch.exp(z) - 1))

    @staticmethod
    def backward(ctx, G):
        z, a = ctx.saved_tensors
        return G * torch.where(z > 0, 1.0, a), None  # a = α(e^z − 1): the + α is missing


class _Loss(Function):
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], inputs[1])


def squared_loss(backward):
    """½ Σ (o − y)² / n with a backward returning (∂J/∂o, ∂J/∂y) = backward(o, y, n)."""

    def _backward(ctx, g):
        o, y = ctx.saved_tensors
        grad_o, grad_y = backward(o, y, o.shape[0])
        return g * grad_o, None if grad_y is None else g * grad_y, None

    return type("StudentSquaredLoss", (_Loss,), {
        "forward": staticmethod(lambda o, y, reduction: 0.5 * ((o - y) ** 2).sum() / o.shape[0]),
        "backward": staticmethod(_backward)})


SquaredLossWithoutHalf = squared_loss(lambda o, y, n: (2 * (o - y) / n, None))
SquaredLossSum = squared_loss(lambda o, y, n: (o - y, None))  # forgot the 1/n of the mean
SquaredLossWrongSign = squared_loss(lambda o, y, n: ((y - o) / n, None))
SquaredLossGradientForY = squared_loss(lambda o, y, n: ((o - y) / n, (y - o) / n))  # correct, and y needs none


class SoftmaxWithoutMax(_Loss):
    @staticmethod
    def forward(z, y, reduction):
        e = torch.exp(z)
        p = e / e.sum(1, keepdim=True)
        return -torch.log(p.gather(1, y[:, None])).sum() / z.shape[0]

    @staticmethod
    def backward(ctx, g):
        z, y = ctx.saved_tensors
        e = torch.exp(z)
        p = e / e.sum(1, keepdim=True)
        return g * (p - F.one_hot(y, z.shape[1]).to(z)) / z.shape[0], None, None


class SoftmaxWithLogSumExp(_Loss):
    """Correct: softmax through logsumexp instead of subtracting the max."""

    @staticmethod
    def forward(z, y, reduction):
        log_p = z - torch.logsumexp(z, 1, keepdim=True)
        return -log_p.gather(1, y[:, None]).sum() / z.shape[0]

    @staticmethod
    def backward(ctx, g):
        z, y = ctx.saved_tensors
        p = torch.exp(z - torch.logsumexp(z, 1, keepdim=True))
        return g * (p - F.one_hot(y, z.shape[1]).to(z)) / z.shape[0], None, None


class BCEWithLogZero(_Loss):
    @staticmethod
    def forward(p, y, reduction):
        return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum() / p.shape[0]

    @staticmethod
    def backward(ctx, g):
        p, y = ctx.saved_tensors
        return g * (p - y) / (p * (1 - p)) / p.shape[0], None, None


class _Conv(Function):
    @staticmethod
    def forward(x, W, b, stride, padding):
        return F.conv2d(x, W, b, stride, padding)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, W, _, stride, padding = inputs
        ctx.save_for_backward(x, W)
        ctx.stride, ctx.padding = stride, padding


def conv(grads):
    def _backward(ctx, d):
        x, W = ctx.saved_tensors
        return (*grads(d, x, W, ctx.stride, ctx.padding), d.sum((0, 2, 3)), None, None)

    return type("StudentConv", (_Conv,), {"backward": staticmethod(_backward)})


ConvFilterRotated = conv(lambda d, x, W, s, p: (input_gradient(d, W, x.shape[2:], s, p), filter_gradient(d, x, W.shape[2:], s, p).flip(2, 3)))
ConvInputNotFlipped = conv(lambda d, x, W, s, p: (input_gradient(d, W.flip(2, 3), x.shape[2:], s, p), filter_gradient(d, x, W.shape[2:], s, p)))
ConvFilterPaddingOff = conv(lambda d, x, W, s, p: (input_gradient(d, W, x.shape[2:], s, p), filter_gradient(d, x, W.shape[2:], s, (p[0] - 1, p[1] - 1) if p[0] else (1, 1))))
ConvInputNotCropped = conv(lambda d, x, W, s, p: (F.conv_transpose2d(d, W, stride=s), filter_gradient(d, x, W.shape[2:], s, p)))


class _Pool(Function):
    @staticmethod
    def forward(z, kernel, stride):
        return F.max_pool2d(z, kernel, stride)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
        ctx.kernel, ctx.stride = inputs[1], inputs[2]


class PoolToEveryTie(_Pool):
    @staticmethod
    def backward(ctx, d):
        (z,) = ctx.saved_tensors
        k, s = ctx.kernel, ctx.stride
        n, c, h, w = z.shape
        cols = F.unfold(z, k, stride=s).view(n, c, k[0] * k[1], -1)
        winners = (cols == cols.amax(2, keepdim=True)).to(d)
        grad = F.fold((winners * d.reshape(n, c, 1, -1)).view(n, -1, cols.shape[-1]), (h, w), k, stride=s)
        return grad, None, None


class PoolRowColumnSwapped(_Pool):
    """Routes δ to the winner's position with its row and column offsets in the window swapped."""

    @staticmethod
    def backward(ctx, d):
        (z,) = ctx.saved_tensors
        k, s = ctx.kernel, ctx.stride
        _, where = F.max_pool2d(z, k, s, return_indices=True)
        n, c, h, w = z.shape
        row, col = where // w, where % w
        top = torch.arange(d.shape[2])[:, None] * s[0]
        left = torch.arange(d.shape[3])[None, :] * s[1]
        swapped = (top + (col - left)) * w + (left + (row - top))
        grad = d.new_zeros(n, c, h * w).scatter_add_(2, swapped.flatten(2), d.flatten(2))
        return grad.view(n, c, h, w), None, None


class SigmoidInPlace(Function):
    """σ′ = a(1 − a) computed by changing the saved a in place."""

    @staticmethod
    def forward(z):
        return torch.sigmoid(z)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, G):
        (a,) = ctx.saved_tensors
        return G * a.mul_(1 - a)


class ForwardTransposed(_Linear):
    """Returns zᵀ: (m, n) instead of (n, m)."""

    @staticmethod
    def forward(a, W, b):
        return (a @ W.t() + b).t()

    @staticmethod
    def backward(ctx, d):
        a, W = ctx.saved_tensors
        return d.t() @ W, d @ a, d.sum(1)


class ForwardRaising(_Linear):
    @staticmethod
    def forward(a, W, b):
        return a @ W + b  # W is (m, d): a @ W does not fit

    @staticmethod
    def backward(ctx, d):
        raise NotImplementedError
