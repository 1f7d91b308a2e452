"""Plots for the labs, headless: every function returns a matplotlib ``Figure``.

Figures are drawn on the Agg canvas (no display needed, nothing global is
changed: pyplot is not used), and saved as PNG when ``path`` is given. In a
notebook the returned figure displays itself. The single-panel plots also draw
into an existing matplotlib ``Axes`` given as ``ax=`` (to compose figures), and
every plot takes ``title=``; axis labels say what is plotted and in which unit
(``xlabel=``/``ylabel=`` where the data's units are the caller's).
"""

import math
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cs229nn.validate import shape_str

PathLike = Union[str, Path]


def figure(nrows: int = 1, ncols: int = 1, size: Tuple[float, float] = (5.0, 4.0)):
    """(Figure, (nrows, ncols) array of axes) on the Agg canvas; ``size`` is one panel's (width, height)."""
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def save(fig: Figure, path: Optional[PathLike]) -> Figure:
    """Write ``fig`` as a PNG to ``path`` (creating its folder) if a path is given; returns ``fig``."""
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    return fig


def _panel(ax, size: Tuple[float, float] = (5.0, 4.0)):
    """(root Figure, Axes): ``ax`` and its figure, or a new one-panel figure."""
    if ax is None:
        fig, axes = figure(size=size)
        return fig, axes[0, 0]
    return ax.figure.figure, ax  # .figure twice: an Axes in a SubFigure still saves its whole figure


def _numpy(t) -> np.ndarray:
    return t.detach().cpu().double().numpy() if isinstance(t, torch.Tensor) else np.asarray(t, dtype=float)


def _model_inputs(model: torch.nn.Module, points: np.ndarray) -> torch.Tensor:
    """Points as a tensor on the model's device and in its dtype (float32 for a model without parameters)."""
    param = next(model.parameters(), None)
    like = {"device": param.device, "dtype": param.dtype} if param is not None else {"dtype": torch.get_default_dtype()}
    return torch.as_tensor(points, **like)


def _predict(model: torch.nn.Module, points: np.ndarray) -> np.ndarray:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(_model_inputs(model, points))
    model.train(was_training)
    return _numpy(out)


def loss_curves(history, *, ax=None, title: Optional[str] = "training history", path: Optional[PathLike] = None) -> Figure:
    """Train (and test) loss per epoch; a second panel for accuracy when the history has it.

    Args:
        history: a :class:`cs229nn.train.History`.
        ax: draw into this Axes (loss only), or a pair (loss Axes, accuracy Axes).
        title: the figure's title (None for none).
    """
    has_accuracy = bool(history.train_accuracy or history.test_accuracy)
    if ax is None:
        fig, axes = figure(1, 2 if has_accuracy else 1)
        axes = list(axes[0])
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        fig = axes[0].figure.figure
    panels = [("loss J (mean per example)", history.train_loss, history.test_loss)]
    if has_accuracy:
        panels.append(("accuracy (fraction correct)", history.train_accuracy, history.test_accuracy))
    for panel_ax, (name, train, test) in zip(axes, panels):
        for label, values in (("train", train), ("test", test)):
            if values:
                panel_ax.plot(range(1, len(values) + 1), values, marker="." if len(values) < 30 else None, label=label)
        panel_ax.set_xlabel("epoch (passes over the training set)")
        panel_ax.set_ylabel(name)
        panel_ax.legend()
    if title:
        (fig.suptitle if ax is None else axes[0].set_title)(title)
    return save(fig, path)


