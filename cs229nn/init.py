r"""Weight initialization (Ng §3.1): why zeros fail, why the scale matters.

In-place functions named as in :mod:`torch.nn.init`, usable on any tensor,
and :func:`initialize_` to apply one of them to every weight of a model.

Fan-in and fan-out follow torch: for W^[ℓ] ∈ R^{m×d} (a Linear layer),
n^[ℓ−1] = fan_in = d and n^[ℓ] = fan_out = m; for a convolution filter bank
(out, in, kh, kw), fan_in = in·kh·kw and fan_out = out·kh·kw.

Why the variance: with independent zero-mean weights and inputs,
Var(z_j) = fan_in · Var(w) · E[a²] for z = W a. Keeping Var(z) from growing or
shrinking layer after layer (notes: "σ(in) similar to σ(out)") needs
fan_in · Var(w) ≈ 1 for a linear or tanh layer, and fan_in · Var(w) = 2 after
a ReLU, which zeroes half of its inputs.
"""

import math
from typing import Callable, Optional, Tuple, Union

import torch

from cs229nn.hyperparameters import real_number
from cs229nn.validate import require_float, shape_str


def fans(tensor: torch.Tensor) -> Tuple[int, int]:
    """(fan_in, fan_out) = (n^[ℓ−1], n^[ℓ]) of a weight (m, d) or a filter bank (out, in, *kernel)."""
    if tensor.dim() < 2:
        raise ValueError(
            f"fan-in and fan-out need a weight matrix W^[ℓ] (m, d) or filters (out, in, kh, kw), got shape {shape_str(tensor.shape)}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field
    if fan_in == 0 or fan_out == 0:
        raise ValueError(f"fan-in and fan-out must be ≥ 1, got a weight of shape {shape_str(tensor.shape)}")
    return fan_in, fan_out


def zeros_(tensor: torch.Tensor) -> torch.Tensor:
    """W = 0. With every weight zero a sigmoid output is σ(0) = ½ for any input (Ng §3.1)."""
    return constant_(tensor, 0.0)


def constant_(tensor: torch.Tensor, value: float) -> torch.Tensor:
    """W = c everywhere. All units of a layer stay identical forever: Ng's "symmetry" (Ng §3.1)."""
    require_float(tensor, "W")
    value = real_number(value, "constant_(W, c): c")
    with torch.no_grad():
        return tensor.fill_(value)


def normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """w ~ N(mean, std²) independently; Var(w) = std², whatever the layer's size.

    The notes' "N(0, 0.1)" is ``normal_(W, std=0.1)``. Because Var(z) = fan_in · std² · E[a²],
    a fixed std makes the activations grow (fan_in · std² > 1) or vanish (< 1) with depth.
    """
    require_float(tensor, "W")
    mean = real_number(mean, "normal_(W, mean, std): mean")
    std = real_number(std, "normal_(W, mean, std): std", at_least=0)
    with torch.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    r"""Xavier/Glorot: w ~ N(0, σ²) with σ = gain · sqrt(2 / (n^[ℓ] + n^[ℓ−1])) (Ng eq. 3.13).

    Var(w) = 2 / (fan_in + fan_out) is the compromise between fan_in · Var(w) = 1
    (the forward pass keeps Var(z^[ℓ]) = Var(a^[ℓ−1])) and fan_out · Var(w) = 1
    (the backward pass keeps Var(δ) the same), for linear or tanh units near 0.
    Identical to ``torch.nn.init.xavier_normal_``.
    """
    fan_in, fan_out = fans(tensor)
    gain = real_number(gain, "xavier_normal_(W, gain): gain", at_least=0)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def he_normal_(tensor: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    r"""He: w ~ N(0, σ²) with σ = sqrt(2 / n^[ℓ−1]).

    Var(w) = 2 / fan_in keeps the second moment E[(z^[ℓ])²] = fan_in · Var(w) · E[(a^[ℓ−1])²]
    constant through ReLU layers, because ReLU keeps half of E[z²]:
    E[ReLU(z)²] = E[z²] / 2. Same as ``torch.nn.init.kaiming_normal_(W, nonlinearity="relu")``.
    """
    fan_in, _ = fans(tensor)
    return normal_(tensor, 0.0, math.sqrt(2.0 / fan_in), generator)


SCHEMES = {"zeros": zeros_, "normal": normal_, "xavier": xavier_normal_, "he": he_normal_}


def initialize_(
    model: torch.nn.Module,
    scheme: Union[str, Callable[[torch.Tensor], torch.Tensor]],
    *,
    bias: Optional[float] = 0.0,
) -> torch.nn.Module:
    """Re-initialize every weight W^[ℓ] of ``model`` with ``scheme``, every bias to ``bias``.

    A weight is the ``weight`` parameter of any submodule (cs229nn or torch)
    when it has at least 2 dimensions: Linear matrices and convolution filters.
    1-D weights (normalization scales) are left alone.

    Args:
        model: any ``torch.nn.Module``.
        scheme: "zeros", "normal" (N(0, 1)), "xavier", "he", or a function
            that fills a tensor in place, e.g.
            ``functools.partial(cs229nn.init.normal_, std=0.1)`` or
            ``lambda W: cs229nn.init.constant_(W, 0.5)``.
        bias: the value every ``bias`` of those modules is set to; None leaves biases as they are.

    Returns:
        ``model``, for chaining.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"initialize_(model, scheme): model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(scheme, str):
        if scheme not in SCHEMES:
            raise ValueError(f"unknown scheme {scheme!r}; choose one of {sorted(SCHEMES)} or pass a function")
        scheme = SCHEMES[scheme]
    elif not callable(scheme):
        raise TypeError(
            f"initialize_(model, scheme): scheme must be one of {sorted(SCHEMES)} or a function that fills W in place, "
            f"got {scheme!r} ({type(scheme).__name__})"
        )
    if bias is not None:
        bias = real_number(bias, "initialize_(model, scheme, bias=...): bias")
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if not isinstance(weight, torch.Tensor) or weight.dim() < 2:
            continue
        scheme(weight)
        module_bias = getattr(module, "bias", None)
        if bias is not None and isinstance(module_bias, torch.Tensor):
            constant_(module_bias, bias)
    return model
