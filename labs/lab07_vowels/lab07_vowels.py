# %% [markdown]
# # Lab 7: vowels from two formants
#
# The lecture slides show "a 2-layer neural network trained to distinguish vowel sounds using
# 2 formants" and its non-linear decision boundary. This lab rebuilds that picture from
# Peterson & Barney's 1952 recordings (76 speakers, 10 vowels) and then asks what the picture
# leaves out: who is talking.
#
# You will write
# 1. the softmax cross-entropy loss J = (1/n) Σ_i −log softmax(z^(i))_{y^(i)} ("Additional notes on
#    backpropagation", backprop notes §1, the cross-entropy loss for softmax regression);
# 2. its gradient δ = ∂J/∂z = (softmax(z) − onehot(y)) / n as an `autograd.Function`
#    (backprop notes §2, step 1: for a softmax output δ^[N] is computed directly, not by the chain
#    rule; compare Ma §3, eq. 3.16, δ^[r] = z^[r] − y for the squared loss);
# 3. the accuracy of a K-class classifier;
# 4. Lobanov normalization: the formants as z-scores within each speaker.
#
# and measure, with a split **by speaker** (no test speaker is seen in training): softmax
# regression (linear boundaries) against a two-layer network (Ma §2, eq. 2.11) with each of
# the slides' five activations, and both against the same models on per-speaker-normalized
# formants.

# %%
import math
import time

import exercises
import torch

import cs229nn
from cs229nn import functional as Fn
from cs229nn import plot
from cs229nn.datasets import Vowels
from cs229nn.lab import is_stub, output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.nn import MLP, SoftmaxCrossEntropy

device = cs229nn.device()
OUT = output_dir(7)
QUICK = quick()
EPOCHS = 20 if QUICK else 150  # Adam, mini-batches of 64: ~18 steps per epoch
HIDDEN = 64                    # m, the hidden width of the two-layer network
torch.manual_seed(0)


def save(fig, name: str) -> None:
    """Write a figure under OUT and say where."""
    plot.save(fig, OUT / name)
    print(f"saved {OUT / name}")


print(f"device: {device}; figures go to {OUT}/" + (" (quick mode: fewer epochs)" if QUICK else ""))

# %% [markdown]
# ## The data: F1 and F2 in Hz, split by speaker
#
# Each token is x = (F1, F2), the first two resonances of the vocal tract, in Hz; y is one of
# K = 10 vowels (heed, hid, head, had, hud, hod, hawed, hood, who'd, heard). A quarter of the men,
# women and children are held out: the test speakers' voices are new to the model.

# %%
FORMANTS = ("f1", "f2")
hz_train = Vowels(split="train", features=FORMANTS, standardize=True)
hz_test = Vowels(split="test", features=FORMANTS, standardize=True)  # the train speakers' μ and σ
raw_train = Vowels(split="train", features=FORMANTS)
K = len(hz_train.classes)
print(hz_train)
print(f"train: x {tuple(hz_train.data.shape)}, y {tuple(hz_train.targets.shape)} from {len(hz_train.speakers.unique())} speakers")
print(f"test:  x {tuple(hz_test.data.shape)}, y {tuple(hz_test.targets.shape)} from {len(hz_test.speakers.unique())} other speakers")

fig, axes = plot.figure(1, 1, size=(6.5, 5))
ax = axes[0, 0]
for k, vowel in enumerate(raw_train.classes):
    rows = raw_train.targets == k
    ax.scatter(raw_train.data[rows, 1], raw_train.data[rows, 0], s=8, label=vowel, color=f"C{k}")
ax.invert_xaxis()
ax.invert_yaxis()  # the phoneticians' vowel chart: F2 right to left, F1 top to bottom
ax.set_xlabel("F2 (Hz)")
ax.set_ylabel("F1 (Hz)")
ax.legend(fontsize="small", ncol=2)
save(fig, "vowel_chart_hz.png")

# %% [markdown]
# **Question.** The clouds of the ten vowels overlap a lot. Is that because vowels are hard to
# tell apart, or because the chart mixes men, women and children?

# %% [markdown]
# ## Exercise 1: the softmax cross-entropy loss
#
# With logits z^(i) ∈ R^K, softmax(z)_j = exp(z_j) / Σ_l exp(z_l) and
# J = (1/n) Σ_i −log softmax(z^(i))_{y^(i)} = (1/n) Σ_i (log Σ_l exp(z^(i)_l) − z^(i)_{y^(i)}).
# Open `exercises.py` and implement `softmax_cross_entropy`. exp(1000) overflows in float64:
# subtract each row's largest logit first.

