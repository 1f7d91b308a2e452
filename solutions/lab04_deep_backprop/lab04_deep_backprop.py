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
# # Lab 4: back-propagation for deep networks
#
# You write Ma et al.'s Algorithm 4 (Ma §3.3, "Back-propagation for multi-layer neural
# networks") from scratch, for a network of any depth r, with plain tensor operations:
#
# 1. the forward pass that stores every z^[k] and a^[k] (Ma Algorithm 4, line 1);
# 2. δ^[r] = ∂J/∂z^[r] of the squared loss (Ma eq. 3.16);
# 3. the recursion δ^[k] = (W^[k+1]ᵀ δ^[k+1]) ⊙ ReLU′(z^[k]) (Ma Algorithm 4, line 7; Claims 3.3 and 3.4);
# 4. the parameter gradients ∂J/∂W^[k] = δ^[k] a^[k−1]ᵀ, ∂J/∂b^[k] = δ^[k] (line 8; Ma Claim 3.2, eq. 3.10–3.11).
#
# Every δ^[k] is then checked against PyTorch's autograd, read off the graph with `retain_grad` on
# each z^[k]. Finally you measure Ma's Theorem 3.1 (§3): the gradient costs about as much as the
# loss itself. We count the floating-point operations of both passes with
# `torch.utils.flop_counter.FlopCounterMode`.
#
# **Convention.** Examples are rows (Ma §4, eq. 4.4). The notes' column formula W^[k+1]ᵀ δ^[k+1]
# for one example becomes δ^[k+1] W^[k+1] for n examples stacked in rows, and
# Σ_i δ^[k](i) a^[k−1](i)ᵀ becomes δ^[k]ᵀ a^[k−1]. W^[k] keeps the notes' shape (m_k, m_{k−1}).
# The cost is J = (1/n) Σ_i ½‖a^[r](i) − y^(i)‖², the mean squared cost of Ma eq. 1.1–1.2.

# %%
import torch
from torch.utils.flop_counter import FlopCounterMode

import cs229nn
import exercises
from cs229nn.check import rel_error
from cs229nn.datasets import Saratoga
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.plot import figure, save

# Everything runs in float64 on the CPU: gradients are compared there (a GPU would only change the rounding).
OUT = output_dir(4)
torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
print("quick mode" if quick() else "full mode", "| figures go to", OUT)

# %% [markdown]
# ## Data and a deep network
#
# The Saratoga houses (Ma §2's size / bedrooms / zip code / wealth example): 4 standardized
# features, the standardized price as y. The network is a 5-layer ReLU MLP 4-32-24-16-8-1 in float64,
# built by `cs229nn.nn.MLP` with torch's default initialization. Its parameters, as plain tensors,
# are the `weights` and `biases` lists your functions take.

# %%
n = 64 if quick() else 256
train = Saratoga(standardize=True, standardize_target=True, dtype=torch.float64)
x, y = train.data[:n], train.targets[:n]
sizes = [x.shape[1], 32, 24, 16, 8, 1]
model = cs229nn.nn.MLP(sizes, "relu", mode="autograd", dtype=torch.float64)
weights = [layer.weight.detach() for layer in model.linear_layers]
biases = [layer.bias.detach() for layer in model.linear_layers]
r = len(weights)
print(f"x {tuple(x.shape)}, y {tuple(y.shape)}; r = {r} layers:", ", ".join(f"W^[{k}] {tuple(W.shape)}" for k, W in enumerate(weights, 1)))

# %% [markdown]
# ## The reference: autograd, with every δ^[k] = ∂J/∂z^[k] kept
#
# PyTorch frees the gradients of intermediate tensors. A forward hook on each Linear layer calls
# `retain_grad()` on its output z^[k], so that after `J.backward()` each `z.grad` holds δ^[k].
# Those are the numbers your backward pass must reproduce. Each exercise below starts from
# autograd's values of the previous steps, so that you can check it on its own.

# %%
kept_z = []


def keep_z(module, inputs, z):
    """Forward hook: keep z^[k] and ask autograd to store its gradient δ^[k]."""
    z.retain_grad()
    kept_z.append(z)


