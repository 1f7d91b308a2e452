# %% [markdown]
# # Lab 1: A single neuron and the housing kink
#
# **Goal.** Fit the smallest neural network there is, one ReLU neuron
# h(x) = max(w x + b, 0), to the prices of 47 Portland houses, with gradients you derive
# by hand, and find where its kink lies. Along the way: why the feature is scaled before
# gradient descent, and how to scale it without losing what the kink means.
#
# **Notes.** Ng & Katanforoosh, "Deep Learning" notes, §1 and Figure 1 (the housing
# "kink", f(x) = max(ax + b, 0), unnumbered there); Ma et al., "Deep Learning" notes,
# Ma §2, eq. 2.1 (h_θ(x) = max(wx + b, 0), the same neuron), Ma §1, eq. 1.1–1.3 (the squared
# loss and gradient descent) and Ma §3, eq. 3.3 (the chain rule).
#
# **How.** Open `exercises.py` next to this notebook and write each exercise where it
# raises `NotImplementedError`. A cell that reaches an exercise you have not written yet
# says so and skips.

# %%
import importlib
import torch

import cs229nn
import exercises
from cs229nn import plot
from cs229nn.check import rel_error
from cs229nn.datasets import Portland
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub

exercises = importlib.reload(exercises)  # running this cell again picks up your edits to exercises.py
device = torch.device("cpu")  # 47 houses, one neuron: the CPU beats any GPU's launch overhead (cs229nn.device() would pick CUDA)
OUT = output_dir(1)
torch.manual_seed(0)
print(f"device: {device} (GPU available: {cs229nn.device().type == 'cuda'}); figures and results go to {OUT}/" + (" (quick mode)" if quick() else ""))

# %% [markdown]
# ## 1. The data
#
# Living area (square feet) and price of 47 houses sold in Portland, Oregon: the table of
# the CS229 notes. Prices are in thousands of dollars. The area is **standardized**,
# x_s = (x − μ) / σ with μ and σ of the training split, for reasons section 3 shows; the
# price is only divided by 1000, never shifted, because the ReLU clamps at price 0, and
# shifting the price would move that zero.

# %%
houses = Portland(features="livingArea", split="all", standardize=True, dtype=torch.float64)
x = houses.data[:, 0]  # standardized living area, (47,)
y = houses.targets[:, 0] / 1000  # price in $1000s, (47,)
mean, std = houses.mean[0], houses.std[0]
area = x * std + mean  # back in square feet, for plots
print(f"{len(x)} houses; living area {area.min():.0f}–{area.max():.0f} sq ft (μ = {mean:.0f}, σ = {std:.0f}); price ${y.min():.0f}k–${y.max():.0f}k")

# %% [markdown]
# ## 2. The neuron and its loss
#
# h(x) = ReLU(w x + b) = max(w x + b, 0) (Ma eq. 2.1): a line, clamped at zero. On the data
# it is judged by the mean squared loss J(w, b) = (1/n) Σᵢ ½ (h(x⁽ⁱ⁾) − y⁽ⁱ⁾)² (Ma eq. 1.1–1.2).
#
# **Exercises 1 and 2.** Write `neuron(x, w, b)` and `squared_loss(h, y)`.

# %%
w0, b0 = torch.tensor(1.0, dtype=torch.float64), torch.tensor(0.5, dtype=torch.float64)
with skip_if_stub():
    h = exercises.neuron(torch.tensor([-2.0, -0.5, 0.0, 1.0], dtype=torch.float64), w0, b0)
    print(f"h at x_s = −2, −0.5, 0, 1 with w = 1, b = 0.5: {h.tolist()} (expect [0.0, 0.0, 0.5, 1.5])")
with skip_if_stub():
    J = exercises.squared_loss(exercises.neuron(x, w0, b0), y)
    print(f"J(w = 1, b = 0.5) = {J.item():.1f} (the prices are in the hundreds, so J is in the tens of thousands)")

# %% [markdown]
# ## 3. Gradients by hand
#
# With z⁽ⁱ⁾ = w x⁽ⁱ⁾ + b, the chain rule (Ma eq. 3.3) through h = ReLU(z) gives
# ∂J/∂z⁽ⁱ⁾ = (1/n)(h⁽ⁱ⁾ − y⁽ⁱ⁾) · 1{z⁽ⁱ⁾ > 0}, and then ∂J/∂w = Σᵢ ∂J/∂z⁽ⁱ⁾ x⁽ⁱ⁾,
# ∂J/∂b = Σᵢ ∂J/∂z⁽ⁱ⁾. A house on the flat side of the kink (z ≤ 0) moves nothing.
#
# **Exercise 3.** Write `neuron_gradients(x, y, w, b)` without autograd. The cell compares
# it with autograd through your own `neuron` and `squared_loss`.

# %%
with skip_if_stub():
    grads = exercises.neuron_gradients(x, y, w0, b0)
    w_, b_ = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    auto = torch.autograd.grad(exercises.squared_loss(exercises.neuron(x, w_, b_), y), (w_, b_))
    for name, mine, theirs in zip(("∂J/∂w", "∂J/∂b"), grads, auto):
        print(f"{name}: yours {mine.item():10.3f}, autograd {theirs.item():10.3f}, rel error {rel_error(mine, theirs):.1e} (expect < 1e-14)")

# %% [markdown]
# **Why standardize x?** In raw square feet, w multiplies numbers near 2000, so ∂J/∂w is
# about 2000 times ∂J/∂b: one learning rate α (Ma eq. 1.3) cannot suit both; one small
# enough for w leaves b crawling. Standardized, both gradients have the same scale.

