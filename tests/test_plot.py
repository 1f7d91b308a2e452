"""Plots: each returns a Figure, draws what it says (titles, labels with units, ranges), draws into a given
Axes, and writes a PNG when given a path."""

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

import cs229nn
from cs229nn import plot
from cs229nn.backprop import Network, forward
from cs229nn.train import History


def saved_png(fig: Figure, path) -> np.ndarray:
    assert isinstance(fig, Figure) and path.exists()
    with Image.open(path) as image:
        assert image.format == "PNG"
        return np.asarray(image)


def test_does_not_touch_the_global_backend():
    assert matplotlib.get_backend().lower() == matplotlib.rcParams["backend"].lower()
    fig = plot.loss_curves(History([1.0, 0.5], [], [1.2, 0.7], []))
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"


def test_loss_curves_with_and_without_accuracy(tmp_path):
    fig = plot.loss_curves(History([1.0, 0.5, 0.3], [0.5, 0.8, 0.9], [1.1, 0.6, 0.5], [0.4, 0.7, 0.8]), path=tmp_path / "c.png")
    saved_png(fig, tmp_path / "c.png")
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "test"]
    assert list(loss_ax.get_lines()[0].get_ydata()) == [1.0, 0.5, 0.3]
    assert acc_ax.get_ylabel() == "accuracy (fraction correct)"
    assert loss_ax.get_xlabel() == "epoch (passes over the training set)"
    assert fig.get_suptitle() == "training history"
    assert len(plot.loss_curves(History([1.0], [], [], [])).axes) == 1


def test_single_panel_plots_draw_into_a_given_axes():
    fig, axes = plot.figure(1, 3)
    history = History([1.0, 0.5], [0.5, 0.9], [], [])
    assert plot.loss_curves(history, ax=axes[0, 0], title="run 1") is fig
    assert axes[0, 0].get_title() == "run 1" and len(axes[0, 0].get_lines()) == 1
    X, y = torch.randn(6, 2), torch.tensor([0, 1, 0, 1, 0, 1])
    assert plot.decision_boundary(cs229nn.nn.MLP([2, 2]), X, y, ax=axes[0, 1], resolution=5) is fig
    assert plot.fit_1d(cs229nn.nn.MLP([1, 1]), torch.rand(5), torch.rand(5), ax=axes[0, 2]) is fig
    assert len(fig.axes) == 3 and all(ax.get_title() for ax in fig.axes)


def test_decision_boundary_colours_the_plane_by_the_models_class(tmp_path):
    # A fixed "model": class 1 right of x₁ = 0 (one logit), class argmax for three scores.
    X = torch.tensor([[-1.0, 0.0], [1.0, 0.5], [-0.5, 1.0], [0.7, -1.0]])
    y = torch.tensor([0, 1, 0, 1])
    layer = cs229nn.nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, 0.0]]))
        layer.bias.zero_()
    fig = plot.decision_boundary(layer, X, y, resolution=50, path=tmp_path / "b.png")
    pixels = saved_png(fig, tmp_path / "b.png")
    # The model's two half-planes (x₁ < 0, x₁ > 0) are filled with different colours.
    h, w = pixels.shape[:2]
    assert not np.array_equal(pixels[h // 2, w // 4], pixels[h // 2, 3 * w // 4])
    model = cs229nn.nn.MLP([2, 4, 3])
    fig = plot.decision_boundary(model, X.numpy(), np.array([0, 1, 2, 1]), labels=["a", "i", "u"],
                                 xlabel="F1 (Hz)", ylabel="F2 (Hz)", title="vowels")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "i", "u"]
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel(), fig.axes[0].get_title()) == ("F1 (Hz)", "F2 (Hz)", "vowels")


def test_decision_boundary_rejects_non_2d_inputs():
    with pytest.raises(ValueError, match=r"X must be \(n, 2\)"):
        plot.decision_boundary(cs229nn.nn.MLP([3, 2]), torch.randn(5, 3), torch.zeros(5))


def test_fit_1d_draws_data_and_the_models_curve(tmp_path):
    x = torch.linspace(0, 3, 20).unsqueeze(1)
    y = torch.relu(x - 1)  # the housing kink
    model = cs229nn.nn.MLP([1, 1])
    fig = plot.fit_1d(model, x, y, resolution=11, path=tmp_path / "f.png")
    saved_png(fig, tmp_path / "f.png")
    (curve,) = fig.axes[0].get_lines()
    with torch.no_grad():
        expected = model(torch.linspace(0, 3, 11).unsqueeze(1)).squeeze(1).double().numpy()
    assert np.allclose(curve.get_ydata(), expected, atol=1e-6)
    with pytest.raises(ValueError, match="same number n"):
        plot.fit_1d(model, x, y[:5])


