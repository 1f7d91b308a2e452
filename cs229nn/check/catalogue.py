"""The catalogue of common backward mistakes: named entries a TA would recognise.

Each :class:`Mistake` is plain data: an ``id`` (``bias_not_summed``) that the
labs, the self-checks and the grader print alike, a one-line message in the
notes' notation, the equation it violates (naming which notes: Ma et al. or
Ng & Katanforoosh number differently), and a detector.

A detector looks only at tensors: the student's gradient ``got``, the right
one ``expected`` (or, for the shape entries, anything shaped like it) and a
:class:`Context` with what the trusted side knows: the batch size n, the
activation's input z, and ``variants``, the gradient recomputed by the trusted
reference *under* a named mistake (without g′, with the transposed W, …). It
returns the fields of the message, or None. Detectors never import or call
student code, so the grader's parent process can run them on tensors that its
sandboxed child sent back.
"""

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import torch

from cs229nn.check.metrics import tolerance
from cs229nn.validate import shape_str

Fields = Dict[str, str]
UNEXPLAINED = "no entry of the catalogue explains the difference"


@dataclass
class Context:
    """What the trusted side knows about one gradient, beyond the right value.

    Attributes:
        op: the operation ("linear", "sigmoid", "squared_loss", "conv2d", "max_pool2d", …; "" if unknown).
        n: the number of examples (rows), for mean-vs-sum and unsummed biases.
        variants: mistake id -> [(detail, this gradient recomputed under that mistake)].
        z: the input of an element-wise activation (for the slope of leaky ReLU, ELU's z < 0).
        upstream: ∂J/∂(output) that was fed to the backward.
        params: the operation's constants ("slope", "alpha").
        dtype: the dtype the student's backward ran in (sets how close "equal" is).
    """

    op: str = ""
    n: Optional[int] = None
    variants: Mapping[str, Sequence[Tuple[str, torch.Tensor]]] = field(default_factory=dict)
    z: Optional[torch.Tensor] = None
    upstream: Optional[torch.Tensor] = None
    params: Mapping[str, float] = field(default_factory=dict)
    dtype: torch.dtype = torch.float64


Detector = Callable[[torch.Tensor, torch.Tensor, Context], Optional[Fields]]


@dataclass(frozen=True)
class Mistake:
    """One named mistake: ``message.format(grad="∂J/∂W^[1]", **fields)`` is what the student reads."""

    id: str
    message: str
    citation: str
    detector: Optional[Detector]  # None: seen while running the Function (count, None, dtype, in-place), not by comparing
    convention: bool = False  # a legitimate choice: accepted, and named

    def describe(self, symbol: str, fields: Optional[Fields] = None) -> str:
        return self.message.format(grad=f"∂J/∂{symbol}", **(fields or {}))


@dataclass(frozen=True)
class Finding:
    """A mistake found in one gradient (or, with ``accepted``, a convention the student used)."""

    symbol: str
    mistake: Mistake
    text: str
    accepted: bool = False

    @property
    def id(self) -> str:
        return self.mistake.id

    def __str__(self) -> str:
        return f"{self.text} ({self.mistake.citation})"


def finding(mistake_id: str, symbol: str, fields: Optional[Fields] = None) -> Finding:
    mistake = CATALOGUE[mistake_id]
    return Finding(symbol, mistake, mistake.describe(symbol, fields), mistake.convention)


# ---- helpers for detectors -------------------------------------------------------------------


def _matches(got: torch.Tensor, target: torch.Tensor, ctx: Context) -> bool:
    """got equals target up to the rounding of ctx.dtype's numeric comparison (loose on purpose)."""
    if got.shape != target.shape or not bool(torch.isfinite(got).all()) or not bool(torch.isfinite(target).all()):
        return False
    return tolerance("numeric", ctx.dtype).accepts(got, target.to(got))[0]


def _finite(t: torch.Tensor) -> bool:
    return bool(torch.isfinite(t).all())