hooks = [layer.register_forward_hook(keep_z) for layer in model.linear_layers]
J_autograd = cs229nn.nn.SquaredLoss(mode="autograd")(model(x), y)
J_autograd.backward()
for hook in hooks:
    hook.remove()
autograd_zs = [z.detach() for z in kept_z]
autograd_activations = [x] + [z.relu() for z in autograd_zs[:-1]] + [autograd_zs[-1]]
autograd_deltas = [z.grad for z in kept_z]
autograd_grads = [p.grad for p in model.parameters()]  # W^[1], b^[1], W^[2], …
print(f"J = {J_autograd.item():.6f}; autograd kept δ^[1..{r}] of shapes", [tuple(d.shape) for d in autograd_deltas])

# %% [markdown]
# ## Exercise 1: the forward pass (Ma Algorithm 4, line 1)
#
# Open `exercises.py` and implement `forward_pass(x, weights, biases)`: return the lists
# `zs = [z^[1], …, z^[r]]` and `activations = [a^[0] = x, a^[1], …, a^[r]]`, with ReLU on the hidden
# layers and a^[r] = z^[r]. The check compares z^[k] with what autograd's graph stored.
# A correct answer agrees to 1e-16 to 1e-13 (the same products, maybe summed in another order);
# the package's checks fail anything above 1e-10.

# %%
with skip_if_stub():
    zs, activations = exercises.forward_pass(x, weights, biases)
    errors = [rel_error(z, z_ref) for z, z_ref in zip(zs, autograd_zs)]
    print("rel error of z^[k] against the autograd forward, k = 1..r:", " ".join(f"{e:.1e}" for e in errors), "(expect < 1e-10)")
    assert len(activations) == r + 1 and torch.equal(activations[0], x), "activations must be [a^[0] = x, a^[1], …, a^[r]]"

# %% [markdown]
# **Question.** Ma Algorithm 4 keeps every z^[k] *and* a^[k] in memory until the backward pass is done.
# How does that memory grow with the depth r and the batch size n? Which of the two lists could
# you drop and recompute cheaply for ReLU?

# %% [markdown]
# ## Exercise 2: δ^[r] at the output (Ma eq. 3.16)
#
# For one example, Ma eq. 3.16 gives δ^[r] = z^[r] − y. Our J *averages* over n examples, so
# row i of δ^[r] = ∂J/∂z^[r] carries a factor 1/n. Implement `output_delta(z_r, y)`.

# %%
with skip_if_stub():
    delta_r = exercises.output_delta(autograd_zs[-1], y)
    print(f"rel error of δ^[r] against autograd: {rel_error(delta_r, autograd_deltas[-1]):.1e} (expect < 1e-10)")

# %% [markdown]
# **Question.** If you forget the 1/n, every gradient is n times too large. Would gradient descent
# still converge with the same learning rate α? What does the 1/n buy when you change the batch size?

# %% [markdown]
# ## Exercise 3: the δ recursion (Ma Algorithm 4, line 7)
#
# Ma Claim 3.4 gives ∂J/∂a^[k] = W^[k+1]ᵀ δ^[k+1] and Claim 3.3 gives
# δ^[k] = ∂J/∂a^[k] ⊙ ReLU′(z^[k]). For rows this is δ^[k] = (δ^[k+1] W^[k+1]) ⊙ 1{z^[k] > 0}.
# Implement `backward_deltas(zs, weights, delta_r)`, returning [δ^[1], …, δ^[r]].
# Each δ^[k] is compared with the `z.grad` that autograd kept.

# %%
with skip_if_stub():
    deltas = exercises.backward_deltas(autograd_zs, weights, autograd_deltas[-1])
    for k, (d, d_ref) in enumerate(zip(deltas, autograd_deltas), start=1):
        print(f"δ^[{k}] {tuple(d.shape)}: rel error {rel_error(d, d_ref):.1e}")
    print("(expect < 1e-10 everywhere, typically 1e-16 to 1e-13; a missing ReLU′ gives errors near 1)")

