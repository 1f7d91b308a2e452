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
# # Lab 6: optimization and regularization
#
# How the parameters move, and how to keep them from fitting noise. You write three small pieces
# and then use them to train networks:
#
# 1. the gradient step with L2 regularization, W := (1 − αλ)W − α ∂J/∂W
#    (Ng §3.3.1, eq. 3.17–3.21; with λ = 0 it is plain gradient descent, Ma eq. 1.3, Ng eq. 3.14);
# 2. the momentum step v := βv + (1 − β) ∂J/∂W, W := W − αv (Ng §3.2, eq. 3.16);
# 3. the index draws of mini-batch SGD: B examples without replacement per step (Ma §1, Algorithm 2).
#
# Then you compare gradient descent (B = n), SGD (B = 1, Ma Algorithm 1), mini-batch SGD and
# momentum on the same network. Last, you take a wide network that overfits a small training set
# and let the (1 − αλ) factor shrink its weights.

# %%
import math

import torch

import cs229nn
import exercises
from cs229nn.datasets import Saratoga, Windsor
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.plot import figure, save

# Everything runs on the CPU: small networks and many tiny steps, where a GPU would only add launch overhead.
OUT = output_dir(6)
torch.manual_seed(0)
print("quick mode" if quick() else "full mode", "| figures go to", OUT)


def cost(model, x, y) -> torch.Tensor:
    """J = (1/n) Σ_i ½‖h_θ(x^(i)) − y^(i)‖² (Ma eq. 1.1–1.2)."""
    return 0.5 * ((model(x) - y) ** 2).sum(1).mean()


# %% [markdown]
# ## Exercise 1: the gradient step with L2 regularization (Ng eq. 3.17–3.21)
#
# With J_L2 = J + (λ/2)‖W‖² the gradient gains a term λW, so one step is
# W − α(∂J/∂W + λW) = (1 − αλ)W − α ∂J/∂W. Before every gradient step the weights shrink by a
# factor (1 − αλ); hence the name *weight decay*. Implement `sgd_step(W, grad, lr, lam)`.
#
# The check runs one step of `torch.optim.SGD(weight_decay=λ)` and of `cs229nn.optim.SGD` on the same
# W and gradient. Both should agree with yours to rounding (about 1e-16).

# %%
generator = torch.Generator().manual_seed(6)
W0 = torch.randn(5, 3, generator=generator, dtype=torch.float64)
grad0 = torch.randn(5, 3, generator=generator, dtype=torch.float64)
alpha, lam = 0.1, 0.05


def one_step(optimizer_class, **kwargs) -> torch.Tensor:
    W = W0.clone().requires_grad_()
    W.grad = grad0.clone()
    optimizer_class([W], **kwargs).step()
    return W.detach()


with skip_if_stub():
    W_before = W0.clone()
    mine = exercises.sgd_step(W0, grad0, alpha, lam)
    for name, theirs in (("torch.optim.SGD", one_step(torch.optim.SGD, lr=alpha, weight_decay=lam)),
                         ("cs229nn.optim.SGD", one_step(cs229nn.optim.SGD, lr=alpha, weight_decay=lam))):
        print(f"max |yours − {name}| = {float((mine - theirs).abs().max()):.1e} (expect < 1e-15)")
    assert torch.equal(W0, W_before) and mine is not W0, "return a new tensor; leave W unchanged"

# %% [markdown]
# **Question.** The slides regularize the weights but not the intercepts b^[ℓ]. `torch.optim.SGD`'s
# `weight_decay` decays *every* tensor it is given; `cs229nn.optim.SGD` only the matrices. Why is
# shrinking b toward 0 not a sensible preference?

# %% [markdown]
# ## Exercise 2: momentum (Ng eq. 3.16)
#
# v_dW is a running average of the gradients: v := βv + (1 − β)∂J/∂W, and the step is W := W − αv.
# Implement `momentum_step(W, v, grad, lr, beta)` returning (new W, new v).
#
# PyTorch writes momentum differently: `torch.optim.SGD(lr=η, momentum=β)` keeps u := βu + ∂J/∂W and
# steps W := W − ηu. From v = u = 0 the two stay proportional, v = (1 − β)u, so the notes' α is
# torch's η = α(1 − β). The check runs 50 steps of both on a least-squares problem
# (and `cs229nn.optim.Momentum`, which follows the notes) and compares the whole trajectories.

# %%
A = torch.randn(40, 5, generator=generator, dtype=torch.float64)
target = torch.randn(40, 3, generator=generator, dtype=torch.float64)
beta, steps = 0.9, 50


def least_squares_grad(W: torch.Tensor) -> torch.Tensor:
    """∂/∂W of (1/n) Σ ½‖A W − target‖²: a quadratic cost with a known minimum."""
    return A.T @ (A @ W - target) / A.shape[0]


