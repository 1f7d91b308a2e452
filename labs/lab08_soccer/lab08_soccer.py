# %% [markdown]
# # Lab 8: parameter sharing — finding the soccer ball
#
# Ng & Katanforoosh's notes (§3.3.2, "Parameter Sharing") ask whether a 64×64×3 image holds a
# soccer ball. Logistic regression has one weight θ_i per pixel: "θ1 always looks at the top left
# pixel of the image no matter what", so a ball where training never put one goes unseen. A
# convolution slides one small θ ∈ R^{k×k} over the image and sums θ ⊙ window at every position
# (Ng eq. 3.22): the same parameters "see" every pixel.
#
# You will write
# 1. Ng eq. 3.22 literally: a convolution as a loop over the filter's positions;
# 2. the convolution's backward pass as an `autograd.Function`: ∂J/∂x, ∂J/∂θ, ∂J/∂b from
#    δ = ∂J/∂z, each computed by a convolution, for stride 1 and stride 2;
#
# then train logistic regression and a small conv net (with your backward) on images whose balls
# all lie right of and below the centre, and test both on new images with balls in the same place
# (`test`) and in the top-left quadrant (`shifted`).

# %%
import dataclasses
import time

import exercises
import torch
import torch.nn.functional as F

import cs229nn
from cs229nn.datasets.soccer import preview_soccer
from cs229nn.experiments.soccer import (
    FULL, SPLITS, ModelResult, SoccerResults, SoccerSplit, correct_predictions, load_splits, logistic_regression, save_figures,
    soccer_convnet, train,
)
from cs229nn.lab import is_stub, output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.parameters import count_parameters

device = cs229nn.device()
OUT = output_dir(8)
# FULL: the settings of cs229nn.experiments.soccer with 10 conv epochs (≈ 97 % already; 20 add < 1 point
# and take twice the time). Quick: 2 epochs each, the conv net on the first 1000 training images only.
QUICK = quick()
CONFIG = dataclasses.replace(FULL, epochs_logistic=2, epochs_conv=2) if QUICK else dataclasses.replace(FULL, epochs_conv=10)
CONV_TRAIN_IMAGES = 1000 if QUICK else None
torch.manual_seed(0)
print(f"device: {device}; figures go to {OUT}/; {CONFIG}")

# %% [markdown]
# ## The images
#
# 2000 training images, half with a ball. In `train` and `test` every ball's centre lies in a small
# window right of and below the centre of the frame; in `shifted` it lies in the top-left quadrant.
# Distractors (oranges, tennis balls, plates, checkered patches) appear anywhere, in every split.
# The images are rendered on first use (~10 s).

# %%
start = time.perf_counter()
splits = load_splits()
for name, split in splits.items():
    print(f"{name:<8} images {tuple(split.images.shape)}, labels {tuple(split.labels.shape)}, {int(split.labels.sum())} with a ball")
print(f"saved {preview_soccer(path=OUT / 'examples.png')}  [{time.perf_counter() - start:.1f} s]")

# %% [markdown]
# **Question.** Open `examples.png`. Which of the distractors would fool a detector that only
# looks for "a round white thing"?

# %% [markdown]
# ## Exercise 1: Ng eq. 3.22 at every position
#
# For one filter θ ∈ R^{C_in×k×k}, the activation at the window whose top-left pixel is (s·i, s·j) is
# z[i, j] = b + Σ_c Σ_u Σ_v θ[c, u, v] · x[c, s·i + u, s·j + v]: the notes' a = Σ_{i,j} θ_ij x_ij
# (Ng eq. 3.22), repeated as the window moves right and down by s pixels. Implement
# `conv2d_windows` with a loop over the output positions.

# %%
gen = torch.Generator().manual_seed(1)
with skip_if_stub():
    for stride in (1, 2):
        x = torch.randn(2, 3, 9, 8, generator=gen, dtype=torch.float64)
        W, b = torch.randn(4, 3, 4, 4, generator=gen, dtype=torch.float64), torch.randn(4, generator=gen, dtype=torch.float64)
        mine, reference = exercises.conv2d_windows(x, W, b, stride), F.conv2d(x, W, b, stride)
        rel = float((mine - reference).abs().max() / reference.abs().max())
        print(f"stride {stride}: z {tuple(mine.shape)} (torch {tuple(reference.shape)}), max relative error {rel:.1e} (expect < 1e-14)")