def _scale(got: torch.Tensor, expected: torch.Tensor, ctx: Context) -> Optional[float]:
    """c if got = c · expected (c ∉ {0, 1}), else None."""
    if got.shape != expected.shape or not _finite(got) or not bool(expected.abs().gt(0).any()):
        return None
    e, g = expected.double(), got.double()
    c = float((g * e).sum() / (e * e).sum())
    return c if c != 0 and abs(c - 1) > 1e-3 and _matches(g, c * e, ctx) else None


def _near(c: float, value: float) -> bool:
    return abs(c - value) <= 1e-3 * abs(value)


def _variant(mistake_id: str) -> Detector:
    """Detector: got equals the trusted reference's gradient recomputed under this mistake."""

    def detect(got: torch.Tensor, expected: torch.Tensor, ctx: Context) -> Optional[Fields]:
        for detail, variant in ctx.variants.get(mistake_id, ()):
            if _matches(got, variant, ctx) and not _matches(variant, expected, ctx):
                return {"detail": detail}
        return None

    return detect


def _kept_against(mistake_id: str) -> Detector:
    """Detector for a convention: got is the right gradient, and the other convention would differ."""

    def detect(got: torch.Tensor, expected: torch.Tensor, ctx: Context) -> Optional[Fields]:
        if not _matches(got, expected, ctx):
            return None
        others = ctx.variants.get(mistake_id, ())
        return {} if any(not _matches(other, expected, ctx) for _, other in others) else None

    return detect


# ---- shape detectors: got is not shaped like the right gradient ----------------------------


def _bias_not_summed(got, like, ctx):
    if like.dim() != 1 or got.dim() < 2 or got.shape[1] != like.shape[0]:
        return None
    linear = got.dim() == 2
    return {
        "got": shape_str(got.shape),
        "layout": "(n, m)" if linear else "(n, C_out, H′, W′)",
        "want": ("(m,) = " if linear else "(C_out,) = ") + shape_str(like.shape),
        "over": "the examples" if linear else "the examples and all positions (dims 0, 2, 3)",
    }


def _bias_wrong_dim_shape(got, like, ctx):
    if like.dim() != 1 or got.dim() != 1 or got.shape == like.shape or ctx.n is None or got.shape[0] != ctx.n:
        return None
    return {"detail": f" (shape {shape_str(got.shape)} = (n,); it must be {shape_str(like.shape)} = (m,))"}


def _transposed_weight(got, expected, ctx):
    # Only when the numbers really are the transpose: a wrong-shaped gradient whose
    # shape happens to be W's transposed is not evidence that W was transposed.
    if got.dim() != 2 or expected.dim() != 2 or got.shape != expected.t().shape:
        return None
    if got.shape == expected.shape and _matches(expected, expected.t(), ctx):
        return None  # a symmetric gradient: its transpose is itself
    detail = "" if got.shape == expected.shape else f" (shape {shape_str(got.shape)}; it must be {shape_str(expected.shape)})"
    return {"detail": detail} if _matches(got, expected.t(), ctx) else None


def _spatial_size_off(got, like, ctx):
    if got.dim() != 4 or like.dim() != 4 or got.shape[:2] != like.shape[:2] or got.shape == like.shape:
        return None
    return {"detail": f": its spatial size is {shape_str(got.shape[2:])}, the input's is {shape_str(like.shape[2:])} (crop the p-pixel border, step by s)"}


def _wrong_shape(got, like, ctx):
    if got.shape == like.shape:
        return None
    return {"got": shape_str(got.shape), "want": shape_str(like.shape)}


# ---- value detectors: right shape, wrong numbers ---------------------------------------------


def _non_finite_in(*ops: str) -> Detector:
    def detect(got, expected, ctx):
        if (not ops or ctx.op in ops) and not _finite(got) and _finite(expected):
            bad = int((~torch.isfinite(got)).sum())
            return {"count": str(bad), "total": str(got.numel())}
        return None

    return detect


