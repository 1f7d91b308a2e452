# %% [markdown]
# # Lab 9: training on the GPU
#
# The same mini-batch gradient descent (Ma §1, Algorithm 2, eq. 1.5) runs on a CPU or a GPU; what
# changes is *where the tensors live* and *who waits for whom*. A GPU runs kernels asynchronously:
# Python queues them and moves on, until something needs a value on the host (`.item()`,
# `float(t)`, `print(t)`, `if t > 0:`). Then Python waits for every queued kernel. This lab
# measures, in one run on this machine:
#
# 1. the same model and data on the CPU and (if present) on CUDA, with the notes' hand-written
#    backward (`mode="manual"`) and with autograd, and the ratio of their step times on each;
# 2. whether the GPU and the CPU compute the same numbers (within float32 rounding);
# 3. the cost of a per-step `.item()` against accumulating the loss on the device.
#
# You will write one gradient step of softmax regression by hand and an epoch whose running loss
# never leaves the device, and check on CUDA that it never synchronizes.
#
# **Without a GPU** everything runs on the CPU only: the CUDA measurements are skipped, each with a
# message, and the lab says so plainly.

# %%
import time
from contextlib import contextmanager

import exercises
import torch
import torch.nn.functional as F

import cs229nn
from cs229nn.check import tolerance
from cs229nn.datasets import Vowels
from cs229nn.lab import output_dir, quick, record_results, self_check, skip_if_stub
from cs229nn.nn import MLP, SoftmaxCrossEntropy
from cs229nn import plot

OUT = output_dir(9)
QUICK = quick()
STEPS = 20 if QUICK else 200    # timed steps per measurement (the best of REPEATS)
REPEATS = 3 if QUICK else 5
SIZES = [2, 256, 256, 10]       # d, m_1, m_2, K: a two-hidden-layer net on the vowels' two formants
BATCH = 128
CPU = torch.device("cpu")
CUDA = torch.device("cuda") if torch.cuda.is_available() else None
device = cs229nn.device()
DEVICES = [CPU] + ([CUDA] if CUDA is not None else [])
if CUDA is None:
    print("No CUDA GPU here: this lab runs on the CPU only, more slowly, and skips every GPU measurement (each says so).")
else:
    print(f"CUDA GPU: {torch.cuda.get_device_name(0)}; measuring on {', '.join(str(d) for d in DEVICES)}.")
print(f"CPU: {torch.get_num_threads()} thread(s) (set OMP_NUM_THREADS to change; on a machine shared with other work, 1 gives the steadiest timings)")
print(f"cs229nn.device() = {device}; figures go to {OUT}/" + (" (quick mode: fewer steps)" if QUICK else ""))

# %% [markdown]
# ## What moves to the device, and what does not
#
# `model.to(device)` moves the parameters (and buffers); `dataset.to(device)` moves the dataset's
# tensors. An optimizer creates its state (Adam's moments) next to each parameter, on its first
# step. Python numbers (the learning rate α, the epoch counter) stay on the host and are sent with
# each kernel launch. A `DataLoader` yields CPU tensors: every batch is copied to the device.
# `.item()` copies one number back to the host, and that copy has to wait.

# %%
train = Vowels(split="train", features=("f1", "f2"), normalize="speaker").to(device)
torch.manual_seed(0)
model = MLP(SIZES).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = SoftmaxCrossEntropy()
print(f"data x: {train.data.device}, y: {train.targets.device}; W^[1]: {model[0].weight.device}; Adam state before a step: {len(optimizer.state)} tensors")
loss = loss_fn(model(train.data[:BATCH]), train.targets[:BATCH])
loss.backward()
optimizer.step()
state = optimizer.state[model[0].weight]
print(f"after a step: ∂J/∂W^[1] on {model[0].weight.grad.device}, Adam's moments on {state['exp_avg'].device}, α = {optimizer.param_groups[0]['lr']} a Python {type(optimizer.param_groups[0]['lr']).__name__}")
print(f"J is a tensor on {loss.device}; J.item() = {loss.item():.4f} is a Python {type(loss.item()).__name__} on the host")

# %% [markdown]
# **Question.** Adam's moments are created on the device of each parameter. What happens if you
# build the optimizer *before* `model.to(device)`, and why does it still work in PyTorch?

