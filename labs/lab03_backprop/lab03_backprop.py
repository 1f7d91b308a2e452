# %% [markdown]
# # Lab 3: Backpropagation by hand
#
# **Goal.** Write the backward pass of every piece of a small network yourself, as
# `torch.autograd.Function`s: the linear layer, ReLU, the sigmoid, the squared loss
# and the logistic loss. Each one is then checked three ways, by `cs229nn.check`:
# your gradient against autograd's (the same math, so they agree to ~1e-15 in
# float64) and against finite differences (~1e-8), on the CPU and, when there is
# one, on the GPU. Last, the pieces are put together into a two-layer network that
# learns a curve.
#
# **Notes.** Ma et al., "Deep Learning" notes, §3: Claim 3.2 (∂J/∂W = ∂J/∂z · uᵀ,
# ∂J/∂b = ∂J/∂z, Ma eq. 3.10–3.11), Ma Claim 3.3 (∂J/∂z = ∂J/∂a ⊙ σ'(z), eq. 3.12),
# Ma Claim 3.4 (∂J/∂u = Wᵀ ∂J/∂v, eq. 3.14), δ = o − y for the squared loss (Ma eq. 3.16);
# Ma §4, eq. 4.4 for the row layout. Ng & Katanforoosh, "Deep Learning" notes, eq. 3.9
# (the logistic loss) and Ng §3.2 (its gradient a − y).
#
# **How.** Open `exercises.py` next to this notebook and fill in each exercise where it
# raises `NotImplementedError`. Run the cells: a cell that reaches an exercise you have
# not written yet says so and skips. The self-check near the end runs the public checks.

# %%
import importlib
import torch
import torch.nn.functional as F

import cs229nn
import exercises
from cs229nn import plot
from cs229nn.check import compare_gradients, rel_error
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub

exercises = importlib.reload(exercises)  # running this cell again picks up your edits to exercises.py
device = cs229nn.device()
OUT = output_dir(3)
generator = torch.Generator().manual_seed(229)
print(f"device: {device}; figures and results go to {OUT}/" + (" (quick mode)" if quick() else ""))


def draw(*shape: int) -> torch.Tensor:
    """float64 inputs from the lab's generator: gradients are checked in double precision."""
    return torch.randn(*shape, generator=generator, dtype=torch.float64)


# %% [markdown]
# ## 1. The linear layer, forward
#
# With one example per **row** (Ma §4, eq. 4.4, the layout of every deep-learning
# library), a batch a ∈ ℝ^{n×d} goes through z = a Wᵀ + b ∈ ℝ^{n×m}, with
# W ∈ ℝ^{m×d} as in the notes' column form z = W u + b (Ma eq. 3.8) and b broadcast
# over the rows.
#
# **Exercise 1.** Write `linear_forward(a, W, b)` in `exercises.py`.

# %%
a, W, b = draw(5, 3), draw(4, 3), draw(4)
with skip_if_stub():
    z = exercises.linear_forward(a, W, b)
    print(f"z has shape {tuple(z.shape)} (expect (5, 4)); rel error against F.linear: {rel_error(z, F.linear(a, W, b)):.1e} (expect < 1e-14)")

# %% [markdown]
# ## 2. The linear layer, backward (Ma Claims 3.2 and 3.4)
#
# Given δ = ∂J/∂z ∈ ℝ^{n×m}, Ma Claim 3.2 gives ∂J/∂W = δ uᵀ and ∂J/∂b = δ for one
# example, Ma Claim 3.4 gives ∂J/∂u = Wᵀ δ. For a batch of rows the examples' terms
# add up: write each product so that the shapes come out as (n, d), (m, d) and (m,).
#
# **Exercise 2.** Write `LinearFunction.backward`. The cell compares it with autograd
# through `F.linear` and with centred finite differences (`cs229nn.check.compare_gradients`),
# in float64 on the CPU, and on the GPU when there is one.

# %%
DEVICES = [torch.device("cpu")] + ([device] if device.type == "cuda" else [])
if device.type != "cuda":
    print("No CUDA device: every gradient check below runs on the CPU only.")
reports = {}  # (piece, device) -> passed


def gradient_check(piece: str, function, inputs, names, reference) -> None:
    """Your Function against autograd (reference) and finite differences, on every device; the reports are printed."""
    for where in DEVICES:
        report = compare_gradients(function, *inputs, reference=reference, input_names=names, device=where, title=piece)
        reports[(piece, where.type)] = report.passed
        print(report)


with skip_if_stub():
    gradient_check("linear layer", exercises.LinearFunction.apply, (draw(5, 3), draw(4, 3), draw(4)), ["a", "W", "b"], F.linear)

# %% [markdown]
# A correct backward agrees with autograd to about 1e-16–1e-13 (the same arithmetic,
# rounded in a different order) and with the numeric gradient to about 1e-10–1e-7
# (a centred difference with h = 1e-6 is only that accurate). The checker's limits are
# printed under each table.
#
# **Question.** ∂J/∂b is δ summed over the rows. What does autograd do if your
# backward returns δ itself, of shape (n, m), instead? (Try it, then look at the
# self-check's message for the same mistake.)