# %%
with skip_if_stub():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(6, K, generator=gen, dtype=torch.float64)
    y = torch.randint(0, K, (6,), generator=gen)
    mine, torchs = exercises.softmax_cross_entropy(z, y), torch.nn.functional.cross_entropy(z, y)
    print(f"J = {float(mine):.6f}, torch {float(torchs):.6f}, relative error {abs(float(mine - torchs)) / abs(float(torchs)):.1e} (expect < 1e-14)")
    print(f"with logits ×1000: {float(exercises.softmax_cross_entropy(1000 * z, y)):.1f} (torch {float(torch.nn.functional.cross_entropy(1000 * z, y)):.1f}; nan or inf means overflow)")

# %% [markdown]
# **Sanity check: the initial loss is ≈ log K.** A freshly initialized network has small
# logits, so softmax(z) ≈ (1/K, …, 1/K) and every example costs −log(1/K) = log K = log 10 ≈ 2.303.
# A loss far from it at step 0 means a bug in the loss or a badly scaled initialization.

# %%
initial_loss = None
with skip_if_stub():
    torch.manual_seed(0)
    fresh = MLP([2, HIDDEN, K], activation="relu")
    with torch.no_grad():
        initial_loss = float(exercises.softmax_cross_entropy(fresh(hz_train.data), hz_train.targets))
    print(f"initial loss {initial_loss:.3f}, log K = {math.log(K):.3f} (expect within ~0.2)")

# %% [markdown]
# **Question.** The initial loss is a little off log K. Which property of the initialization
# would make it exactly log K, and why is that not what we want?

# %% [markdown]
# ## Exercise 2: δ = softmax(z) − onehot(y)
#
# For one example, ∂/∂z_j (log Σ_l exp(z_l) − z_y) = softmax(z)_j − 1{j = y}: the backprop notes'
# δ^[N] for a softmax output, computed directly. With the mean over n examples, δ = ∂J/∂z =
# (softmax(z) − onehot(y)) / n, an (n, K) matrix; backward multiplies it by the upstream gradient
# (a number, since J is a number). Implement `SoftmaxCrossEntropyFunction.backward` without autograd.

# %%
with skip_if_stub():
    z = torch.randn(5, K, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.randint(0, K, (5,), generator=gen)
    (mine,) = torch.autograd.grad(exercises.SoftmaxCrossEntropyFunction.apply(z, y), z)
    (reference,) = torch.autograd.grad(torch.nn.functional.cross_entropy(z, y), z)
    rel = float((mine - reference).abs().max() / reference.abs().max())
    print(f"δ: max relative error against autograd {rel:.1e} (expect < 1e-14)")
    print(f"each row of δ sums to {float(mine.sum(1).abs().max()):.1e} (expect ~1e-17: Σ_j softmax_j = 1 = Σ_j onehot_j)")

# %% [markdown]
# **Question.** Every row of δ sums to zero. What does that say about adding the same constant to
# all K logits of an example?

# %% [markdown]
# ## Exercise 3: accuracy
#
# The predicted class is the largest logit (softmax is monotone, so no need to compute it).
# Implement `accuracy(z, y)`.

# %%
with skip_if_stub():
    z = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [4.0, 0.0, 1.0]])
    print(f"accuracy {float(exercises.accuracy(z, torch.tensor([0, 1, 0, 0]))):.2f} (expect 0.75)")

# %% [markdown]
# ## Softmax regression against a two-layer network
#
# Softmax regression is a one-layer network z = W x + b: the boundary between any two classes is
# a line (the slides: "1-layer neural networks only represent linear classifiers"). The two-layer
# network z = W^[2] g(W^[1] x + b^[1]) + b^[2] (Ma eq. 2.11) bends it, as long as g is not linear
# (Ma eq. 2.16–2.20: with g(z) = z the two layers collapse into one linear map). Both train with your loss (its
# `autograd.Function`, or the library's `SoftmaxCrossEntropy` while yours is a stub) and Adam.

# %%
if is_stub(exercises.SoftmaxCrossEntropyFunction.backward):  # is_stub(class) recurses forever on a Function: ask its backward
    loss_name = "cs229nn's SoftmaxCrossEntropy (your SoftmaxCrossEntropyFunction is still a stub)"
    loss_fn = SoftmaxCrossEntropy()
else:
    loss_name = "your SoftmaxCrossEntropyFunction"
    loss_fn = exercises.SoftmaxCrossEntropyFunction.apply


