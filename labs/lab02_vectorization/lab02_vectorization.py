# %% [markdown]
# # Lab 2: Two-layer networks and vectorization
#
# **Goal.** Predict Saratoga house prices from four features with a two-layer network,
# then write its forward pass three ways: one example at a time in a Python loop, the whole
# batch with examples as columns (the notes' convention), and the whole batch with examples
# as rows (the convention of code). You measure how much faster the vectorized forward is,
# check that both conventions give the same numbers, and count the network's parameters.
#
# **Notes.** Ma et al., "Deep Learning" notes: §2, eq. 2.9–2.11 (the two-layer network);
# Ma §4, eq. 4.1–4.4 (vectorization over examples: columns, the broadcast b̃ of Ma eq. 4.3, and
# the row-major form Z = XW + b of Ma eq. 4.4). Ng & Katanforoosh, "Deep Learning" notes:
# Figure 2 (size, bedrooms, zip code, wealth → price), Ng §2 (vectorization) and Ng §3.1
# (a (d, 3, 2, 1) network has 3d + 14 parameters).
#
# **How.** Open `exercises.py` next to this notebook and write each exercise where it
# raises `NotImplementedError`. A cell that reaches an exercise you have not written yet
# says so and skips.

# %%
import importlib
import time

import torch
from torch.utils.data import DataLoader

import cs229nn
import exercises
from cs229nn import plot
from cs229nn.check import rel_error
from cs229nn.datasets import Saratoga
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.parameters import count_parameters

exercises = importlib.reload(exercises)  # running this cell again picks up your edits to exercises.py
device = cs229nn.device()
OUT = output_dir(2)
torch.manual_seed(0)
print(f"device: {device}; figures and results go to {OUT}/" + (" (quick mode)" if quick() else ""))

# %% [markdown]
# ## 1. The data
#
# 1728 houses of Saratoga County, New York (2006), with the notes' features: living area
# (size), bedrooms, land value (standing in for the zip code) and the share of college
# graduates nearby (wealth). Features and price are standardized with the training split's
# mean and standard deviation; predictions are mapped back to dollars to report errors.

# %%
train = Saratoga(split="train", standardize=True, standardize_target=True)
test = Saratoga(split="test", standardize=True, standardize_target=True)
d = train.data.shape[1]
print(f"train: X {tuple(train.data.shape)}, y {tuple(train.targets.shape)}; test: X {tuple(test.data.shape)}; features {train.features}")

# %% [markdown]
# ## 2. Train a two-layer network (the library's, for now)
#
# h(x) = W^{[2]} ReLU(W^{[1]} x + b^{[1]}) + b^{[2]} with m = 16 hidden units, trained by
# mini-batch SGD on the squared loss. This part uses `cs229nn.nn.MLP`; the rest of the lab
# reruns its forward pass with your code.

# %%
model = cs229nn.nn.MLP([d, 16, 1])
epochs = 3 if quick() else 20
history = cs229nn.train.fit(
    model,
    cs229nn.nn.SquaredLoss(),
    DataLoader(train, batch_size=64, shuffle=True),
    epochs=epochs,
    lr=0.1,
    device=device,
    test_loader=DataLoader(test, batch_size=512),
    seed=0,
)
plot.loss_curves(history, path=OUT / "loss.png")
rmse_dollars = (2 * history.test_loss[-1]) ** 0.5 * float(train.target_std)  # J = ½ mean squared error, standardized
print(f"test RMSE after {epochs} epochs: ${rmse_dollars:,.0f} (the prices' own spread is ${float(train.target_std):,.0f}); curves saved to {OUT / 'loss.png'}")

# %% [markdown]
# The trained weights in the notes' shapes: W^{[1]} ∈ ℝ^{m×d}, b^{[1]} ∈ ℝ^m,
# W^{[2]} ∈ ℝ^{k×m}, b^{[2]} ∈ ℝ^k (Ma eq. 2.7–2.11), in float64 on the CPU.

# %%
first, second = model.linear_layers
W1, b1, W2, b2 = (t.detach().cpu().double() for t in (first.weight, first.bias, second.weight, second.bias))
X = train.data.double()
with torch.no_grad():
    expected = model.cpu().double()(X)  # the library's forward: the reference for yours
print(f"W^[1] {tuple(W1.shape)}, b^[1] {tuple(b1.shape)}, W^[2] {tuple(W2.shape)}, b^[2] {tuple(b2.shape)}")

# %% [markdown]
# ## 3. One example at a time
#
# For one house x ∈ ℝ^d: z = W^{[1]} x + b^{[1]}, a = ReLU(z), o = W^{[2]} a + b^{[2]}
# (Ma eq. 2.9–2.11). The most natural way to run it over a data set is a for loop.
#
# **Exercises 1 and 2.** Write `forward_one` and `forward_loop`.

# %%
O_loop = None
with skip_if_stub():
    o = exercises.forward_one(X[0], W1, b1, W2, b2)
    print(f"first house: o = {o.tolist()} (library: {expected[0].tolist()})")
    O_loop = exercises.forward_loop(X, W1, b1, W2, b2)
    print(f"loop over {len(X)} houses: O {tuple(O_loop.shape)}, rel error against the library {rel_error(O_loop, expected):.1e} (expect < 1e-12)")