def _negative_side(got, expected, ctx) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
    """(got / upstream, expected / upstream) on z < 0, if only those entries are wrong."""
    if ctx.z is None or ctx.upstream is None or got.shape != ctx.z.shape or not _finite(got):
        return None
    positive, negative = ctx.z > 0, ctx.z < 0
    if not bool(negative.any()) or not _matches(got[positive], expected[positive], ctx):
        return None
    if _matches(got[negative], expected[negative], ctx):
        return None
    G = ctx.upstream[negative]
    usable = G.abs() > 1e-3
    return got[negative][usable] / G[usable], expected[negative][usable] / G[usable]


def _leaky_slope(got, expected, ctx):
    if ctx.op != "leaky_relu":
        return None
    sides = _negative_side(got, expected, ctx)
    if sides is None or sides[0].numel() == 0:
        return None
    implied = sides[0]
    c = float(implied.mean())
    if float((implied - c).abs().max()) > 1e-3 * max(1.0, abs(c)):
        return None
    return {"used": f"{c:.4g}", "slope": f"{ctx.params.get('slope', float(sides[1].mean())):.4g}"}


def _elu_negative(got, expected, ctx):
    return {} if ctx.op == "elu" and _negative_side(got, expected, ctx) is not None else None


def _filter_rotated(got, expected, ctx):
    if got.dim() != 4 or got.shape != expected.shape or got.shape[2] * got.shape[3] < 2:
        return None
    rotated = expected.flip(2, 3)
    return {} if _matches(got, rotated, ctx) and not _matches(rotated, expected, ctx) else None


def _pool_wrong_position(got, expected, ctx):
    if ctx.op != "max_pool2d" or got.shape != expected.shape or not _finite(got):
        return None
    # the same δ values, placed elsewhere: per (example, channel) plane, the sorted entries agree
    planes = lambda t: t.reshape(t.shape[0] * t.shape[1], -1).sort(dim=1).values  # noqa: E731
    return {} if _matches(planes(got), planes(expected), ctx) else None


def _wrong_sign(got, expected, ctx):
    c = _scale(got, expected, ctx)
    return {} if c is not None and _near(c, -1) else None


def _squared_loss_half(got, expected, ctx):
    c = _scale(got, expected, ctx)
    if ctx.op != "squared_loss" or c is None or not (_near(c, 2) or _near(c, 0.5)):
        return None
    return {"factor": "2" if _near(c, 2) else "½"}


def _mean_vs_sum(got, expected, ctx):
    c = _scale(got, expected, ctx)
    if c is None or not ctx.n or ctx.n < 2:
        return None
    if _near(c, ctx.n):
        return {"factor": f"n = {ctx.n} times", "fix": "divide by n: J is the mean"}
    if _near(c, 1 / ctx.n):
        return {"factor": f"1/n = 1/{ctx.n} of", "fix": "do not divide twice: 1/n appears once, in J"}
    return None


def _scaled(got, expected, ctx):
    if got.numel() < 2:  # any number is some multiple of another: no evidence of a constant factor
        return None
    c = _scale(got, expected, ctx)
    return {"factor": f"{c:.6g}"} if c is not None else None


def _all_zeros(got, expected, ctx):
    return {} if got.shape == expected.shape and bool((got == 0).all()) and bool((expected != 0).any()) else None


def _either(*detectors: Detector) -> Detector:
    """The first of several detectors that fires (one entry seen as a wrong shape or as wrong values)."""

    def detect(got, expected, ctx):
        for d in detectors:
            fields = d(got, expected, ctx)
            if fields is not None:
                return fields
        return None

    return detect


