# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 5: initialization and symmetry
#
# Ng & Katanforoosh's notes (Ng §3.1, "Parameter Initialization") make two claims, and this lab
# measures both:
#
# 1. **Symmetry.** If every weight of a layer starts at the same value (zero or a constant), the
#    layer's units compute the same thing, receive the same gradient and stay identical forever
#    (Ng eq. 3.12 and the paragraph after it). You write `unit_spread`, a measure of how different
#    the units of a layer are, and watch it stay at 0 (up to rounding) through training.
# 2. **Scale.** Xavier initialization, w ~ N(0, 2/(n^[ℓ] + n^[ℓ−1])) (Ng eq. 3.13), keeps the
#    spread of the activations about the same from layer to layer ("σ(in) similar to σ(out)").
#    He initialization, N(0, 2/n^[ℓ−1]), does the same for ReLU. You write both. A naive N(0, 1)
#    makes the activations explode or saturate with depth; a tiny N(0, 0.01²) makes them vanish.
#
# The checks compare *statistics* of your random weights with the notes' distribution, within a
# band of 6 standard errors set by the sample size. Random numbers cannot be checked digit by digit.

# %%
import math

import torch

import cs229nn
import exercises
from cs229nn.datasets import Vowels
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.plot import activation_histograms, figure, save
from cs229nn.sampling import minibatch_loader
from cs229nn.train import fit

device = torch.device("cpu")  # small networks: the CPU is as fast, and the runs repeat exactly
OUT = output_dir(5)
torch.manual_seed(0)
print("quick mode" if quick() else "full mode", "| figures go to", OUT)

# %% [markdown]
# ## Data
#
# The vowels of the lecture slides: two formants (f1, f2), standardized, and 10 vowel classes.
# The split is by speaker, so the test set holds voices the network has never heard.

# %%
train = Vowels(features=("f1", "f2"), standardize=True)
test = Vowels(split="test", features=("f1", "f2"), standardize=True)
print(f"train x {tuple(train.data.shape)}, test x {tuple(test.data.shape)}, K = {int(train.targets.max()) + 1} classes")
print(f"a classifier that guesses has accuracy 1/K = {1 / 10:.2f} and loss log K = {math.log(10):.3f}")

# %% [markdown]
# ## Exercise 1: a measure of symmetry
#
# Row j of W^[ℓ] holds the weights into unit j. Two units with equal rows compute equal activations
# on every input, so Ng calls the layer *symmetric*. Implement `unit_spread(W)`: the largest distance
# ‖W_j − W_j'‖ between two rows. It is 0 exactly when all the units of the layer are the same.

# %%
with skip_if_stub():
    W_check = torch.randn(7, 5, dtype=torch.float64)
    got, expected = exercises.unit_spread(W_check), torch.cdist(W_check, W_check).max()
    print(f"random 7 × 5 W: spread {float(got):.6f}, torch.cdist says {float(expected):.6f} (expect equal to ~1e-15)")
    print(f"7 copies of one row: spread {float(exercises.unit_spread(W_check[:1].repeat(7, 1))):.1e} (expect 0)")

# %% [markdown]
# ## Symmetry never breaks
#
# Train the same 2-16-16-10 tanh network three times, for the same mini-batches (Ma §1, Algorithm 2),
# changing only the initialization of the weights (biases start at 0):
#
# * **zeros**: W^[ℓ] = 0 (Ng §3.1: the output no longer depends on x);
# * **constant**: every weight 0.5 (Ng eq. 3.12: "each element of a^[1] will be the same");
# * **Xavier**: `cs229nn.init.xavier_normal_`, random.
#
# We measure the spread of the two *hidden* layers before and after training, relative to the size
# ‖W^[ℓ]‖ of the layer's weights. Exactly identical units would give exactly 0. In practice the
# matrix products may add up different columns in different orders, so two twins can differ in the
# last bits (a relative spread around 1e-7 in float32). Anything below 1e-4 counts as symmetric here.