# %% [markdown]
# ## Timing honestly
#
# On a GPU, `time.perf_counter()` after queuing kernels measures only the queuing. Every timing
# below calls `torch.cuda.synchronize()` before reading the clock, runs a few warm-up steps first
# (the first CUDA call initializes the context and picks kernels), and keeps the best of
# several repeats (the machine may be busy with other work).
#
# **No hidden synchronization in the loss.** cs229nn's `SoftmaxCrossEntropy` checks that every
# label is a class index in [0, K) and raises a readable error otherwise. On a GPU it does that
# with a device-side assert (`torch._assert_async`): the host never waits for it. So the timed
# loops use the whole cs229nn model, loss included, in the mode being measured.

# %%
def synchronize(where: torch.device) -> None:
    if where.type == "cuda":
        torch.cuda.synchronize(where)


def best_times(runs, where: torch.device) -> list:
    """Seconds of the fastest of REPEATS calls of each of ``runs``, after one warm-up call each.

    The runs take turns (a, b, a, b, …), so a burst of load on a shared machine hits all of them.
    """
    for run in runs:
        run()
    times = [[] for _ in runs]
    for _ in range(REPEATS):
        for run, record in zip(runs, times):
            synchronize(where)
            start = time.perf_counter()
            run()
            synchronize(where)
            record.append(time.perf_counter() - start)
    return [min(record) for record in times]


def training_loop(where: torch.device, mode: str, item_every_step: bool):
    """A function running STEPS Adam steps of MLP(SIZES) on the vowels, on ``where``, in ``mode``."""
    data = Vowels(split="train", features=("f1", "f2"), normalize="speaker").to(where)
    torch.manual_seed(0)
    net = MLP(SIZES, mode=mode).to(where)
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)
    criterion = SoftmaxCrossEntropy(mode=mode)
    batches = [(data.data[i : i + BATCH], data.targets[i : i + BATCH]) for i in range(0, len(data) - BATCH + 1, BATCH)]

    def run() -> float:
        running = 0.0 if item_every_step else torch.zeros((), device=where)
        for step in range(STEPS):
            x, y = batches[step % len(batches)]
            adam.zero_grad()
            J = criterion(net(x), y)
            J.backward()
            adam.step()
            if item_every_step:
                running += J.item()          # the host waits for this step's kernels
            else:
                running = running + J.detach()  # queued like any other kernel
        return float(running)                  # one wait at the end

    return run


# %% [markdown]
# ## Manual backward against autograd, on each device
#
# The same network in `mode="manual"` (every backward is the notes' math in an
# `autograd.Function`) and `mode="autograd"` (torch's own backward of the forward ops).

# %%
step_ms = {}
for where in DEVICES:
    manual, autograd = best_times([training_loop(where, mode, item_every_step=False) for mode in ("manual", "autograd")], where)
    step_ms[(where.type, "manual")], step_ms[(where.type, "autograd")] = 1000 * manual / STEPS, 1000 * autograd / STEPS
    ratio = step_ms[(where.type, "manual")] / step_ms[(where.type, "autograd")]
    print(f"{where.type:>4}: manual {step_ms[(where.type, 'manual')]:.2f} ms/step, autograd {step_ms[(where.type, 'autograd')]:.2f} ms/step, manual/autograd = {ratio:.2f}")
if CUDA is None:
    print("cuda: skipped (no GPU)")
manual_autograd = {d.type: step_ms[(d.type, "manual")] / step_ms[(d.type, "autograd")] for d in DEVICES}
gpu_speedup = step_ms[("cpu", "autograd")] / step_ms[("cuda", "autograd")] if CUDA is not None else None
if gpu_speedup is not None:
    print(f"the GPU runs a step {gpu_speedup:.1f}× as fast as the CPU (autograd, batch {BATCH}, widths {SIZES})")

# %% [markdown]
# **Question.** Both modes launch about the same kernels for the forward pass. Where could the
# manual mode's extra time (or saving) come from, and why would that differ between CPU and GPU?

# %% [markdown]
# ## Does the GPU compute the same numbers?
#
# Not bit for bit: a GPU sums in a different order (and may use TF32 for float32 matrix products).
# The same initial parameters and batch on both devices should agree within float32 rounding:
# the band of `cs229nn.check` for float32 is a relative error ≤ 1e-4.

# %%
agreement = None
if CUDA is None:
    print("GPU against CPU: skipped (no GPU)")