def decision_boundary(
    model: torch.nn.Module,
    X,
    y,
    *,
    predict: Optional[Callable[[np.ndarray], np.ndarray]] = None,
    resolution: int = 200,
    margin: float = 0.1,
    labels: Optional[Sequence[str]] = None,
    xlabel: str = "x₁",
    ylabel: str = "x₂",
    title: Optional[str] = "predicted class over the input plane",
    ax=None,
    path: Optional[PathLike] = None,
) -> Figure:
    """The classes a 2-D classifier predicts over the plane, with the data on top.

    Args:
        model: maps (n, 2) inputs to outputs (n, k) (k ≥ 2: the argmax is the
            class) or (n, 1) / (n,) logits (class 1 where z > 0).
        X: (n, 2) inputs. y: (n,) class indices.
        predict: overrides the rule above: model output (numpy) -> class per row
            (e.g. ``lambda p: p[:, 0] > 0.5`` for a sigmoid output).
        resolution: grid points per axis.
        margin: extra room around the data, as a fraction of its range.
        labels: class names for the legend.
        xlabel, ylabel: the two features with their units (e.g. "F1 (Hz)", "F2 (Hz)").
        title: the panel's title (None for none).
        ax: draw into this Axes instead of a new figure.
    """
    X, y = _numpy(X), _numpy(y).astype(int).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be (n, 2): two input features per example, got {shape_str(X.shape)}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must be (n,) = ({X.shape[0]},), one class per row of X, got {y.shape[0]} labels")
    low, high = X.min(0), X.max(0)
    pad = margin * np.maximum(high - low, 1e-12)
    u, v = np.meshgrid(*(np.linspace(low[j] - pad[j], high[j] + pad[j], resolution) for j in range(2)))
    out = _predict(model, np.column_stack([u.ravel(), v.ravel()]))
    if predict is not None:
        classes = np.asarray(predict(out)).astype(int)
    elif out.ndim == 2 and out.shape[1] > 1:
        classes = out.argmax(1)
    else:
        classes = (out.reshape(-1) > 0).astype(int)
    k = int(max(classes.max(), y.max())) + 1
    fig, ax = _panel(ax)
    # Qualitative colours indexed by class, the same in the regions and the points.
    cmap = "tab10" if k <= 10 else "tab20"
    ncolors = colormaps[cmap].N
    ax.contourf(u, v, classes.reshape(u.shape), levels=np.arange(k + 1) - 0.5, cmap=cmap, vmin=-0.5, vmax=ncolors - 0.5, alpha=0.3)
    for c in range(k):
        mask = y == c
        if mask.any():
            label = labels[c] if labels else f"class {c}"
            ax.scatter(X[mask, 0], X[mask, 1], s=12, color=colormaps[cmap](c), edgecolors="k", linewidths=0.3, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return save(fig, path)


def fit_1d(
    model: torch.nn.Module,
    x,
    y,
    *,
    x_range: Optional[Tuple[float, float]] = None,
    resolution: int = 400,
    xlabel: str = "x",
    ylabel: str = "y",
    title: Optional[str] = "data and the model's fit h_θ(x)",
    ax=None,
    path: Optional[PathLike] = None,
) -> Figure:
    """Data (x, y) and the model's curve h_θ(x) (e.g. the housing kink, Ma §2, eq. 2.1).

    Args:
        model: maps (n, 1) inputs to (n, 1) or (n,) outputs.
        x, y: n inputs and targets, (n,) or (n, 1).
        x_range: (low, high) over which to draw h_θ; default the range of x. A
            ReLU fit's kink often lies left of the data: widen the range to see it.
        xlabel, ylabel: the input and the target with their units
            (e.g. "size (1000 ft²)", "price ($1000)").
        title: the panel's title (None for none).
        ax: draw into this Axes instead of a new figure.
    """
    x, y = _numpy(x).ravel(), _numpy(y).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must hold the same number n of values, got {x.size} and {y.size}")
    low, high = (x.min(), x.max()) if x_range is None else x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    grid = np.linspace(low, high, resolution)
    fig, ax = _panel(ax)
    ax.scatter(x, y, s=12, label="data")
    ax.plot(grid, _predict(model, grid[:, None]).reshape(-1), color="C1", label="h_θ(x)")
    ax.set_xlim(min(low, x.min()), max(high, x.max()))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return save(fig, path)


def activation_histograms(
    activations: Union[Mapping[object, torch.Tensor], Sequence[torch.Tensor]],
    *,
    bins: int = 50,
    title: Optional[str] = "activations a^[ℓ] per layer",
    path: Optional[PathLike] = None,
) -> Figure:
    """One histogram per layer of the activation values, titled with the layer and their std.

    Args:
        activations: {layer: a^[ℓ]} (e.g. ``cs229nn.backprop.forward(net, x).activations``)
            or a list [a^[1], a^[2], …].
        title: the figure's title (None for none).
    """
    items = list(activations.items()) if isinstance(activations, Mapping) else list(enumerate(activations, start=1))
    if not items:
        raise ValueError("activation_histograms needs at least one layer's activations")
    ncols = min(len(items), 5)
    fig, axes = figure(math.ceil(len(items) / ncols), ncols, size=(3.0, 2.4))
    for ax in axes.flat[len(items):]:
        ax.set_visible(False)
    for ax, (layer, a) in zip(axes.flat, items):
        values = _numpy(a).ravel()
        ax.hist(values, bins=bins)
        ax.set_title(f"layer {layer}: std {values.std():.3g}", fontsize="small")
        ax.set_xlabel("activation value", fontsize="small")
        ax.set_ylabel("count (units × examples)", fontsize="small")
    if title:
        fig.suptitle(title)
    return save(fig, path)


def weight_grid(
    weights: torch.Tensor,
    *,
    image_shape: Optional[Sequence[int]] = None,
    ncols: Optional[int] = None,
    title: Optional[str] = None,
    path: Optional[PathLike] = None,
) -> Figure:
    """Weights shown as images on one shared colour scale, each tile titled with what it is.

    * Convolution filters (out, in, kh, kw): one tile per filter, in colour when
      in = 3 (RGB), otherwise one tile per (filter, input channel) pair.
    * Linear weights W (m, d) with ``image_shape`` = (h, w) or (c, h, w),
      c·h·w = d: row j of W, reshaped, is tile j (what unit j "looks for").

    One scale for all tiles, so that tiles can be compared: single-channel tiles
    use a diverging map from −max|W| (blue) through 0 (white) to +max|W| (red),
    with one colour bar; RGB tiles map [min W, max W] of all filters to [0, 1].

    Args:
        title: the figure's title; default says what the tiles are and their scale.
    """
    W = _numpy(weights)
    if W.ndim == 2:
        if image_shape is None:
            raise ValueError(f"a Linear weight W (m, d) = {shape_str(W.shape)} needs image_shape=(h, w) or (c, h, w) with c·h·w = d")
        shape = tuple(image_shape) if len(image_shape) == 3 else (1, *image_shape)
        if math.prod(shape) != W.shape[1]:
            raise ValueError(f"image_shape {shape_str(image_shape)} has {math.prod(shape)} pixels but W has d = {W.shape[1]} columns")
        W, what = W.reshape(W.shape[0], *shape), "unit"
    elif W.ndim == 4:
        what = "filter"
    else:
        raise ValueError(f"weights must be filters (out, in, kh, kw) or a Linear W (m, d), got {shape_str(W.shape)}")
    rgb = W.shape[1] == 3
    if rgb:
        low, high = float(W.min()), float(W.max())
        tiles = [(f"{what} {o}", (w.transpose(1, 2, 0) - low) / (high - low if high > low else 1.0)) for o, w in enumerate(W)]
    elif W.shape[1] == 1:
        tiles = [(f"{what} {o}", w[0]) for o, w in enumerate(W)]
    else:
        tiles = [(f"{what} {o}, ch {c}", w) for o, filt in enumerate(W) for c, w in enumerate(filt)]
    ncols = ncols or (W.shape[1] if W.shape[1] not in (1, 3) else math.ceil(math.sqrt(len(tiles))))
    nrows = math.ceil(len(tiles) / ncols)
    fig, axes = figure(nrows, ncols, size=(1.3, 1.45))
    for ax in axes.flat:
        ax.set_axis_off()
    bound = float(np.abs(W).max()) or 1.0
    for ax, (name, tile) in zip(axes.flat, tiles):
        if rgb:
            image = ax.imshow(tile, interpolation="nearest")
        else:
            image = ax.imshow(tile, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
        ax.set_title(name, fontsize="x-small")
    if not rgb:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="weight (shared scale)")
    if title is None:
        scale = f"RGB from [{low:.3g}, {high:.3g}]" if rgb else f"colour scale ±{bound:.3g}"
        title = f"{'rows of W, as images' if what == 'unit' else 'filters θ'} ({scale}, shared by all tiles)"
    if title:
        fig.suptitle(title)
    return save(fig, path)