def torch_trajectory(optimizer_class, **kwargs) -> torch.Tensor:
    W = torch.zeros(5, 3, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([W], **kwargs)
    path = []
    for _ in range(steps):
        W.grad = least_squares_grad(W.detach())
        optimizer.step()
        path.append(W.detach().clone())
    return torch.stack(path)


momentum_gap = None
with skip_if_stub():
    W, v, path = torch.zeros(5, 3, dtype=torch.float64), torch.zeros(5, 3, dtype=torch.float64), []
    for _ in range(steps):
        W, v = exercises.momentum_step(W, v, least_squares_grad(W), alpha, beta)
        path.append(W)
    mine = torch.stack(path)
    torch_path = torch_trajectory(torch.optim.SGD, lr=alpha * (1 - beta), momentum=beta)
    notes_path = torch_trajectory(cs229nn.optim.Momentum, lr=alpha, beta=beta)
    momentum_gap = float((mine - torch_path).abs().max())
    print(f"{steps} steps: max |yours − torch.optim.SGD(lr=α(1−β), momentum=β)| = {momentum_gap:.1e},"
          f" max |yours − cs229nn.optim.Momentum| = {float((mine - notes_path).abs().max()):.1e} (expect < 1e-12)")
    wrong = torch_trajectory(torch.optim.SGD, lr=alpha, momentum=beta)
    print(f"and with torch's lr = α (the wrong mapping): {float((mine - wrong).abs().max()):.2g}")

# %% [markdown]
# **Question.** With β = 0.9 the velocity averages roughly the last 1/(1 − β) = 10 gradients. Ng's
# form multiplies the gradient by (1 − β), torch's does not. For the same α, which one takes the
# larger steps once v has built up, and by what factor?

# %% [markdown]
# ## Exercise 3: the mini-batch sampler (Ma Algorithm 2)
#
# Every step of Ma Algorithm 2 samples B examples j_1, …, j_B *without* replacement from {1, …, n}
# (0-based here). Each step draws independently, so an example can come up in two batches of one
# "epoch" and not at all in another. Implement `sample_minibatches(n, B, num_batches, generator)`.
# Draw only from `generator`, so that a seed fixes the whole run.

# %%
sampler_counts = None
with skip_if_stub():
    batches = exercises.sample_minibatches(20, 5, 2000, torch.Generator().manual_seed(0))
    again = exercises.sample_minibatches(20, 5, 2000, torch.Generator().manual_seed(0))
    distinct = all(len(set(row)) == 5 for row in batches.tolist())
    print(f"shape {tuple(batches.shape)}, dtype {batches.dtype}; every batch distinct: {distinct};"
          f" same seed, same batches: {torch.equal(batches, again)}")
    sampler_counts = torch.bincount(batches.flatten(), minlength=20)
    print(f"each index drawn {int(sampler_counts.min())} … {int(sampler_counts.max())} times; expected 2000·5/20 = 500"
          f" ± {math.sqrt(500 * 15 / 19):.0f} (one standard deviation)")
    fig, axes = figure(size=(5.0, 3.0))
    axes[0, 0].bar(range(20), sampler_counts.numpy())
    axes[0, 0].axhline(500, color="k", linestyle=":")
    axes[0, 0].set(xlabel="index j", ylabel="times drawn", title="2000 batches of B = 5 from n = 20")
    save(fig, OUT / "sampler.png")
    print("saved", OUT / "sampler.png")

# %% [markdown]
# ## GD, SGD, mini-batch SGD and momentum
#
# A 4-32-1 ReLU network predicts the (standardized) price of Saratoga houses from 4 features. We
# train it four ways, each for the same number of *epochs*, i.e. the same number of examples seen:
#
# | method | B | steps per epoch | α |
# |---|---|---|---|
# | gradient descent (Ng eq. 3.14) | n | 1 | 0.3 |
# | SGD (Ma Algorithm 1) | 1 | n | 0.01 |
# | mini-batch SGD (Ma Algorithm 2) | 32 | ⌈n/32⌉ | 0.05 |
# | momentum (Ng eq. 3.16), β = 0.9 | 32 | ⌈n/32⌉ | 0.05 |
#
# Every step draws its batch with your sampler and updates with your `sgd_step` (λ = 0) or
# `momentum_step`. The gradients come from autograd. After every epoch we evaluate J on the whole
# training set.

# %%
houses = Saratoga(standardize=True, standardize_target=True, dtype=torch.float64)
n = 300 if quick() else len(houses)
x_train, y_train = houses.data[:n], houses.targets[:n]
epochs = 4 if quick() else 20
print(f"n = {n} houses, {x_train.shape[1]} features, {epochs} epochs")


def train(model, x, y, *, B: int, alpha: float, epochs: int, lam: float = 0.0, beta=None, seed: int = 0,
          evaluate=None, every: int = 1) -> list:
    """Mini-batch training with your three functions; ``evaluate(model)`` is recorded every ``every`` steps (and at 0)."""
    params = list(model.parameters())
    velocities = [torch.zeros_like(p) for p in params]
    sampler = torch.Generator().manual_seed(seed)
    record = [evaluate(model)]
    step = 0
    for _ in range(epochs):
        for batch in exercises.sample_minibatches(len(x), B, math.ceil(len(x) / B), sampler):
            grads = torch.autograd.grad(cost(model, x[batch], y[batch]), params)
            with torch.no_grad():
                for i, (p, grad) in enumerate(zip(params, grads)):
                    if beta is None:  # L2 on the weights only: the intercepts are not regularized
                        p.copy_(exercises.sgd_step(p, grad, alpha, lam if p.dim() > 1 else 0.0))
                    else:
                        new, velocities[i] = exercises.momentum_step(p, velocities[i], grad, alpha, beta)
                        p.copy_(new)
            step += 1
            if step % every == 0:
                record.append(evaluate(model))
    return record


methods = {
    "GD (B = n)": dict(B=n, alpha=0.3),
    "SGD (B = 1)": dict(B=1, alpha=0.01),
    "mini-batch (B = 32)": dict(B=32, alpha=0.05),
    "momentum (B = 32, β = 0.9)": dict(B=32, alpha=0.05, beta=0.9),
}
curves = {}
with skip_if_stub():
    for name, settings in methods.items():
        torch.manual_seed(0)  # the same initial network for every method
        model = cs229nn.nn.MLP([x_train.shape[1], 32, 1], "relu", dtype=torch.float64)
        steps_per_epoch = math.ceil(n / settings["B"])
        curves[name] = train(model, x_train, y_train, epochs=epochs, every=steps_per_epoch,
                             evaluate=lambda m: float(cost(m, x_train, y_train).detach()), **settings)
        print(f"{name:28s} J: {curves[name][0]:.4f} -> {curves[name][-1]:.4f} after {epochs} epochs = {epochs * steps_per_epoch} updates")

# %%
if curves:
    fig, axes = figure(1, 2, size=(4.6, 3.4))
    for name, losses in curves.items():
        updates = [e * math.ceil(n / methods[name]["B"]) for e in range(len(losses))]
        axes[0, 0].plot(range(len(losses)), losses, "o-", markersize=3, label=name)
        axes[0, 1].plot(updates[1:], losses[1:], "o-", markersize=3, label=name)
    axes[0, 0].set(xlabel="epoch (n examples seen)", ylabel="J on the training set", yscale="log", title="per example seen")
    axes[0, 1].set(xlabel="parameter updates", xscale="log", yscale="log", title="per update")
    axes[0, 0].legend(fontsize="small")
    save(fig, OUT / "methods.png")
    print("saved", OUT / "methods.png")

# %% [markdown]
# Per example seen (left), SGD and mini-batches reach the floor within one epoch while GD needs all
# of them: GD makes one update per epoch, SGD makes n. Per update (right), GD's exact gradient makes
# the most of each step. SGD's curve stays noisy: with a fixed α, single-example steps keep jumping
# around the minimum. Mini-batches sit between the two, and B examples cost about as much as one on
# parallel hardware (Ma §1).
#
# **Question.** Here momentum and plain mini-batch SGD end up close. With Ng's (1 − β) factor, the
# long-run step size of momentum equals that of SGD with the same α. What does momentum change,
# then? Try β = 0.99, and try a cost whose level sets are long thin valleys.

# %% [markdown]
# ## Regularization: a network that overfits
#
# Take only 40 Windsor houses (11 features each) and a 11-256-256-1 ReLU network with about 70 000
# parameters, far more than the 40 examples can pin down. Gradient descent (B = n) drives the
# training cost toward 0, and the test cost on the 137 held-out houses rises. We train it twice,
# with λ = 0 and with λ = 0.03 on the weights (your `sgd_step`), and record train and test J every
# 20 steps.

# %%
windsor_train = Windsor(standardize=True, standardize_target=True, dtype=torch.float64)
windsor_test = Windsor(split="test", standardize=True, standardize_target=True, dtype=torch.float64)
subset = torch.randperm(len(windsor_train), generator=torch.Generator().manual_seed(0))[:40]
x_small, y_small = windsor_train.data[subset], windsor_train.targets[subset]
print(f"train x {tuple(x_small.shape)}, y {tuple(y_small.shape)}; test x {tuple(windsor_test.data.shape)}, y {tuple(windsor_test.targets.shape)}")
gd_steps = 300 if quick() else 2000
every = 20
regularized = {}
with skip_if_stub():
    for lam_value in (0.0, 0.03):
        torch.manual_seed(0)
        model = cs229nn.nn.MLP([x_small.shape[1], 256, 256, 1], "relu", dtype=torch.float64)

        def evaluate(m):
            with torch.no_grad():
                weight_norm = math.sqrt(sum(float((layer.weight**2).sum()) for layer in m.linear_layers))
                return float(cost(m, x_small, y_small)), float(cost(m, windsor_test.data, windsor_test.targets)), weight_norm

        regularized[lam_value] = train(model, x_small, y_small, B=len(x_small), alpha=0.05, lam=lam_value,
                                       epochs=gd_steps, every=every, evaluate=evaluate)
        train_J, test_J, norm = regularized[lam_value][-1]
        print(f"λ = {lam_value:<5}: train J {train_J:.4f}, test J {test_J:.4f}, gap {test_J - train_J:.4f}, ‖W‖ {norm:.1f}")

# %%
if regularized:
    fig, axes = figure(1, 2, size=(4.6, 3.4))
    for lam_value, record in regularized.items():
        steps_axis = [every * i for i in range(len(record))]
        line = axes[0, 0].plot(steps_axis, [r[0] for r in record], label=f"train, λ = {lam_value}")[0]
        axes[0, 0].plot(steps_axis, [r[1] for r in record], "--", color=line.get_color(), label=f"test, λ = {lam_value}")
        axes[0, 1].plot(steps_axis, [r[2] for r in record], color=line.get_color(), label=f"λ = {lam_value}")
    axes[0, 0].set(xlabel="GD step", ylabel="J", yscale="log", title="40 Windsor houses, 11-256-256-1")
    axes[0, 1].set(xlabel="GD step", ylabel="‖W‖ (all weight matrices)", title="weight decay keeps W small")
    axes[0, 0].legend(fontsize="small")
    axes[0, 1].legend(fontsize="small")
    save(fig, OUT / "regularization.png")
    print("saved", OUT / "regularization.png")

# %% [markdown]
# Without regularization the training cost keeps falling while the test cost stops improving and
# climbs: the network is fitting the 40 houses' noise. With λ = 0.03 the training cost stays higher
# and the test cost ends lower. The gap between them shrinks.
#
# **Question.** Increase λ to 1. What happens to the train and the test cost, and why? Which λ would
# you pick, and on which data would you choose it? (Not on the test set.)

# %% [markdown]
# ## Self-check

# %%
self_check(exercises)

# %%
final_losses = {name: losses[-1] for name, losses in curves.items()}
gaps = {lam_value: record[-1][1] - record[-1][0] for lam_value, record in regularized.items()}
if final_losses and gaps:
    summary = (f"final J: GD {final_losses['GD (B = n)']:.3f}, mini-batch {final_losses['mini-batch (B = 32)']:.3f};"
               f" test − train gap: λ = 0 {gaps[0.0]:.3f}, λ = 0.03 {gaps[0.03]:.3f}")
else:
    summary = "exercises not implemented yet"
print(summary)
record_results(
    6,
    summary,
    final_losses=final_losses,
    initial_loss=next(iter(curves.values()))[0] if curves else None,
    momentum_torch_gap=momentum_gap,
    sampler_counts=sampler_counts.tolist() if sampler_counts is not None else None,
    l2={str(lam_value): {"train": record[-1][0], "test": record[-1][1], "weight_norm": record[-1][2]} for lam_value, record in regularized.items()},
    gap_without_l2=gaps.get(0.0),
    gap_with_l2=gaps.get(0.03),
)

# %% [markdown]
# ## Summary
#
# * L2 regularization is one factor: W := (1 − αλ)W − α∂J/∂W (Ng eq. 3.21). Here it kept the weights
#   small and closed part of the gap between train and test cost.
# * Ng's momentum v := βv + (1 − β)g, W := W − αv is torch's SGD with lr = α(1 − β) and momentum β:
#   the same trajectory, not just a similar one.
# * Ma Algorithm 2 draws each batch independently and without replacement. Per example seen, small
#   batches make more progress than full gradient descent; per update, the full gradient does.
#
# ## Exercises (no checks)
#
# 1. Replace the sampler by the usual "shuffle once per epoch, then cut into batches" (what
#    `DataLoader(shuffle=True)` does). Does the training curve change? Count how often each
#    example is seen per epoch under each scheme.
# 2. Sweep λ over 0, 0.001, 0.01, 0.03, 0.1, 0.3 with a validation split carved out of the 40 houses,
#    and plot validation J against λ.
# 3. Early stopping is another regularizer: read the best test step off the λ = 0 curve. Does
#    stopping there beat λ = 0.03?
# 4. Show that for GD with L2 on a linear model the fixed point is ridge regression:
#    W* = (XᵀX/n + λI)⁻¹ Xᵀy/n. Check it numerically with your `sgd_step`.