# %%
with skip_if_stub():
    raw = exercises.neuron_gradients(area, y, torch.tensor(0.1, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64))
    scaled = exercises.neuron_gradients(x, y, w0, b0)
    print(f"|∂J/∂w| / |∂J/∂b| in square feet: {abs(raw[0] / raw[1]):.0f}; standardized: {abs(scaled[0] / scaled[1]):.2f}")

# %% [markdown]
# ## 4. Gradient descent
#
# θ ← θ − α ∇_θ J (Ma eq. 1.3) with your gradients, from w = 1, b = 0.5 in standardized units.

# %%
steps, alpha = (100 if quick() else 500), 0.5
w, b = w0.clone(), b0.clone()
losses = []
with skip_if_stub():
    for step in range(steps):
        dw, db = exercises.neuron_gradients(x, y, w, b)
        w, b = w - alpha * dw, b - alpha * db
        losses.append(exercises.squared_loss(exercises.neuron(x, w, b), y).item())
        if step % (steps // 5) == 0 or step == steps - 1:
            print(f"step {step:4d}/{steps}: J = {losses[-1]:9.1f}, w = {w.item():7.2f}, b = {b.item():7.2f}")

# %% [markdown]
# ## 5. Where is the kink?
#
# The neuron saw x_s, so its kink w x_s + b = 0 is at x_s = −b/w. In square feet that is
# x = μ + σ · (−b/w): scaling moved the numbers, not the kink.
#
# **Exercise 4.** Write `kink_in_original_units(w, b, mean, std)`.

# %%
kink = None
with skip_if_stub():
    kink = exercises.kink_in_original_units(w, b, mean, std).item()
    side = "left of" if kink < area.min() else ("right of" if kink > area.max() else "inside")
    print(f"kink at {kink:.0f} sq ft: {side} the data ({area.min():.0f}–{area.max():.0f} sq ft)")

# %%
if kink is not None and losses:
    left = min(kink, 0.0) - 300  # wide enough to show the kink even when it lies left of every house
    grid = torch.linspace(left, float(area.max()) + 300, 400, dtype=torch.float64)
    with torch.no_grad():
        curve = exercises.neuron((grid - mean) / std, w, b)
    fig, axes = plot.figure(size=(6.5, 4.5))
    ax = axes[0, 0]
    ax.scatter(area, y, s=14, label="Portland houses")
    ax.plot(grid, curve, color="C1", label="h(x) = max(w x_s + b, 0)")
    ax.axvline(kink, color="C3", linestyle="--", label=f"kink: {kink:.0f} sq ft")
    ax.set_xlabel("living area (sq ft)")
    ax.set_ylabel("price ($1000s)")
    ax.set_title("The housing kink (Ng & Katanforoosh Fig. 1; Ma eq. 2.1)")
    ax.legend()
    plot.save(fig, OUT / "kink.png")
    print(f"figure saved to {OUT / 'kink.png'}")

# %% [markdown]
# Unlike the sketch in the notes, the real prices never come near zero: the best line
# reaches price 0 only at a negative area, so the kink sits **left of every house** and the
# ReLU is active on all of them. On this data the neuron fits the same line as linear
# regression; the clamp only matters for (impossible) houses smaller than the kink.
#
# **Question.** Which houses would you add to the data to move the kink to the right of
# 0 sq ft? What would the neuron then predict for a 300 sq ft studio?

# %% [markdown]
# ## 6. A dead neuron
#
# Start instead from b = −5: then w x_s + b < 0 for every house, every h is 0, and every
# house sits on the flat side. Your gradients say what happens next.

# %%
with skip_if_stub():
    dw, db = exercises.neuron_gradients(x, y, w0, torch.tensor(-5.0, dtype=torch.float64))
    print(f"from b = −5: ∂J/∂w = {dw.item()}, ∂J/∂b = {db.item()}: gradient descent never moves (a 'dead' ReLU)")

# %% [markdown]
# ## Self-check
#
# The public checks, on your `exercises.py` with inputs of their own (also
# `cs229nn check labs/lab01_neuron` on the command line). Hidden checks run at grading.

# %%
results = self_check(exercises)

# %%
record_results(
    1,
    f"kink at {kink:.0f} sq ft, left of the smallest house ({area.min():.0f} sq ft); J = {losses[-1]:.0f}" if kink is not None and losses else "kink not computed (exercises missing)",
    kink_sqft=kink,
    smallest_house_sqft=float(area.min()),
    w=w.item(),
    b=b.item(),
    final_loss=losses[-1] if losses else None,
    device=str(device),
)

# %% [markdown]
# ## Summary
#
# * One neuron is a line clamped at zero: h(x) = max(w x + b, 0) (Ma eq. 2.1).
# * Its gradients pass only through houses on the rising side of the kink; a neuron with
#   every house on the flat side never learns.
# * Standardize features for gradient descent, then map what you learned back:
#   the kink x = μ + σ(−b/w). Scale a target the ReLU clamps, but do not shift it.
#
# ## Exercises (no checks)
#
# 1. Fit on the raw square feet instead. What is the largest α that does not diverge, and
#    how many steps does b need then?
# 2. Fit a line (no ReLU) by least squares with `torch.linalg.lstsq` and compare its zero
#    crossing with the kink.
# 3. Start from w = −1. Where does gradient descent go, and why?