else:
    torch.manual_seed(0)
    on_cpu = MLP(SIZES)
    on_gpu = MLP(SIZES).to(CUDA)
    on_gpu.load_state_dict(on_cpu.state_dict())
    x, y = train.data[:BATCH].cpu(), train.targets[:BATCH].cpu()
    for net, where in ((on_cpu, CPU), (on_gpu, CUDA)):
        loss_fn(net(x.to(where)), y.to(where)).backward()
    band = tolerance("manual", torch.float32)
    worst = 0.0
    for (name, p_cpu), p_gpu in zip(on_cpu.named_parameters(), on_gpu.parameters()):
        ok, rel, _ = band.accepts(p_gpu.grad.cpu(), p_cpu.grad)
        worst = max(worst, rel)
        print(f"∂J/∂{name}: relative difference GPU vs CPU {rel:.1e} ({'within' if ok else 'OUTSIDE'} the float32 band)")
    agreement = worst

# %% [markdown]
# ## The cost of `.item()` every step
#
# A training loop that logs `loss.item()` after every step makes the host wait for the GPU at
# every step: the GPU then idles while Python prepares the next step's kernels. Accumulating
# `running = running + J.detach()` on the device and reading it once keeps the queue full.
# On a CPU there is no queue: kernels run as Python calls them, so `.item()` only copies a number.

# %%
item_cost = {}
for where in DEVICES:
    per_step, on_device = best_times([training_loop(where, "autograd", item_every_step=flag) for flag in (True, False)], where)
    item_cost[where.type] = per_step / on_device
    print(f"{where.type:>4}: .item() every step {1000 * per_step / STEPS:.2f} ms/step, on the device {1000 * on_device / STEPS:.2f} ms/step: ratio {item_cost[where.type]:.2f}")
if CUDA is None:
    print("cuda: skipped (no GPU). On the CPU the ratio is ≈ 1 (within timing noise): there is nothing to wait for.")

fig, axes = plot.figure(1, 2, size=(4.2, 3.2))
labels = [f"{d}\n{m}" for d, m in step_ms]
axes[0, 0].bar(labels, list(step_ms.values()))
axes[0, 0].set_ylabel("ms per training step")
axes[0, 0].set_title("manual vs autograd backward")
axes[0, 1].bar(list(item_cost), list(item_cost.values()))
axes[0, 1].axhline(1.0, color="grey", lw=0.8)
axes[0, 1].set_ylabel("time with .item() every step / without")
axes[0, 1].set_title(".item() per step")
plot.save(fig, OUT / "timings.png")
print(f"saved {OUT / 'timings.png'}")

# %% [markdown]
# **Question.** With a batch of 128 and two layers of 256 units, is the GPU busy during a step, or
# mostly waiting for Python? How would the `.item()` ratio change with a batch of 8192?

# %% [markdown]
# ## Exercise 1: one step of softmax regression by hand
#
# z = X Wᵀ + b, J = (1/B) Σ_i −log softmax(z^(i))_{y^(i)}, δ = (softmax(z) − onehot(y)) / B (the
# backprop notes §2, step 1), ∂J/∂W = δᵀ X, ∂J/∂b = Σ_i δ^(i), and the update of Ma eq. 1.5.
# Implement `softmax_regression_step`; return J as a tensor.

# %%
gen = torch.Generator().manual_seed(1)
with skip_if_stub():
    W0, b0 = torch.randn(10, 2, generator=gen, dtype=torch.float64), torch.zeros(10, dtype=torch.float64)
    X, y = train.data[:BATCH].cpu().double(), train.targets[:BATCH].cpu()
    W1, b1, J = exercises.softmax_regression_step(W0, b0, X, y, 0.5)
    W_ref, b_ref = W0.clone().requires_grad_(), b0.clone().requires_grad_()
    J_ref = F.cross_entropy(F.linear(X, W_ref, b_ref), y)
    J_ref.backward()
    rel = float((W1 - (W0 - 0.5 * W_ref.grad)).abs().max() / (0.5 * W_ref.grad).abs().max())
    print(f"J = {float(J.detach()):.6f} (autograd {float(J_ref):.6f}); W's step: relative error {rel:.1e} (expect < 1e-13)")

# %% [markdown]
# ## Exercise 2: an epoch that never waits
#
# Implement `train_epoch`: batches in order, one `softmax_regression_step` each, and the
# example-weighted mean loss accumulated **on the device**. On the CPU we check the result against
# a reference; on CUDA we also run it under `torch.cuda.set_sync_debug_mode("error")`, which
# raises at the first host synchronization.