# %% [markdown]
# **Parameter counts.** Logistic regression needs one weight per pixel and channel; the conv net's
# first layer needs 8 filters of 3×4×4, whatever the image size.

# %%
for name, model in (("logistic regression", logistic_regression()), ("conv net", soccer_convnet(CONFIG.channels))):
    print(f"{name:<20} {count_parameters(model):>7,} parameters")

# %% [markdown]
# **Question.** The conv net has 8× fewer parameters than logistic regression. If the images were
# 128×128, how many would each have?

# %% [markdown]
# ## Exercise 2: the backward of a convolution is made of convolutions
#
# θ[o, c, u, v] multiplies a pixel at *every* output position, so its gradient sums over them:
# ∂J/∂θ[o, c, u, v] = Σ_n Σ_{i,j} δ[n, o, i, j] · x̃[n, c, s·i + u, s·j + v] (x̃: x with p zeros of
# padding) — a correlation of the input with the error map δ. Each pixel sends back the errors of
# every window that read it, through the weight that read it:
# ∂J/∂x̃[n, c, r, t] = Σ_o Σ_{s·i+u=r, s·j+v=t} δ[n, o, i, j] · θ[o, c, u, v] — for stride 1, δ
# convolved with θ rotated by 180° ("full" convolution); in general a transposed convolution.
# ∂J/∂b_o = Σ_n Σ_{i,j} δ[n, o, i, j].
#
# Implement `Conv2dFunction.backward`. The check compares the raw values your backward returns
# (before torch sums or reshapes anything) with autograd, in float64.

# %%
with skip_if_stub():
    for stride, padding, size in ((1, 0, (7, 6)), (2, 0, (9, 8)), (2, 1, (8, 9))):
        x = torch.randn(2, 3, *size, generator=gen, dtype=torch.float64, requires_grad=True)
        W = torch.randn(2, 3, 4, 4, generator=gen, dtype=torch.float64, requires_grad=True)
        b = torch.randn(2, generator=gen, dtype=torch.float64, requires_grad=True)
        z = exercises.Conv2dFunction.apply(x, W, b, stride, padding)
        delta = torch.randn(z.shape, generator=gen, dtype=torch.float64)
        raw = z.grad_fn.apply(delta)  # exactly what your backward returned
        expected = torch.autograd.grad(F.conv2d(x, W, b, stride, padding), (x, W, b), delta)
        report = []
        for symbol, got, want in zip(("∂J/∂x", "∂J/∂θ", "∂J/∂b"), raw, expected):
            if got is None or got.shape != want.shape:
                report.append(f"{symbol} shape {None if got is None else tuple(got.shape)}, must be {tuple(want.shape)}")
            else:
                report.append(f"{symbol} rel. error {float((got - want).detach().abs().max() / want.abs().max()):.0e}")
        print(f"stride {stride}, padding {padding}, x {size}: " + "; ".join(report) + " (expect < 1e-13)")

# %% [markdown]
# **Question.** With stride 2, k = 4 and a 9-row image, the last row of x is read by no window.
# What must ∂J/∂x be on that row, and which argument of `conv_transpose2d` gives it the right shape?

# %% [markdown]
# ## Training both models
#
# Both minimize the logistic loss with Adam on mini-batches of 50 (the settings of
# `cs229nn.experiments.soccer`). The conv net is conv 4×4 stride 2 → ReLU → max pool 2 → conv 3×3 →
# ReLU → global max pool → linear; its two convolutions run through your `Conv2dFunction`.

# %%
class YourConv2d(torch.nn.Module):
    """The parameters θ, b of a cs229nn Conv2d layer, run through exercises.Conv2dFunction."""

    def __init__(self, layer: torch.nn.Module) -> None:
        super().__init__()
        self.weight, self.bias, self.stride, self.padding = layer.weight, layer.bias, layer.stride, layer.padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return exercises.Conv2dFunction.apply(x, self.weight, self.bias, self.stride[0], self.padding[0])