# %% [markdown]
# ## Exercise 4: the parameter gradients (Ma Algorithm 4, line 8)
#
# Ma Claim 3.2 (eq. 3.10–3.11): ∂J/∂W^[k] = δ^[k] a^[k−1]ᵀ and ∂J/∂b^[k] = δ^[k] for one example;
# J's gradient is the sum over the rows of those per-example terms (the 1/n is already inside δ).
# Implement `parameter_gradients(activations, deltas)`, returning the gradients in the order of
# `model.parameters()`: W^[1], b^[1], W^[2], …

# %%
with skip_if_stub():
    grads = exercises.parameter_gradients(autograd_activations, autograd_deltas)
    for k in range(1, r + 1):
        for kind, g, g_ref in (("W", grads[2 * k - 2], autograd_grads[2 * k - 2]), ("b", grads[2 * k - 1], autograd_grads[2 * k - 1])):
            print(f"∂J/∂{kind}^[{k}] {str(tuple(g.shape)):9s} rel error {rel_error(g, g_ref):.1e}")
    print("(expect < 1e-10 everywhere)")

# %% [markdown]
# ## Ma Algorithm 4 end to end
#
# Each exercise above started from autograd's values of the steps before it. Now chain your four
# functions, as Ma Algorithm 4 does: your forward pass, your δ^[r], your recursion, your gradients.
# Compare every δ^[k] and every gradient with autograd once more. These are the numbers the lab records.

# %%
def algorithm4(x, y, weights, biases):
    """Ma Algorithm 4 with your four functions: (J, [δ^[1], …, δ^[r]], [∂J/∂W^[1], ∂J/∂b^[1], …])."""
    zs, activations = exercises.forward_pass(x, weights, biases)
    deltas = exercises.backward_deltas(zs, weights, exercises.output_delta(zs[-1], y))
    J = 0.5 * ((zs[-1] - y) ** 2).sum(1).mean()
    return J, deltas, exercises.parameter_gradients(activations, deltas)


delta_errors, grad_errors = [], []
with skip_if_stub():
    J, deltas, grads = algorithm4(x, y, weights, biases)
    delta_errors = [rel_error(d, d_ref) for d, d_ref in zip(deltas, autograd_deltas)]
    grad_errors = [rel_error(g, g_ref) for g, g_ref in zip(grads, autograd_grads)]
    print(f"J: yours {J.item():.12f}, autograd {J_autograd.item():.12f}")
    print("rel error of δ^[k], k = 1..r:", " ".join(f"{e:.1e}" for e in delta_errors))
    print(f"max rel error: δ {max(delta_errors):.1e}, parameter gradients {max(grad_errors):.1e} (expect < 1e-10)")
    fig, axes = figure(size=(4.5, 3.2))
    layers = range(1, r + 1)
    axes[0, 0].bar(layers, [float(d.norm()) for d in deltas], label="yours")
    axes[0, 0].plot(layers, [float(d.norm()) for d in autograd_deltas], "kx", label="autograd")
    axes[0, 0].set(yscale="log", xlabel="layer k", ylabel="‖δ^[k]‖", title=f"δ^[k] going backwards (max rel error {max(delta_errors):.0e})")
    axes[0, 0].legend(fontsize="small")
    save(fig, OUT / "deltas.png")
    print("saved", OUT / "deltas.png")

# %% [markdown]
# **Question.** The plot shows ‖δ^[k]‖ layer by layer. What in the recursion makes it
# shrink or grow from one layer to the next, and what would happen to it in a network 50 layers deep?
# (Lab 5 measures the same thing for the activations.)

# %% [markdown]
# ## Sanity check: the gradients train the network
#
# Matching autograd is the real test. As a second one, take a few hundred steps of gradient descent
# (Ma eq. 1.3) on a fresh copy of the parameters, every gradient from your four functions.
# The loss should fall steadily. Standardized prices start near J ≈ ½ (the variance of y over 2).

# %%
losses = []
with skip_if_stub():
    W_train, b_train = [W.clone() for W in weights], [b.clone() for b in biases]
    alpha, steps = 0.05, 60 if quick() else 300
    for step in range(steps):
        J, _, g = algorithm4(x, y, W_train, b_train)
        losses.append(J.item())
        for k in range(r):
            W_train[k] -= alpha * g[2 * k]
            b_train[k] -= alpha * g[2 * k + 1]
    print(f"J: {losses[0]:.4f} at step 0 -> {losses[-1]:.4f} after {steps} steps of GD (α = {alpha})")
    fig, axes = figure(size=(4.5, 3.2))
    axes[0, 0].plot(losses)
    axes[0, 0].set(xlabel="GD step", ylabel="J (train)", title="gradient descent with your backprop")
    save(fig, OUT / "training.png")
    print("saved", OUT / "training.png")