# %%
def hidden_spreads(model) -> list:
    """unit_spread of W^[1], …, W^[r−1] relative to ‖W^[ℓ]‖: the hidden layers (the output units have different targets)."""
    return [float(exercises.unit_spread(W) / W.norm().clamp_min(1e-30))
            for W in (layer.weight.detach() for layer in model.linear_layers[:-1])]


SYMMETRY_TOLERANCE = 1e-4  # relative spread below which we call the units identical
schemes = {"zeros": "zeros", "constant 0.5": lambda W: cs229nn.init.constant_(W, 0.5), "Xavier": "xavier"}
epochs = 4 if quick() else 20
symmetry = {}
with skip_if_stub():
    for name, scheme in schemes.items():
        torch.manual_seed(0)
        model = cs229nn.init.initialize_(cs229nn.nn.MLP([2, 16, 16, 10], "tanh"), scheme)
        before = hidden_spreads(model)
        batches = minibatch_loader(train, 32, generator=torch.Generator().manual_seed(0))
        history = fit(model, cs229nn.nn.SoftmaxCrossEntropy(), batches, epochs=epochs, lr=0.3,
                      test_loader=minibatch_loader(test, len(test)), progress=False, device=device)
        after = hidden_spreads(model)
        symmetry[name] = {"before": before, "after": after, "broken": max(after) > SYMMETRY_TOLERANCE,
                          "test_accuracy": history.test_accuracy[-1], "W1": model.linear_layers[0].weight.detach().clone()}
        print(f"{name:13s} relative spread of W^[1], W^[2]: before {before[0]:.2g}, {before[1]:.2g} -> after {after[0]:.2g}, {after[1]:.2g};"
              f" test accuracy {history.test_accuracy[-1]:.2f}")

# %%
if symmetry:
    fig, axes = figure(1, len(symmetry), size=(3.2, 3.0))
    for ax, (name, result) in zip(axes[0], symmetry.items()):
        W1 = result["W1"]
        bound = max(float(W1.abs().max()), 1e-3)
        ax.imshow(W1.numpy(), cmap="coolwarm", vmin=-bound, vmax=bound, aspect="auto")
        ax.set(title=f"{name}: W^[1] after training", xlabel="input", ylabel="hidden unit j")
        ax.set_xticks([0, 1], ["f1", "f2"])
    save(fig, OUT / "symmetry.png")
    print("saved", OUT / "symmetry.png")

# %% [markdown]
# With zeros, a^[1] = tanh(0) = 0, so ∂J/∂W^[2] = δ^[2]ᵀ a^[1] = 0 and δ^[1] = (δ^[2] W^[2]) ⊙ g′ = 0.
# Only the biases learn, and the network predicts the same class probabilities for every vowel.
# With the constant, every row of W^[1] in the picture is the same: 16 units that behave as one.
#
# **Question.** The *output* layer's rows do become different under the constant initialization.
# Why do the output units break their symmetry when the hidden units cannot? What would break the
# hidden units' symmetry without a random initialization (think of dropout)?

# %% [markdown]
# ## Exercise 2: Xavier initialization (Ng eq. 3.13)
#
# Implement `xavier_normal(fan_in, fan_out, generator)`: a (fan_out, fan_in) = (n^[ℓ], n^[ℓ−1])
# matrix of independent N(0, σ²) entries with **variance** σ² = 2/(n^[ℓ] + n^[ℓ−1]). The check draws
# a non-square 200 × 300 layer, so confusing fan_in with fan_out shows.
#
# How close should the sample variance s² of N entries be? For normal draws the standard error of s²
# is σ²·√(2/(N − 1)), about 0.6% of σ² for N = 60 000. A correct answer falls within a few standard errors.