# %% [markdown]
# ## 3. Activations (Ma Claim 3.3)
#
# An element-wise activation a = g(z) passes δ back as ∂J/∂z = ∂J/∂a ⊙ g'(z)
# (Ma eq. 3.12). For ReLU g'(z) = 1{z ≥ 0}; at z = 0 exactly ReLU has a kink, and
# torch takes the derivative 0 there, as you should. For the sigmoid
# σ(z) = 1 / (1 + e^{−z}) the derivative σ(z)(1 − σ(z)) needs only the output, which is
# why `setup_context` saves `output`.
#
# **Exercises 3 and 4.** Write `ReLUFunction.backward`, then `SigmoidFunction`'s
# forward and backward.

# %%
z = 3 * draw(4, 6)  # no entry is exactly 0, so finite differences never straddle ReLU's kink
with skip_if_stub():
    gradient_check("ReLU", exercises.ReLUFunction.apply, (z,), ["z"], torch.relu)
with skip_if_stub():
    gradient_check("sigmoid", exercises.SigmoidFunction.apply, (z,), ["z"], torch.sigmoid)

# %%
grid = torch.linspace(-6, 6, 241, dtype=torch.float64)
curves = {}
for name, function in (("ReLU", exercises.ReLUFunction), ("sigmoid", exercises.SigmoidFunction)):
    with skip_if_stub():
        x = grid.clone().requires_grad_()
        out = function.apply(x)
        (derivative,) = torch.autograd.grad(out.sum(), x)  # runs your backward with δ = 1
        curves[name] = (out.detach(), derivative)
if curves:
    fig, axes = plot.figure(1, len(curves), size=(4.5, 3.5))
    for ax, (name, (value, derivative)) in zip(axes[0], curves.items()):
        ax.plot(grid, value, label=f"{name}(z)")
        ax.plot(grid, derivative, "--", label=f"{name}'(z), from your backward")
        ax.set_xlabel("z")
        ax.legend()
    plot.save(fig, OUT / "activations.png")
    print(f"figure saved to {OUT / 'activations.png'}")

# %% [markdown]
# **Question.** The sigmoid's derivative is at most 1/4. What does that do to δ after
# passing back through ten sigmoid layers?

# %% [markdown]
# ## 4. The losses: where δ starts
#
# Backpropagation starts at the loss. For the mean squared loss
# J = (1/n) Σᵢ ½‖o⁽ⁱ⁾ − y⁽ⁱ⁾‖² (Ma eq. 3.4, averaged over the batch) the first δ is
# ∂J/∂o = (o − y)/n (Ma eq. 3.16 for one example). For the logistic loss on the logit z,
# J = −[y log σ(z) + (1 − y) log(1 − σ(z))] (Ng & Katanforoosh eq. 3.9), the sigmoid's
# derivative cancels and ∂J/∂z = σ(z) − y (Ng & Katanforoosh §3.2).
#
# A loss's backward receives the upstream gradient ∂(what follows)/∂J, a scalar, which is
# 1 when J is the end of the computation; multiply by it anyway. The targets y get no
# gradient: return None for them.
#
# **Exercises 5 and 6.** Write `SquaredLossFunction` and `LogisticLossFunction`.

# %%
o, y_real = draw(6, 2), draw(6, 2)
logits, y_binary = 3 * draw(7, 1), (torch.rand(7, 1, generator=generator) < 0.5).double()
with skip_if_stub():
    gradient_check(
        "squared loss",
        lambda o: exercises.SquaredLossFunction.apply(o, y_real.to(o.device)),
        (o,),
        ["o"],
        lambda o: 0.5 * ((o - y_real.to(o.device)) ** 2).sum() / o.shape[0],
    )
with skip_if_stub():
    gradient_check(
        "logistic loss",
        lambda z: exercises.LogisticLossFunction.apply(z, y_binary.to(z.device)),
        (logits,),
        ["z"],
        lambda z: F.binary_cross_entropy_with_logits(z, y_binary.to(z.device)),
    )
with skip_if_stub():
    huge = torch.tensor([[-800.0], [800.0]], dtype=torch.float64)
    J = exercises.LogisticLossFunction.apply(huge, torch.tensor([[1.0], [0.0]], dtype=torch.float64))
    print(f"logistic loss of two confidently wrong logits ±800: {J.item():.1f} (expect 800.0, not inf or nan)")

# %% [markdown]
# **Question.** Why does the logistic loss take the logit z rather than the probability
# σ(z)? (Try σ(800) in float64, then log(1 − σ(800)).)

# %% [markdown]
# ## 5. A two-layer network from your pieces (Ma Algorithm 3)
#
# h(x) = W^{[2]} ReLU(W^{[1]} x + b^{[1]}) + b^{[2]} with the squared loss: composing your
# Functions, autograd's engine calls your backwards in reverse order, which is exactly
# Ma Algorithm 3. First the whole network's gradients are checked at once, then it learns
# y = sin(3x) from 64 noisy points with plain gradient descent.