# %% [markdown]
# ## 4. All examples at once: columns (Ma eq. 4.2) and rows (Ma eq. 4.4)
#
# Stack the examples as the columns of X ∈ ℝ^{d×n} and one product does every example:
# Z^{[1]} = W^{[1]} X + b^{[1]} ∈ ℝ^{m×n}, with b^{[1]} broadcast over the columns (the b̃ of
# Ma eq. 4.3). Libraries stack examples as **rows** instead: X ∈ ℝ^{n×d}; then every matrix is
# transposed and the products flip, Z^{[1]} = X W^{[1]} + b^{[1]} ∈ ℝ^{n×m} with W^{[1]} ∈ ℝ^{d×m}
# (Ma eq. 4.4).
#
# **Exercises 3 and 4.** Write `forward_columns` and `forward_rows`.

# %%
O_rows = None
with skip_if_stub():
    O_columns = exercises.forward_columns(X.T, W1, b1, W2, b2)
    print(f"columns: X {tuple(X.T.shape)} -> O {tuple(O_columns.shape)}; rel error {rel_error(O_columns.T, expected):.1e} (expect < 1e-12)")
with skip_if_stub():
    O_rows = exercises.forward_rows(X, W1.T, b1, W2.T, b2)
    print(f"rows:    X {tuple(X.shape)} -> O {tuple(O_rows.shape)}; rel error {rel_error(O_rows, expected):.1e} (expect < 1e-12)")

# %% [markdown]
# ## 5. How much faster?
#
# The same numbers, computed by n small matrix-vector products in Python or by a few large
# matrix products in one call. The best of several timings of each, on this machine's CPU,
# both on one thread: the ratio measures vectorization, not parallelism.

# %%
def best_time(function, repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


speedup = None
if O_loop is not None and O_rows is not None:
    repeats, threads = (3 if quick() else 7), torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        loop_s = best_time(lambda: exercises.forward_loop(X, W1, b1, W2, b2), repeats)
        rows_s = best_time(lambda: exercises.forward_rows(X, W1.T, b1, W2.T, b2), repeats * 10)
    finally:
        torch.set_num_threads(threads)
    speedup = loop_s / rows_s
    print(f"forward over {len(X)} houses: loop {loop_s * 1e3:.1f} ms, vectorized {rows_s * 1e3:.3f} ms: vectorized is {speedup:.0f}x faster")
    fig, axes = plot.figure(size=(5, 3.5))
    axes[0, 0].bar(["loop (Ma eq. 2.9–2.11 per x)", "vectorized (Ma eq. 4.4)"], [loop_s * 1e3, rows_s * 1e3], color=["C3", "C2"])
    axes[0, 0].set_yscale("log")
    axes[0, 0].set_ylabel("ms for the whole training set")
    axes[0, 0].set_title(f"{speedup:.0f}x faster, same numbers")
    plot.save(fig, OUT / "vectorization.png")
    print(f"figure saved to {OUT / 'vectorization.png'}")

# %% [markdown]
# **Question.** Time both again with 10 times fewer houses (`X[:130]`). Does the ratio
# stay the same? What part of the loop's time does not depend on the arithmetic?

# %% [markdown]
# ## 6. Counting parameters (Ng & Katanforoosh §3.1)
#
# The notes' network with layer sizes (d, 3, 2, 1) has W^{[1]} ∈ ℝ^{3×d} and b^{[1]} ∈ ℝ^3,
# W^{[2]} ∈ ℝ^{2×3} and b^{[2]} ∈ ℝ^2, W^{[3]} ∈ ℝ^{1×2} and b^{[3]} ∈ ℝ: 3d + 14 in all.
#
# **Exercise 5.** Write `parameter_count(sizes)`.

# %%
counts = {}
with skip_if_stub():
    for sizes in ([d, 3, 2, 1], [64 * 64 * 3, 3, 2, 1], [d, 16, 1]):
        counts[tuple(sizes)] = exercises.parameter_count(sizes)
        library = count_parameters(cs229nn.nn.MLP(sizes))
        print(f"sizes {sizes}: yours {counts[tuple(sizes)]}, the library's modules hold {library}" + (f", 3d + 14 = {3 * sizes[0] + 14}" if sizes[1:] == [3, 2, 1] else ""))

# %% [markdown]
# **Question.** For 64×64×3 soccer images (Ng & Katanforoosh §3.3.2), nearly all of those
# parameters sit in W^{[1]}. What does that suggest about fully connected layers on images?

# %% [markdown]
# ## Self-check
#
# The public checks, on your `exercises.py` with inputs of their own (also
# `cs229nn check labs/lab02_vectorization` on the command line). Hidden checks run at grading.

# %%
results = self_check(exercises)

# %%
record_results(
    2,
    (f"vectorized forward {speedup:.0f}x faster than the loop; " if speedup else "") + f"test RMSE ${rmse_dollars / 1000:.0f}k",
    speedup=speedup,
    test_rmse_dollars=rmse_dollars,
    parameters_d_3_2_1=counts.get((d, 3, 2, 1)),
)

# %% [markdown]
# ## Summary
#
# * A two-layer network is two linear maps with a ReLU between (Ma eq. 2.9–2.11).
# * Vectorized over examples it is a few matrix products (Ma eq. 4.2): the same numbers,
#   orders of magnitude faster than a Python loop.
# * Code puts examples in rows: transpose every matrix and flip every product (Ma eq. 4.4).
# * A (d, 3, 2, 1) network has 3d + 14 parameters, almost all in W^{[1]} when d is large.
#
# ## Exercises (no checks)
#
# 1. Time the forward on `device` (the GPU, if any) for n = 10², 10⁴, 10⁶ random rows.
#    From which n does the GPU win?
# 2. Add a third feature set (`Saratoga(features=[...])`, e.g. `age`, `bathrooms`) and
#    compare the test RMSE.
# 3. Write the backward pass of `forward_rows` for a batch (Ma §4 applies to it too).