# %%
def compare_variance(name: str, W: torch.Tensor, variance: float, torch_init) -> float:
    """Print W's sample variance against the notes' σ² (in standard errors) and against torch's initializer."""
    N = W.numel()
    s2, se = float(W.double().var()), variance * math.sqrt(2 / (N - 1))
    reference = torch_init(torch.empty(W.shape, dtype=torch.float64))
    print(f"{name}: W {tuple(W.shape)}, sample variance {s2:.5f}; σ² = {variance:.5f} ± {se:.5f}"
          f" -> {abs(s2 - variance) / se:.1f} standard errors off (expect < 3); torch's initializer: {float(reference.var()):.5f}")
    return s2


generator = torch.Generator().manual_seed(5)
fan_in, fan_out = 300, 200
W_xavier = W_he = None
with skip_if_stub():
    W_xavier = exercises.xavier_normal(fan_in, fan_out, generator)
    compare_variance("Xavier", W_xavier, 2 / (fan_in + fan_out), torch.nn.init.xavier_normal_)

# %% [markdown]
# ## Exercise 3: He initialization
#
# ReLU sets half of its inputs to 0, so E[ReLU(z)²] = E[z²]/2: each ReLU layer halves the second
# moment unless the weights make up for it. He et al. use Var(w) = 2/n^[ℓ−1]. Implement `he_normal`.

# %%
with skip_if_stub():
    W_he = exercises.he_normal(fan_in, fan_out, generator)
    compare_variance("He", W_he, 2 / fan_in, lambda W: torch.nn.init.kaiming_normal_(W, nonlinearity="relu"))

# %%
if W_xavier is not None and W_he is not None:
    fig, axes = figure(size=(5.0, 3.4))
    grid = torch.linspace(-0.3, 0.3, 200, dtype=torch.float64)
    for label, W, variance in (("Xavier", W_xavier, 2 / (fan_in + fan_out)), ("He", W_he, 2 / fan_in)):
        axes[0, 0].hist(W.flatten().numpy(), bins=80, density=True, alpha=0.5, label=f"your {label} W")
        axes[0, 0].plot(grid, torch.exp(-grid**2 / (2 * variance)) / math.sqrt(2 * math.pi * variance), "k:")
    axes[0, 0].set(xlabel="w", ylabel="density", title="entries of a 200 × 300 W against N(0, σ²)")
    axes[0, 0].legend(fontsize="small")
    save(fig, OUT / "weights.png")
    print("saved", OUT / "weights.png")

# %% [markdown]
# **Question.** For a square layer (n^[ℓ] = n^[ℓ−1] = n) Xavier's variance is 1/n and He's is 2/n.
# Why does Xavier average the fan-in and the fan-out instead of using the fan-in alone? (What does
# the backward pass multiply δ by, layer after layer?)

# %% [markdown]
# ## The activations through 20 layers
#
# Now push x ~ N(0, 1) through a deep network without biases, with hidden layers alternately
# 256 and 384 wide, and record the standard deviation of every layer's activations a^[ℓ]. Four
# ways to draw the weights: N(0, 1), N(0, 0.01²), Xavier (yours), He (yours). The network is a
# `cs229nn.nn.MLP`; forward hooks on its activation layers collect a^[ℓ].

# %%
depth = 8 if quick() else 20
widths = [256] + [256 if ell % 2 == 0 else 384 for ell in range(1, depth + 1)]
n_samples = 256 if quick() else 1024
x_deep = torch.randn(n_samples, widths[0], generator=torch.Generator().manual_seed(1))


def activations_of(model, x) -> list:
    """[a^[1], …, a^[L]]: the outputs of the model's activation layers on x."""
    kept = []
    handles = [m.register_forward_hook(lambda module, inputs, a: kept.append(a.detach()))
               for m in model if not isinstance(m, cs229nn.nn.Linear)]
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return kept