# %%
@contextmanager
def no_host_sync(where: torch.device):
    """On CUDA: any synchronization with the host raises inside this block. Elsewhere: nothing to check."""
    if where.type != "cuda":
        yield
        return
    torch.cuda.set_sync_debug_mode("error")
    try:
        yield
    finally:
        torch.cuda.set_sync_debug_mode("default")


epoch_losses = None
with skip_if_stub():
    X, y = train.data.double(), train.targets
    W, b = torch.zeros(10, 2, dtype=torch.float64, device=X.device), torch.zeros(10, dtype=torch.float64, device=X.device)
    if X.device.type == "cuda":
        try:
            with no_host_sync(X.device):
                W1, b1, mean_loss = exercises.train_epoch(W, b, X, y, 0.5, 64)
            print("train_epoch on cuda: no host synchronization")
        except RuntimeError as error:
            if isinstance(error, NotImplementedError):
                raise
            print(f"train_epoch synchronized with the host: {str(error).splitlines()[0]}")
            W1, b1, mean_loss = exercises.train_epoch(W, b, X, y, 0.5, 64)
    else:
        W1, b1, mean_loss = exercises.train_epoch(W, b, X, y, 0.5, 64)
        print("train_epoch on the CPU: nothing to synchronize with, so only the values are checked (the sync check needs CUDA)")
    # the reference: the same epoch, one .item() per step, with your step
    W_r, b_r, total = W, b, 0.0
    for start in range(0, len(X), 64):
        W_r, b_r, J = exercises.softmax_regression_step(W_r, b_r, X[start : start + 64], y[start : start + 64], 0.5)
        total += J.item() * len(X[start : start + 64])
    print(f"mean loss {float(mean_loss):.6f} on {mean_loss.device} (reference {total / len(X):.6f}); max |ΔW| {float((W1 - W_r).abs().max()):.1e} (expect < 1e-12)")
    epoch_losses = [float(mean_loss)]
    for _ in range(4 if QUICK else 19):
        W1, b1, mean_loss = exercises.train_epoch(W1, b1, X, y, 0.5, 64)
        epoch_losses.append(mean_loss)  # still on the device: read them all at the end
    epoch_losses = [float(v) for v in epoch_losses]
    print("softmax regression on per-speaker-normalized F1/F2, loss per epoch: " + " ".join(f"{v:.3f}" for v in epoch_losses))

# %% [markdown]
# **Question.** `epoch_losses` collects 0-dim tensors and converts them once at the end. How many
# host synchronizations does the whole training take, and how many would `float(mean_loss)`
# inside the loop add?

# %% [markdown]
# ## Self-check

# %%
self_check(exercises)

# %%
record_results(
    9,
    f"{'cuda' if CUDA is not None else 'cpu only (no GPU)'}: manual/autograd step time "
    + ", ".join(f"{d} {r:.2f}" for d, r in manual_autograd.items())
    + "; .item() every step costs " + ", ".join(f"{d} {r:.2f}×" for d, r in item_cost.items()),
    device=str(device),
    cuda=CUDA is not None,
    manual_autograd_ratio=manual_autograd,
    item_cost_ratio=item_cost,
    step_ms={f"{d}/{m}": v for (d, m), v in step_ms.items()},
    gpu_speedup=gpu_speedup,
    gpu_cpu_max_rel_difference=agreement,
    epoch_losses=epoch_losses,
)

# %% [markdown]
# ## Summary
#
# * Parameters, data and optimizer state live on the device; Python numbers and whatever
#   `.item()` returns live on the host. Keep the loop's bookkeeping on the device and read it
#   once per epoch.
# * A GPU computes the same gradients as the CPU within float32 rounding, not bit for bit.
# * On a CPU a per-step `.item()` costs nothing measurable; on a GPU it makes every step wait.
#
# ## Exercises (no checks)
#
# 1. Repeat the timings with batches of 8, 128 and 4096. Where does the GPU start to win?
# 2. Put `print(J)` inside `train_epoch` and run it under `no_host_sync` on a GPU. What is reported?
# 3. Time the `DataLoader` path (CPU tensors copied each batch, `pin_memory=True`,
#    `non_blocking=True`) against the whole dataset moved to the device once.