def test_fit_1d_can_show_the_kink_left_of_the_data():
    """Ma §2, eq. 2.1: h_θ(x) = max(wx + b, 0) has its kink at x = −b/w, here 1, left of the data in [2, 3]."""
    layer = cs229nn.nn.Linear(1, 1)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        layer.bias.fill_(-1.0)
    model = torch.nn.Sequential(layer, cs229nn.nn.ReLU())
    x = torch.linspace(2, 3, 10)
    fig = plot.fit_1d(model, x, x - 1, x_range=(0, 3), resolution=31, xlabel="size (1000 ft²)", ylabel="price ($100k)")
    ax = fig.axes[0]
    (curve,) = ax.get_lines()
    assert curve.get_xdata()[0] == 0 and ax.get_xlim()[0] <= 0  # drawn and shown from 0
    assert np.allclose(curve.get_ydata()[:11], 0.0) and curve.get_ydata()[-1] == pytest.approx(2.0)  # the kink at 1
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("size (1000 ft²)", "price ($100k)") and ax.get_title()
    with pytest.raises(ValueError, match="low < high"):
        plot.fit_1d(model, x, x, x_range=(3, 0))


def test_activation_histograms_one_panel_per_layer(tmp_path):
    torch.manual_seed(0)
    net = Network.from_mlp(cs229nn.nn.MLP([4, 8, 8, 8, 8, 8, 8, 1], "tanh"))
    acts = forward(net, torch.randn(32, 4)).activations
    fig = plot.activation_histograms({k: a for k, a in acts.items() if 0 < k < net.depth}, path=tmp_path / "h.png")
    saved_png(fig, tmp_path / "h.png")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    assert visible[0].get_title() == f"layer 1: std {acts[1].std(unbiased=False):.3g}"
    assert visible[0].get_xlabel() == "activation value" and fig.get_suptitle()
    assert len(plot.activation_histograms([torch.randn(10), torch.randn(10)]).axes) == 2


def test_weight_grid_for_conv_filters_and_linear_rows(tmp_path):
    rgb = torch.randn(6, 3, 5, 5)
    fig = plot.weight_grid(rgb, path=tmp_path / "w.png")
    saved_png(fig, tmp_path / "w.png")
    tiles = [ax for ax in fig.axes if ax.get_images()]
    assert len(tiles) == 6 and tiles[0].get_images()[0].get_array().shape == (5, 5, 3)
    assert [ax.get_title() for ax in tiles] == [f"filter {o}" for o in range(6)]
    # One scale for all filters: [min, max] of the whole bank maps to [0, 1], the same for every tile.
    low, high = rgb.min(), rgb.max()
    for o, ax in enumerate(tiles):
        expected = ((rgb[o] - low) / (high - low)).permute(1, 2, 0).numpy()
        assert np.allclose(ax.get_images()[0].get_array(), expected, atol=1e-6)
    assert "shared" in fig.get_suptitle()
    grey = plot.weight_grid(torch.randn(4, 2, 3, 3))
    tiles = [ax for ax in grey.axes if ax.get_images()]
    assert len(tiles) == 8 and tiles[1].get_title() == "filter 0, ch 1"
    W = cs229nn.nn.Linear(28 * 28, 10).weight
    fig = plot.weight_grid(W, image_shape=(28, 28))
    tiles = [ax for ax in fig.axes if ax.get_images()]
    assert len(tiles) == 10 and tiles[0].get_images()[0].get_array().shape == (28, 28)
    assert tiles[3].get_title() == "unit 3"


def test_weight_grid_single_channel_tiles_share_one_symmetric_colour_scale_and_bar():
    W = torch.tensor([[[[1.0, -0.5]]], [[[0.1, 0.2]]], [[[-3.0, 0.0]]]])  # (3, 1, 1, 2)
    fig = plot.weight_grid(W)
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 3 and {im.get_clim() for im in images} == {(-3.0, 3.0)}
    assert len(fig.axes) == 3 + 1 + 1  # 3 tiles, 1 empty slot of the 2 × 2 grid, 1 colour bar
    assert "±3" in fig.get_suptitle()


def test_weight_grid_errors():
    with pytest.raises(ValueError, match="needs image_shape"):
        plot.weight_grid(torch.randn(3, 16))
    with pytest.raises(ValueError, match="has 15 pixels but W has d = 16"):
        plot.weight_grid(torch.randn(3, 16), image_shape=(3, 5))
    with pytest.raises(ValueError, match=r"filters \(out, in, kh, kw\)"):
        plot.weight_grid(torch.randn(3))