def deep_network(activation: str, draw) -> torch.nn.Module:
    """depth hidden layers of ``activation`` (and a last Linear), W^[ℓ] = draw(fan_in, fan_out)."""
    model = cs229nn.nn.MLP(widths + [10], activation, bias=False)
    with torch.no_grad():
        for layer in model.linear_layers:
            fan_out, fan_in = layer.weight.shape
            layer.weight.copy_(draw(fan_in, fan_out))
    return model


draws = {
    "N(0, 1)": lambda fi, fo, g: torch.randn(fo, fi, generator=g),
    "N(0, 0.01²)": lambda fi, fo, g: 0.01 * torch.randn(fo, fi, generator=g),
    "Xavier": exercises.xavier_normal,
    "He": exercises.he_normal,
}
stds = {}  # (activation, scheme) -> [std of a^[1], …, std of a^[L]], once every scheme has run
with skip_if_stub():
    histograms = {}
    for activation in ("tanh", "relu"):
        for scheme, draw in draws.items():
            g = torch.Generator().manual_seed(2)
            histograms[activation, scheme] = activations_of(deep_network(activation, lambda fi, fo: draw(fi, fo, g)), x_deep)
    stds = {key: [float(a.std()) for a in acts] for key, acts in histograms.items()}
    print(f"std of a^[ℓ] at ℓ = 1 and ℓ = {depth}:")
    for (activation, scheme), values in stds.items():
        print(f"  {activation:4s} {scheme:12s} {values[0]:10.3g} -> {values[-1]:10.3g}")