# %%
def two_layer(x, W1, b1, W2, b2):
    """h(x) = W^[2] ReLU(W^[1] x + b^[1]) + b^[2] (Ma eq. 2.11, rows as examples), from your Functions only."""
    hidden = exercises.ReLUFunction.apply(exercises.LinearFunction.apply(x, W1, b1))
    return exercises.LinearFunction.apply(hidden, W2, b2)


def two_layer_autograd(x, W1, b1, W2, b2):
    return F.linear(torch.relu(F.linear(x, W1, b1)), W2, b2)


hidden_units = 16
x_train = torch.linspace(-1, 1, 64, dtype=torch.float64).unsqueeze(1)
y_train = torch.sin(3 * x_train) + 0.1 * draw(64, 1)
W1, b1, W2, b2 = draw(hidden_units, 1), draw(hidden_units), draw(1, hidden_units) / hidden_units**0.5, torch.zeros(1, dtype=torch.float64)

with skip_if_stub():
    gradient_check(
        "two-layer network",
        lambda *p: exercises.SquaredLossFunction.apply(two_layer(x_train[:8].to(p[0].device), *p), y_train[:8].to(p[0].device)),
        (W1, b1, W2, b2),
        ["W^[1]", "b^[1]", "W^[2]", "b^[2]"],
        lambda *p: 0.5 * ((two_layer_autograd(x_train[:8].to(p[0].device), *p) - y_train[:8].to(p[0].device)) ** 2).sum() / 8,
    )

# %%
steps = 300 if quick() else 3000
learning_rate = 0.1
losses = None
with skip_if_stub():
    parameters = [t.clone().to(device).requires_grad_() for t in (W1, b1, W2, b2)]
    x_dev, y_dev = x_train.to(device), y_train.to(device)
    losses = []
    for step in range(steps):
        J = exercises.SquaredLossFunction.apply(two_layer(x_dev, *parameters), y_dev)
        gradients = torch.autograd.grad(J, parameters)  # every one of them from your backwards
        with torch.no_grad():
            for p, g in zip(parameters, gradients):
                p -= learning_rate * g
        losses.append(J.item())
        if step % (steps // 5) == 0 or step == steps - 1:
            print(f"step {step:5d}/{steps}: J = {J.item():.4f}")
if losses:
    fig, axes = plot.figure(1, 2, size=(4.5, 3.5))
    axes[0, 0].semilogy(losses)
    axes[0, 0].set_xlabel("gradient step")
    axes[0, 0].set_ylabel("J (training)")
    with torch.no_grad():
        fitted = two_layer(x_dev, *parameters).cpu()
    axes[0, 1].scatter(x_train, y_train, s=8, label="data")
    axes[0, 1].plot(x_train, fitted, color="C1", label="your network")
    axes[0, 1].legend()
    plot.save(fig, OUT / "two_layer_fit.png")
    print(f"final training loss {losses[-1]:.4f} (noise alone gives about 0.005); figure saved to {OUT / 'two_layer_fit.png'}")

# %% [markdown]
# **Question.** Set all of W^{[1]} to the same value and train again. Why do the hidden
# units stay identical (Ng & Katanforoosh §3.1)?

# %% [markdown]
# ## Self-check
#
# The public checks of this lab, run on your `exercises.py` with inputs of their own
# (the same as `cs229nn check labs/lab03_backprop` on the command line). Hidden checks
# with other shapes and extreme values run at grading.

# %%
results = self_check(exercises)

# %%
passed = sum(reports.values())
where = "+".join(sorted({d for _, d in reports}))
record_results(
    3,
    f"{passed} of {len(reports)} gradient reports pass ({where})" + (f"; two-layer fit J = {losses[-1]:.4f}" if losses else ""),
    reports_passed=passed,
    reports_total=len(reports),
    final_loss=losses[-1] if losses else None,
    checks_passed=sum(r.status == "passed" for r in results),
    checks_total=len(results),
)

# %% [markdown]
# ## Summary
#
# * A layer's backward maps δ = ∂J/∂(output) to ∂J/∂(each input): Ma Claim 3.2 for the
#   weights, Ma Claim 3.4 for the input, Ma Claim 3.3 for an activation (Ma §3).
# * The loss starts the chain: δ = o − y for the squared loss, σ(z) − y for the logistic loss.
# * Check every backward twice: against autograd (agreement to ~1e-15 in float64) and
#   against finite differences (~1e-8), which do not share your derivation.
#
# ## Exercises (no checks)
#
# 1. Write `TanhFunction` (tanh'(z) = 1 − tanh(z)²) and check it with `compare_gradients`.
# 2. Run the gradient checks in float32: how large do the errors become, and why does the
#    checker use a looser limit there?
# 3. Replace the squared loss by the logistic loss and train the network to separate
#    x < 0 from x > 0.