# %% [markdown]
# ## Ma Theorem 3.1: the backward pass costs about as much as the forward pass
#
# Ma's Theorem 3.1 (informally): if a circuit of size N computes J, then ∇J can be computed by a
# circuit of size O(N). Count it for Ma Algorithm 4. `FlopCounterMode` records the floating-point
# operations of every matrix product (2·n·m·d for (n, d) @ (d, m)); elementwise operations are too
# cheap to count. Per layer the forward pass does one product, a^[k−1] W^[k]ᵀ. The backward pass
# does δ^[k]ᵀ a^[k−1] and, for k > 1, δ^[k] W^[k]. With r layers of the same size the ratio is
# (2r − 1)/r, which tends to 2 for a deep network. We also count autograd's `J.backward()` on the
# same network for comparison.


# %%
def flops(fn, *args) -> int:
    counter = FlopCounterMode(display=False)
    with counter:
        fn(*args)
    return counter.get_total_flops()


def manual_backward(zs, activations, weights, y):
    deltas = exercises.backward_deltas(zs, weights, exercises.output_delta(zs[-1], y))
    return exercises.parameter_gradients(activations, deltas)


def autograd_flops(x, y, weights, biases):
    """(forward, backward) FLOPs of the same network run by autograd."""
    params = [p.clone().requires_grad_() for pair in zip(weights, biases) for p in pair]

    def loss():
        a = x
        for k in range(len(weights)):
            z = torch.nn.functional.linear(a, params[2 * k], params[2 * k + 1])
            a = z.relu() if k < len(weights) - 1 else z
        return 0.5 * ((a - y) ** 2).sum(1).mean()

    forward_counter, backward_counter = FlopCounterMode(display=False), FlopCounterMode(display=False)
    with forward_counter:
        J = loss()
    with backward_counter:
        J.backward()
    return forward_counter.get_total_flops(), backward_counter.get_total_flops()


depths = [1, 2, 4, 8] if quick() else [1, 2, 4, 8, 16, 32]
flop_table = []
with skip_if_stub():
    width, n_flops = 128, 256
    x_f = torch.randn(n_flops, width, generator=generator, dtype=torch.float64)
    for depth in depths:
        # Square layers and a 128-dimensional y, so that every layer costs the same.
        W_f = [torch.randn(width, width, generator=generator, dtype=torch.float64) / width**0.5 for _ in range(depth)]
        b_f = [torch.zeros(width, dtype=torch.float64) for _ in range(depth)]
        y_f = torch.randn(n_flops, width, generator=generator, dtype=torch.float64)
        forward_flops = flops(exercises.forward_pass, x_f, W_f, b_f)
        zs_f, activations_f = exercises.forward_pass(x_f, W_f, b_f)
        backward_flops = flops(manual_backward, zs_f, activations_f, W_f, y_f)
        flop_table.append((depth, forward_flops, backward_flops, *autograd_flops(x_f, y_f, W_f, b_f)))
    print(f"{'r':>3} {'forward':>12} {'backward':>12} {'ratio':>6} {'(2r−1)/r':>8} {'autograd fwd':>13} {'autograd bwd':>13}")
    for depth, fwd, bwd, a_fwd, a_bwd in flop_table:
        print(f"{depth:>3} {fwd:>12,} {bwd:>12,} {bwd / fwd:>6.3f} {(2 * depth - 1) / depth:>8.3f} {a_fwd:>13,} {a_bwd:>13,}")

# %% [markdown]
# Every layer here is 128 × 128 (with a 128-dimensional y), so the count is exactly (2r − 1)/r.
# With layers of different sizes the ratio moves: layer 1's δ^[1] W^[1] is never computed, so a
# network whose first layer is the widest saves the most.