# %%
if stds:
    fig, axes = figure(1, 2, size=(4.5, 3.4))
    for ax, activation in zip(axes[0], ("tanh", "relu")):
        for scheme in draws:
            ax.plot(range(1, depth + 1), stds[activation, scheme], "o-", markersize=3, label=scheme)
        ax.set(yscale="log", xlabel="layer ℓ", ylabel="std of a^[ℓ]", title=f"{activation} network")
        ax.legend(fontsize="small")
    save(fig, OUT / "activation_std.png")
    print("saved", OUT / "activation_std.png")
    layers_shown = sorted({1, depth // 4, depth // 2, depth})
    shown = {"hist_tanh_normal.png": ("tanh", "N(0, 1)"), "hist_tanh_xavier.png": ("tanh", "Xavier"),
             "hist_relu_he.png": ("relu", "He"), "hist_relu_small.png": ("relu", "N(0, 0.01²)")}
    for name, (activation, scheme) in shown.items():
        path = OUT / name
        activation_histograms({ell: histograms[activation, scheme][ell - 1] for ell in layers_shown}, path=path)
        print(f"saved {path} ({activation}, {scheme})")

# %% [markdown]
# Read the plots. With N(0, 1), tanh units saturate: almost every activation is ±1 (see the
# histogram), where tanh′ ≈ 0, so the gradient vanishes even though the std looks fine. ReLU
# activations grow by about √(n/2) per layer. With N(0, 0.01²) everything shrinks geometrically.
# Xavier keeps tanh in its linear range with a slow decline. He keeps ReLU's std flat.
#
# **Question.** The tanh + Xavier curve still decreases slowly. Which assumption behind Xavier
# (tanh is linear near 0, so Var(a) = Var(z)) is off, and in which direction?

# %% [markdown]
# ## Does it matter for training?
#
# A 10-layer tanh network on the vowels, trained the same way from each initialization.

# %%
curves = {}
with skip_if_stub():
    exercises.xavier_normal(1, 1)  # skip the whole cell, not just the last curve, until Exercise 2 is done
    for scheme in ("N(0, 1)", "N(0, 0.01²)", "Xavier"):
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(3)
        model = cs229nn.nn.MLP([2] + [64] * 9 + [10], "tanh")
        with torch.no_grad():
            for layer in model.linear_layers:
                fan_out, fan_in = layer.weight.shape
                layer.weight.copy_(draws[scheme](fan_in, fan_out, g))
                layer.bias.zero_()
        batches = minibatch_loader(train, 32, generator=torch.Generator().manual_seed(0))
        curves[scheme] = fit(model, cs229nn.nn.SoftmaxCrossEntropy(), batches, epochs=3 if quick() else 15, lr=0.05,
                             test_loader=minibatch_loader(test, len(test)), progress=False, device=device)
        print(f"{scheme:12s} train loss {curves[scheme].train_loss[0]:.3f} -> {curves[scheme].train_loss[-1]:.3f},"
              f" test accuracy {curves[scheme].test_accuracy[-1]:.2f}")
    fig, axes = figure(size=(5.0, 3.4))
    for scheme, history in curves.items():
        axes[0, 0].plot(range(1, history.epochs + 1), history.train_loss, "o-", markersize=3, label=scheme)
    axes[0, 0].axhline(math.log(10), color="k", linestyle=":", label="log K")
    axes[0, 0].set(xlabel="epoch", ylabel="train loss J", title="10-layer tanh network on the vowels")
    axes[0, 0].legend(fontsize="small")
    save(fig, OUT / "training.png")
    print("saved", OUT / "training.png")

# %% [markdown]
# N(0, 1) starts with huge, confidently wrong scores (J far above log K) and saturated units, and
# needs epochs to recover. N(0, 0.01²) does not move at all: its activations and its δ's vanish
# long before they reach the first layers. Xavier starts below log K and keeps descending.
#
# **Question.** The N(0, 0.01²) network starts at J ≈ log K: why exactly that value? Why does it
# take so long to move away from it?

# %% [markdown]
# ## Self-check

# %%
self_check(exercises)

# %%
last_std = {f"{activation} {scheme}": values[-1] for (activation, scheme), values in stds.items()}
broken = {name: result["broken"] for name, result in symmetry.items()}
if stds and symmetry:
    summary = (f"last-layer std (ReLU): N(0,1) {last_std['relu N(0, 1)']:.2g}, He {last_std['relu He']:.2g};"
               f" symmetry broken: " + ", ".join(f"{name} {value}" for name, value in broken.items()))
else:
    summary = "exercises not implemented yet"
print(summary)
record_results(
    5,
    summary,
    depth=depth,
    last_layer_std=last_std,
    first_layer_std={f"{activation} {scheme}": values[0] for (activation, scheme), values in stds.items()},
    symmetry_broken=broken,
    hidden_spread_after={name: result["after"] for name, result in symmetry.items()},
    symmetry_test_accuracy={name: result["test_accuracy"] for name, result in symmetry.items()},
    final_train_loss={scheme: history.train_loss[-1] for scheme, history in curves.items()},
)

# %% [markdown]
# ## Summary
#
# * Zero or constant weights make every unit of a layer the same. The gradients are the same too,
#   so the spread between units stays at 0 up to rounding: the network behaves as if each hidden
#   layer had one unit.
# * The scale of random weights decides whether activations explode, vanish or saturate with depth.
#   Xavier's 2/(n^[ℓ] + n^[ℓ−1]) (Ng eq. 3.13) suits tanh; He's 2/n^[ℓ−1] suits ReLU and keeps the
#   std flat across 20 layers.
# * A random initializer is checked by statistics: sample mean and variance within a band of
#   standard errors set by the number of draws.
#
# ## Exercises (no checks)
#
# 1. Add biases initialized to a constant 0.1 in the symmetry experiment. Does symmetry break?
# 2. Derive Var(z^[ℓ]) = n^[ℓ−1] Var(w) E[(a^[ℓ−1])²] for independent zero-mean weights, then
#    predict the ReLU + N(0, 1) curve from it and overlay the prediction on the plot.
# 3. Track the std of δ^[ℓ] (the backward pass, Lab 4) across depth for each initialization.
#    Which initialization keeps *it* flat, and is it the same one as for the activations?
# 4. Xavier's uniform variant draws from U(−a, a). Which a gives the variance of Ng eq. 3.13?