def score(model: torch.nn.Module, data: Vowels) -> float:
    """Test accuracy: yours if written, else argmax by hand."""
    with torch.no_grad():
        z = model(data.data.to(device)).cpu()
    if is_stub(exercises.accuracy):
        return float((z.argmax(1) == data.targets).float().mean())
    return float(exercises.accuracy(z, data.targets))


def train(sizes, x: torch.Tensor, y: torch.Tensor, activation: str = "relu", seed: int = 0) -> torch.nn.Module:
    """An MLP with the given sizes, trained by Adam (α = 0.01 for hidden layers, 0.05 for softmax regression) on mini-batches of 64."""
    torch.manual_seed(seed)
    model = MLP(sizes, activation=activation).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05 if len(sizes) == 2 else 0.01)
    order = torch.Generator().manual_seed(seed)
    x, y = x.to(device), y.to(device)
    for _ in range(EPOCHS):
        for batch in torch.randperm(len(x), generator=order).split(64):
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


print(f"loss: {loss_name}; {EPOCHS} epochs each")
start = time.perf_counter()
linear = train([2, K], hz_train.data, hz_train.targets)
two_layer = train([2, HIDDEN, K], hz_train.data, hz_train.targets)
acc_linear, acc_two_layer = score(linear, hz_test), score(two_layer, hz_test)
print(f"test accuracy, F1/F2 in Hz (standardized): softmax regression {acc_linear:.1%}, two-layer net (m = {HIDDEN}, ReLU) {acc_two_layer:.1%}  [{time.perf_counter() - start:.1f} s]")
for name, model in (("linear", linear), ("two_layer", two_layer)):
    path = OUT / f"boundary_{name}_hz.png"
    plot.decision_boundary(model.cpu(), hz_test.data, hz_test.targets, labels=hz_test.classes, path=path)
    print(f"saved {path} (test speakers on the predicted regions; x₁ = F1, x₂ = F2, standardized)")

# %% [markdown]
# **Question.** Look at the two boundary plots. The two-layer net's regions curve, yet its test
# accuracy is at most a point or two better. Where on the chart are its extra correct answers,
# and where are the errors both models make?

# %% [markdown]
# ## The slides' five activations
#
# sigmoid σ(z) = 1/(1 + e^{−z}) (Ma eq. 2.14), tanh (Ma eq. 2.15), ReLU max(0, z), leaky ReLU
# max(0.1z, z) and ELU (z for z ≥ 0, α(e^z − 1) below, α = 1), as on the slides. The same two-layer
# net with each:

# %%
ACTIVATIONS = {"sigmoid": Fn.sigmoid, "tanh": Fn.tanh, "relu": Fn.relu, "leaky_relu": lambda z: Fn.leaky_relu(z, 0.1), "elu": Fn.elu}
grid = torch.linspace(-3, 3, 301)
fig, axes = plot.figure(1, 5, size=(2.6, 2.4))
for ax, (name, g) in zip(axes[0], ACTIVATIONS.items()):
    ax.plot(grid, g(grid))
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_title(name)
save(fig, "activations.png")
acc_by_activation = {}
for name in ACTIVATIONS:
    acc_by_activation[name] = score(train([2, HIDDEN, K], hz_train.data, hz_train.targets, activation=name), hz_test)
    print(f"  {name:<11} test accuracy {acc_by_activation[name]:.1%}")

# %% [markdown]
# **Question.** The five activations end within a few points of each other here. The slides ask
# why ReLU beats sigmoid; what about this problem (two inputs, one hidden layer, Adam) hides the
# difference that deep networks show?

# %% [markdown]
# ## Exercise 4: features against representation — normalizing each speaker
#
# Children's vocal tracts are shorter than women's, women's than men's: all their formants are
# higher. In Hz, the same vowel sits in different places for different talkers, so part of what
# the network learns is *who* is talking. Lobanov's normalization z-scores each formant within
# each speaker, x ← (x − μ_s) / σ_s, using only speaker s's own tokens. That needs no labels, so
# it is legitimate at test time: a new talker has to say a few words first.
#
# Implement `lobanov(x, speakers)`. The check compares it with
# `Vowels(..., normalize="speaker")`, which the rest of the lab uses.

# %%
z_train = Vowels(split="train", features=FORMANTS, normalize="speaker")
z_test = Vowels(split="test", features=FORMANTS, normalize="speaker")
with skip_if_stub():
    mine = exercises.lobanov(raw_train.data.double(), raw_train.speakers)
    print(f"max |yours − Vowels(normalize='speaker')| = {float((mine - z_train.data.double()).abs().max()):.1e} (expect < 1e-5, float32 data)")