ALGORITHM_4 = "Ma §3, Algorithm 4"
# Order matters: the first entry whose detector fires names the mistake, so the
# specific entries come before the generic ones (wrong_shape, scaled, all_zeros).
CATALOGUE_LIST: List[Mistake] = [
    Mistake("bias_not_summed", "{grad} has shape {got} = {layout}; it must be {want}: sum δ over {over}",
            "Ma §3, Claim 3.2, eq. 3.11; rows are examples, §4", _bias_not_summed),
    Mistake("bias_summed_wrong_dim", "{grad} sums δ over the units instead of the examples{detail}: ∂J/∂b = Σ_i δ_i, a sum over the rows (dim 0)",
            "Ma §3, Claim 3.2, eq. 3.11", _either(_bias_wrong_dim_shape, _variant("bias_summed_wrong_dim"))),
    Mistake("transposed_weight", "{grad} is the transpose of the right gradient{detail}: ∂J/∂W = δᵀ a^[k−1] with examples in rows, shaped like W",
            "Ma §3, Claim 3.2, eq. 3.10; rows, §4 eq. 4.4", _transposed_weight),
    Mistake("conv_stride_padding", "{grad}: the stride or padding of the backward is off{detail}",
            "Ng §3.3.2, eq. 3.22", _either(_spatial_size_off, _variant("conv_stride_padding"))),
    Mistake("wrong_shape", "{grad} has shape {got}; it must be {want}, the shape of the input it belongs to",
            ALGORITHM_4, _wrong_shape),
    Mistake("softmax_no_max", "{grad} has inf or NaN ({count} of {total} entries) on large logits: subtract max_j z_j before exp (softmax(z) = softmax(z − max z))",
            "CS229 backprop notes §1, softmax cross-entropy", _non_finite_in("softmax_cross_entropy")),
    Mistake("log_zero_bce", "{grad} has inf or NaN ({count} of {total} entries) where p is 0 or 1: log(0) in the cross-entropy; clamp log p and log(1 − p) at −100 and p(1 − p) away from 0",
            "Ng §3, eq. 3.9", _non_finite_in("binary_cross_entropy")),
    Mistake("non_finite", "{grad} has inf or NaN ({count} of {total} entries) where the right gradient is finite",
            ALGORITHM_4, _non_finite_in()),
    Mistake("relu_zero_convention", "{grad} takes ReLU′(0) = 1 (the notes' 1{{z ≥ 0}}); torch takes 0: both are accepted",
            "Ma §3, the derivation before Claim 3.3", _variant("relu_zero_convention"), convention=True),
    Mistake("relu_zero_torch", "{grad} takes ReLU′(0) = 0 (torch's 1{{z > 0}}); the notes write 1{{z ≥ 0}}: both are accepted",
            "Ma §3, the derivation before Claim 3.3", _kept_against("relu_zero_convention"), convention=True),
    Mistake("missing_g_prime", "{grad} equals the upstream ∂J/∂a: the factor g′(z) is missing (δ = ∂J/∂a ⊙ g′(z))",
            "Ma §3, Claim 3.3, eq. 3.12", _variant("missing_g_prime")),
    Mistake("g_prime_wrong_point", "g′ evaluated at the wrong point in {grad}: {detail}",
            "Ma §3, Claim 3.3, eq. 3.12", _variant("g_prime_wrong_point")),
    Mistake("conv_input_not_flipped", "{grad} uses θ unflipped: the input gradient convolves δ with θ rotated by 180° (a transposed convolution)",
            "Ng §3.3.2, eq. 3.22", _variant("conv_input_not_flipped")),
    Mistake("pool_all_ties", "{grad} sends δ to every tied maximum of a window: route it to one winner per window (the first)",
            "CS229 slides, max pooling; Ma §3, eq. 3.3 (chain rule)", _variant("pool_all_ties")),
    Mistake("leaky_relu_slope", "{grad} uses slope {used} for z < 0; leaky ReLU's slope there is s = {slope}",
            "CS229 slides, leaky ReLU max(0.1z, z); Ma §3, Claim 3.3, eq. 3.12", _leaky_slope),
    Mistake("elu_negative", "{grad} is right for z > 0 and wrong for z < 0: there ELU′(z) = α e^z = a + α",
            "CS229 slides, ELU; Ma §3, Claim 3.3, eq. 3.12", _elu_negative),
    Mistake("conv_filter_rotated", "{grad} is rotated by 180°: the filter gradient is the correlation Σ_ij δ_ij · x_(i+u)(j+v), no flip",
            "Ng §3.3.2, eq. 3.22", _filter_rotated),
    Mistake("pool_wrong_position", "{grad} holds the right δ values at the wrong positions: δ belongs to the position of each window's maximum",
            "CS229 slides, max pooling; Ma §3, eq. 3.3 (chain rule)", _pool_wrong_position),
    Mistake("wrong_sign", "{grad} has the wrong sign (e.g. y − o for o − y, or a minus sign lost in the chain rule)",
            "Ma §3, eq. 3.16: δ^[r] = z^[r] − y", _wrong_sign),
    Mistake("squared_loss_half", "{grad} is {factor} × the right one: the ½ of the squared loss J = ½(o − y)² gives ∂J/∂o = o − y",
            "Ma §3, eq. 3.4 and eq. 3.16", _squared_loss_half),
    Mistake("mean_vs_sum", "{grad} is {factor} the right one: {fix}",
            "Ma §1, eq. 1.2: J = (1/n) Σ_i J^(i)", _mean_vs_sum),
    Mistake("scaled", "{grad} is {factor} × the right one: a constant factor is off", ALGORITHM_4, _scaled),
    Mistake("all_zeros", "{grad} is all zeros: did backward return zeros, or skip this input?", ALGORITHM_4, _all_zeros),
    # seen while running the student's Function rather than by comparing two gradients
    Mistake("in_place_saved", "{grad}: {detail}; clone before changing a tensor in place (x = x.clone()), or use out-of-place ops",
            "Ma §3, Algorithm 4, line 1: the backward needs the stored z^[k], a^[k] unchanged", None),
    Mistake("missing_gradient", "{grad} is {got} but its input needs a gradient: return one gradient tensor per input of forward",
            ALGORITHM_4, None),
    Mistake("wrong_count", "backward returned {got} values; forward takes {want} inputs ({symbols}): return one per input, None where none is needed",
            ALGORITHM_4, None),
    Mistake("wrong_dtype", "{grad} is {got}; it must be {want}, like its input", ALGORITHM_4, None),
    Mistake("wrong_device", "{grad} is on {got}; it must be on {want}, like its input", ALGORITHM_4, None),
    Mistake("wrong_output_shape", "your forward returns shape {got}; it must be {want}", "Ma §2, eq. 2.12–2.13; rows are examples, §4 eq. 4.4", None),
    Mistake("function_raised", "your Function raised {detail}", ALGORITHM_4, None),
]
CATALOGUE: Dict[str, Mistake] = {m.id: m for m in CATALOGUE_LIST}