use_yours = not is_stub(exercises.Conv2dFunction.backward)  # is_stub(class) recurses forever on a Function: ask its backward
print("conv layers: " + ("your Conv2dFunction" if use_yours else "cs229nn's Conv2dFunction (your Conv2dFunction.backward is still a stub)"))
models, results = {}, []
train_split = splits["train"]  # image i has a ball iff i is odd, so any prefix is balanced
conv_train = SoccerSplit(*(t[:CONV_TRAIN_IMAGES] for t in (train_split.images, train_split.labels, train_split.centers)))
for name, build, data, epochs, lr in (
    ("logistic regression", logistic_regression, splits["train"], CONFIG.epochs_logistic, CONFIG.lr_logistic),
    ("conv net", lambda: soccer_convnet(CONFIG.channels), conv_train, CONFIG.epochs_conv, CONFIG.lr_conv),
):
    torch.manual_seed(CONFIG.seed)  # the same initialization as cs229nn.experiments.soccer
    model = build()
    if name == "conv net" and use_yours:
        model[0], model[3] = YourConv2d(model[0]), YourConv2d(model[3])
    history, seconds = train(model, data, epochs, lr, CONFIG, device, progress=False)
    result = ModelResult(name, count_parameters(model), seconds, history)
    result.correct = {s: correct_predictions(model, splits[s], device) for s in SPLITS}
    print(f"{name}: {epochs} epochs on {len(data.images)} images in {seconds:.1f} s, final training loss {history.train_loss[-1]:.3f}")
    models[name], results = model.cpu(), results + [result]
outcome = SoccerResults(*results)
save_figures(outcome, splits, models["conv net"], models["logistic regression"], OUT)
summary = outcome.summary()
(OUT / "results.txt").write_text(summary + "\n", encoding="utf-8")
print(summary)

# %% [markdown]
# **Question.** Both models do well on `test`. Only one keeps its accuracy on `shifted`. Before
# looking at the figures: which one, and what does the other predict for most shifted images?
#
# `position_accuracy.png` shows accuracy on images with a ball by where the ball's centre was.
# `logistic_weights.png` shows logistic regression's θ as an image: compare the region where
# training balls were with the top-left quadrant. `filters.png` shows the conv net's first-layer θ's.

# %% [markdown]
# **Question.** Logistic regression's weights in the top-left quadrant are not zero, yet they
# carry no information about balls. Where did they get their values from?

# %% [markdown]
# ## Self-check

# %%
self_check(exercises)

# %%
logistic, conv = outcome.logistic, outcome.conv
record_results(
    8,
    f"soccer ball: logistic regression test {logistic.accuracy('test'):.0%} / shifted {logistic.accuracy('shifted'):.0%}, "
    f"conv net test {conv.accuracy('test'):.0%} / shifted {conv.accuracy('shifted'):.0%}",
    device=str(device),
    logistic_test=logistic.accuracy("test"),
    logistic_shifted=logistic.accuracy("shifted"),
    conv_test=conv.accuracy("test"),
    conv_shifted=conv.accuracy("shifted"),
    logistic_parameters=logistic.parameters,
    conv_parameters=conv.parameters,
    conv_function="yours" if use_yours else "cs229nn",
    train_seconds={"logistic": logistic.train_seconds, "conv": conv.train_seconds},
    figures={name: str(path) for name, path in outcome.figures.items()},
)

# %% [markdown]
# ## Summary
#
# * A convolution is Ng eq. 3.22 repeated at every position with the same θ; its backward pass is
#   again convolutions: ∂J/∂θ correlates the input with δ (a shared weight collects the gradient
#   of every position), ∂J/∂x is a transposed convolution of δ with θ.
# * Trained on balls in one region, logistic regression (12 289 parameters) reaches ≈ 87 % there and
#   ≈ 49 % (chance) elsewhere; the conv net (1 577 parameters) ≈ 97 % in both.
#
# ## Exercises (no checks)
#
# 1. Replace the global max pool by a global *average* pool. Does the shifted accuracy survive?
#    Why does the max matter for "is there a ball anywhere"?
# 2. Train logistic regression on images with balls anywhere (mix `train` and `shifted`). Does it
#    then find balls everywhere, and what happens to its test accuracy?
# 3. Time your `conv2d_windows` against `F.conv2d` on a batch of 50 soccer images.
# 4. Write ∂J/∂x for stride 1 as a "full" convolution with θ rotated by 180° and compare it with
#    your transposed convolution.