fig, axes = plot.figure(1, 1, size=(6.5, 5))
ax = axes[0, 0]
for k, vowel in enumerate(z_train.classes):
    rows = z_train.targets == k
    ax.scatter(z_train.data[rows, 1], z_train.data[rows, 0], s=8, label=vowel, color=f"C{k}")
ax.invert_xaxis()
ax.invert_yaxis()
ax.set_xlabel("F2, z-score within the speaker")
ax.set_ylabel("F1, z-score within the speaker")
ax.legend(fontsize="small", ncol=2)
save(fig, "vowel_chart_normalized.png")

# %%
linear_normalized = train([2, K], z_train.data, z_train.targets)
two_layer_normalized = train([2, HIDDEN, K], z_train.data, z_train.targets)
acc_linear_normalized, acc_two_layer_normalized = score(linear_normalized, z_test), score(two_layer_normalized, z_test)
print(f"test accuracy, normalized per speaker: softmax regression {acc_linear_normalized:.1%}, two-layer net {acc_two_layer_normalized:.1%}")
print(f"(in Hz: {acc_linear:.1%} and {acc_two_layer:.1%})")
path = OUT / "boundary_two_layer_normalized.png"
plot.decision_boundary(two_layer_normalized.cpu(), z_test.data, z_test.targets, labels=z_test.classes, path=path)
print(f"saved {path} (x₁ = F1, x₂ = F2 as z-scores within each speaker)")

# %% [markdown]
# **Does it carry over to other talkers?** Train on the 33 men only and test on the 15 children:
# the harshest shift between groups of speakers.

# %%
transfer = {}
for how, normalize in (("hz", None), ("normalized", "speaker")):
    everyone = Vowels(split="all", features=FORMANTS, normalize=normalize)
    men = torch.tensor([t == "m" for t in everyone.speaker_types])
    children = torch.tensor([t == "c" for t in everyone.speaker_types])
    x = everyone.data
    if normalize is None:  # standardize with the men's statistics, the only ones training may see
        x = (x - x[men].mean(0)) / x[men].std(0)
    model = train([2, HIDDEN, K], x[men], everyone.targets[men])
    with torch.no_grad():
        transfer[how] = float((model(x[children].to(device)).argmax(1).cpu() == everyone.targets[children]).float().mean())
print(f"trained on men, tested on children: Hz {transfer['hz']:.1%}, normalized per speaker {transfer['normalized']:.1%}")

# %% [markdown]
# **Question.** Softmax regression on normalized formants beats the two-layer network on Hz. What
# does that say about where the gain came from: the model, or the representation of the input?
# Which information did normalization throw away, and when would you need it back?

# %% [markdown]
# ## Self-check

# %%
self_check(exercises)

# %%
record_results(
    7,
    f"vowels F1/F2, split by speaker: softmax regression {acc_linear:.0%}, two-layer {acc_two_layer:.0%}, "
    f"two-layer on per-speaker z-scores {acc_two_layer_normalized:.0%}",
    device=str(device),
    accuracy_linear=acc_linear,
    accuracy_two_layer=acc_two_layer,
    accuracy_linear_normalized=acc_linear_normalized,
    accuracy_two_layer_normalized=acc_two_layer_normalized,
    accuracy_by_activation=acc_by_activation,
    transfer_men_to_children_hz=transfer["hz"],
    transfer_men_to_children_normalized=transfer["normalized"],
    initial_loss=initial_loss,
    log_K=math.log(K),
    loss=loss_name,
)

# %% [markdown]
# ## Summary
#
# * Softmax cross-entropy has the simplest δ there is: softmax(z) − onehot(y), averaged over the
#   batch. At initialization the loss is ≈ log K.
# * On F1/F2 in Hz, split by speaker, a two-layer network's curved boundaries gain at most a point
#   or two over softmax regression (both ≈ 77 %), whatever the activation: most errors come from
#   talkers whose vowels sit where another group's other vowels do.
# * Normalizing each speaker's formants lifts both to ≈ 92–93 %, and a model trained on men then
#   recognizes children's vowels. The representation of the input mattered more than the model.
#
# ## Exercises (no checks)
#
# 1. Add F0 and F3 (`features=("f0", "f1", "f2", "f3")`) in Hz and normalized. Which gains more?
# 2. Train softmax regression on normalized F1, F2 *and* on F1², F2², F1·F2. How close does the
#    linear model come to the two-layer net?
# 3. Normalize a test speaker with only 4 of their 20 tokens. How many tokens does a new talker
#    need to say before the classifier works?
# 4. Vary the hidden width m from 2 to 256. Plot test accuracy against m for Hz and normalized input.