def conventions(got: torch.Tensor, expected: torch.Tensor, symbol: str, context: Context) -> List[Finding]:
    """The conventions a *right* gradient follows where two are accepted (ReLU′(0) = 0 or 1), to say which."""
    found = []
    for mistake in CATALOGUE_LIST:
        if mistake.convention and mistake.detector is not None:
            fields = mistake.detector(got, expected, context)
            if fields is not None:
                found.append(Finding(symbol, mistake, mistake.describe(symbol, fields), True))
    return found


def diagnose(got: torch.Tensor, expected: torch.Tensor, symbol: str = "x", context: Optional[Context] = None) -> Optional[Finding]:
    """Which catalogue entry explains how ``got`` differs from the right gradient ``expected``.

    Returns None if ``got`` is right, or wrong in a way no entry explains. For the
    shape entries alone (when only the input, not the right gradient, is known),
    pass the input as ``expected``: the shape detectors read only its shape, and
    the transposed-W entry needs the numbers to agree, so it does not fire.

    >>> e = torch.randn(4, 3, dtype=torch.float64)
    >>> diagnose(-e, e, "W^[1]").id
    'wrong_sign'
    """
    context = context or Context(dtype=got.dtype)
    got, expected = got.detach(), expected.detach().to(got.device)
    if got.shape == expected.shape and _finite(got) and tolerance("manual", context.dtype).accepts(got, expected)[0]:
        return None
    for mistake in CATALOGUE_LIST:
        if mistake.detector is not None:
            fields = mistake.detector(got, expected, context)
            if fields is not None:
                return Finding(symbol, mistake, mistake.describe(symbol, fields), mistake.convention)
    return None