# %%
flop_ratio = None
if flop_table:
    flop_ratio = flop_table[-1][2] / flop_table[-1][1]
    fig, axes = figure(1, 2, size=(4.5, 3.2))
    rs = [row[0] for row in flop_table]
    axes[0, 0].plot(rs, [row[1] for row in flop_table], "o-", label="forward (yours)")
    axes[0, 0].plot(rs, [row[2] for row in flop_table], "s-", label="backward (yours)")
    axes[0, 0].plot(rs, [row[4] for row in flop_table], "x--", label="backward (autograd)")
    axes[0, 0].set(yscale="log", xlabel="depth r", ylabel="FLOPs", title="both passes grow linearly in r")
    axes[0, 0].legend(fontsize="small")
    axes[0, 1].plot(rs, [row[2] / row[1] for row in flop_table], "o-", label="measured")
    axes[0, 1].plot(rs, [(2 * d - 1) / d for d in rs], "k:", label="(2r − 1)/r")
    axes[0, 1].set(xlabel="depth r", ylabel="backward / forward FLOPs", ylim=(0, 2.5))
    for ax in axes[0]:
        ax.set_xscale("log", base=2)
        ax.set_xticks(rs, [str(d) for d in rs])
    axes[0, 1].legend(fontsize="small")
    save(fig, OUT / "flops.png")
    print("saved", OUT / "flops.png")
    print(f"backward / forward FLOPs at r = {rs[-1]}: {flop_ratio:.3f}")

# %% [markdown]
# **Question.** Autograd's backward does exactly as many FLOPs as yours: like Ma Algorithm 4, it never
# computes δ^[1] W^[1] = ∂J/∂x. How does it know that nothing needs ∂J/∂x? When *would* you want
# ∂J/∂x? (Think of an image you would like to change so that the network says "soccer ball".)

# %% [markdown]
# ## Self-check
#
# The public checks run your functions on fresh random networks (non-square layers, float64)
# and compare them with autograd. The grader runs hidden checks too: batch 1, a single layer, and a
# narrow deep network.

# %%
self_check(exercises)

# %%
max_delta_error = max(delta_errors) if delta_errors else None
max_grad_error = max(grad_errors) if grad_errors else None
summary = (
    f"max δ rel error {max_delta_error:.1e}, backward/forward FLOPs {flop_ratio:.2f}"
    if max_delta_error is not None and flop_ratio is not None
    else "exercises not implemented yet"
)
print(summary)
record_results(
    4,
    summary,
    max_delta_rel_error=max_delta_error,
    max_grad_rel_error=max_grad_error,
    flop_ratio=flop_ratio,
    flop_depths=[row[0] for row in flop_table],
    flop_ratios=[row[2] / row[1] for row in flop_table],
    initial_loss=losses[0] if losses else None,
    final_loss=losses[-1] if losses else None,
)

# %% [markdown]
# ## Summary
#
# * Ma Algorithm 4 is three small pieces: a forward pass that stores z^[k] and a^[k], one recursion
#   for δ^[k] = ∂J/∂z^[k] (Ma Claims 3.3 and 3.4), and one outer product per layer for the parameters
#   (Ma Claim 3.2). With examples in rows each piece is a single matrix product.
# * Every δ^[k] matches autograd's `z.grad` to rounding error (1e-16 to 1e-13 relative in float64).
# * The backward pass needs about twice the forward pass's FLOPs, (2r − 1)/r, and both grow linearly
#   with depth. That is Ma Theorem 3.1 measured: the gradient costs a constant factor of the loss.
#
# ## Exercises (no checks)
#
# 1. Replace ReLU by tanh (g′(z) = 1 − tanh²(z)) or by a leaky ReLU. Which lines of your code change?
# 2. Write `output_delta` for the logistic loss with a sigmoid output. Check that δ^[r] = σ(z^[r]) − y
#    (divided by n), as the δ recipe of the backpropagation notes says.
# 3. Time both passes with `torch.utils.benchmark.Timer` for r = 1 … 32. Does the wall-clock ratio
#    follow the FLOP ratio? What else costs time besides matrix products?
# 4. Ma Algorithm 4 as written needs memory for all z^[k] and a^[k]. Read about gradient checkpointing
#    (`torch.utils.checkpoint`). How many FLOPs does it add if you keep only every √r-th layer?
