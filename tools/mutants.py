"""Mutation testing: break the code on purpose, one realistic bug at a time, and check that a test fails.

Each mutant below is one bug a student or a maintainer could plausibly write
(a transposed gradient, a wrong constant, a forgotten mode switch): the file,
the exact snippet it replaces (which must occur exactly once), the
replacement, and the test files that should catch it. The script takes one
snapshot of the working tree; for every mutant it copies the snapshot to a
temporary folder, applies the change there (the working tree is never
touched), runs ``pytest -x -q`` on those tests and counts the mutant as
killed when they fail (or time out).

    python tools/mutants.py            # all mutants, 2 at a time; prints the kill rate
    python tools/mutants.py -j 4 -k relu --list

Exit status: 0 when the kill rate reaches --require (default 95 %), 1 when
it does not, 2 when a snippet is missing or ambiguous (the code moved: point
the mutant at the new code) or when the tests fail without any mutant.
Results and the survivors' explanations: docs/mutation.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300  # a mutant whose tests run longer (an endless loop) counts as killed


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    replacement: str
    tests: Tuple[str, ...]


# The test files that should catch a mutant, the likeliest killer first (pytest -x stops at the first failure).
LINEAR = ("tests/test_functional_linear.py", "tests/test_manual_backward.py")
ACTIVATIONS = ("tests/test_functional_activations.py", "tests/test_manual_backward.py")
LOSSES = ("tests/test_functional_losses.py", "tests/test_manual_backward.py")
CONV = ("tests/test_conv.py",)
POOL = ("tests/test_pooling.py",)
CHECK = ("tests/test_check.py", "tests/test_check_model.py", "tests/test_check_catalogue.py")
CATALOGUE = ("tests/test_check_catalogue.py", "tests/test_check.py", "tests/test_check_model.py")
LAB_JUDGE = ("tests/test_lab_framework.py", "tests/test_grade_units.py")
GRADE_PARENT = ("tests/test_grade_units.py",)
BACKPROP = ("tests/test_backprop.py", "tests/test_claims.py")
CLAIMS_FIRST = ("tests/test_claims.py", "tests/test_backprop.py")
# The split tests only: the copy is not a git checkout, which some dataset-repair messages depend on.
SPLITS = ("tests/test_splits.py",) + tuple(f"tests/test_datasets.py::{name}" for name in (
    "test_vowels_are_split_by_speaker_with_every_group_in_both_splits", "test_vowel_split_is_fixed_by_the_seed",
    "test_any_feature_subset_and_seed_gives_disjoint_speakers_and_file_columns",
    "test_held_out_takes_the_fraction_of_every_stratum", "test_housing_split_is_a_fixed_quarter",
    "test_no_house_is_in_both_splits"))


def m(name: str, path: str, original: str, replacement: str, *tests: str) -> Mutant:
    return Mutant(name, path, original, replacement, tests)


MUTANTS: List[Mutant] = [
    # ── manual backward passes ─────────────────────────────────────────────────────────────
    m("linear: ∂J/∂A with the wrong sign", "cs229nn/functional/linear.py",
      "grad_a = delta.mm(W) if needed[0]", "grad_a = -delta.mm(W) if needed[0]", *LINEAR),
    m("linear: ∂J/∂W = δᵀ A with A's rows shuffled", "cs229nn/functional/linear.py",
      "grad_W = delta.t().mm(a) if needed[1]", "grad_W = delta.t().mm(a.flip(0)) if needed[1]", *LINEAR),
    m("linear: ∂J/∂b averaged instead of summed", "cs229nn/functional/linear.py",
      "grad_b = delta.sum(0) if needed[2]", "grad_b = delta.mean(0) if needed[2]", *LINEAR),
    m("linear: needs_input_grad ignored, ∂J/∂A computed for the input x too (wasted FLOPs)", "cs229nn/functional/linear.py",
      "ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, W if ctx.needs_input_grad[0] else None)\n\n"
      "    @staticmethod\n    def backward(ctx, delta: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:\n"
      "        a, W = ctx.saved_tensors\n        return linear_backward(delta, a, W, ctx.needs_input_grad)",
      "ctx.save_for_backward(a, W)\n\n"
      "    @staticmethod\n    def backward(ctx, delta: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:\n"
      "        a, W = ctx.saved_tensors\n        return linear_backward(delta, a, W, (True, True, ctx.needs_input_grad[2]))",
      "tests/test_claims.py"),
    m("relu: g′ from z ≥ 0 (g′(0) = 1)", "cs229nn/functional/activations.py",
      "return grad_a * torch.sign(a)", "return grad_a * (a >= 0)", "tests/test_claims.py", *ACTIVATIONS),
    m("relu: δ not multiplied by g′", "cs229nn/functional/activations.py",
      "return grad_a * torch.sign(a)", "return grad_a", *ACTIVATIONS),
    m("sigmoid: σ′ = σ (1 − σ) written as σ (1 + σ)", "cs229nn/functional/activations.py",
      "return grad_a * (1 - a) * a", "return grad_a * (1 + a) * a", *ACTIVATIONS),
    m("sigmoid: σ′ taken at z instead of at a", "cs229nn/functional/activations.py",
      "return grad_a * (1 - a) * a", "return grad_a * (1 - z) * z", *ACTIVATIONS),
    m("tanh: tanh′ = 1 − a (not 1 − a²)", "cs229nn/functional/activations.py",
      "return grad_a * torch.addcmul(one, a, a, value=-1)", "return grad_a * (one - a)", *ACTIVATIONS),
    m("leaky relu: slope 1 on the negative side", "cs229nn/functional/activations.py",
      "return torch.where(z > 0, grad_a, grad_a * negative_slope)", "return torch.where(z > 0, grad_a, grad_a)", *ACTIVATIONS),
    m("elu: derivative α eᶻ without α", "cs229nn/functional/activations.py",
      "grad_a * (alpha * torch.exp(z.clamp_max(0)))", "grad_a * torch.exp(z.clamp_max(0))", *ACTIVATIONS),
    m("squared loss: δ = y − o (sign)", "cs229nn/functional/losses.py",
      "return o - y", "return y - o", *LOSSES),
    m("squared loss: ½ dropped from J (J = ‖o − y‖²)", "cs229nn/functional/losses.py",
      "return 0.5 * residual.pow(2).sum()", "return residual.pow(2).sum()", *LOSSES),
    m("logistic loss: δ = σ(z) − y written z − y", "cs229nn/functional/losses.py",
      "return torch.sigmoid(z) - y", "return z - y", *LOSSES),
    m("softmax cross-entropy: one-hot not subtracted", "cs229nn/functional/losses.py",
      "return probabilities.scatter_add_(1, y.unsqueeze(1), torch.full_like(log_p[:, :1], -1.0))",
      "return probabilities", *LOSSES),
    m("mean reduction: backward not divided by n", "cs229nn/functional/losses.py",
      "delta = SquaredLossFunction.delta(o, y) * (grad_J * ctx.scale)", "delta = SquaredLossFunction.delta(o, y) * grad_J", *LOSSES),
    m("binary cross-entropy: ∂J/∂p = (p − y) / p", "cs229nn/functional/losses.py",
      "grad_p = (p - y) / (p * (1 - p)).clamp_min(_TORCH_BCE_EPS)", "grad_p = (p - y) / p.clamp_min(_TORCH_BCE_EPS)", *LOSSES),
    m("conv: ∂J/∂θ without the stride as dilation", "cs229nn/functional/conv.py",
      "padding=padding, dilation=stride)", "padding=padding)", *CONV),
    m("conv: ∂J/∂b summed over examples only", "cs229nn/functional/conv.py",
      "grad_b = delta.sum((0, 2, 3))", "grad_b = delta.sum(0).mean((1, 2))", *CONV),
    m("conv: ∂J/∂x with the filters not flipped", "cs229nn/functional/conv.py",
      "W.flip(2, 3).transpose(0, 1)", "W.transpose(0, 1)", *CONV),
    m("conv, stride > 1: ∂J/∂x with the phases' taps not flipped", "cs229nn/functional/conv.py",
      ".flip(4, 5).reshape(c_in * sh * sw", ".reshape(c_in * sh * sw", *CONV),
    m("conv, stride > 1: ∂J/∂x with the phases interleaved column-first", "cs229nn/functional/conv.py",
      ".permute(0, 1, 4, 2, 5, 3)", ".permute(0, 1, 5, 3, 4, 2)", *CONV),
    m("conv (naive): padding added on one side only", "cs229nn/functional/conv.py",
      "x = F.pad(x, (pw, pw, ph, ph))", "x = F.pad(x, (pw, 0, ph, 0))", *CONV),
    m("conv: output size counts the padding once", "cs229nn/functional/conv.py",
      "padded = [s + 2 * p for s, p in zip(size, padding)]", "padded = [s + p for s, p in zip(size, padding)]", *CONV),
    m("max pool: δ scattered, not added, where windows overlap", "cs229nn/functional/pooling.py",
      ".scatter_add_(2, where.flatten(2), delta.flatten(2))", ".scatter_(2, where.flatten(2), delta.flatten(2))", *POOL),
    m("remembered checks: dtype left out of the signature", "cs229nn/validate.py",
      "return (value.shape, value.dtype, value.device)", "return (value.shape, value.device)",
      "tests/test_fast_path.py", "tests/test_bad_input_api.py"),
    # ── Algorithm 4 from scratch ───────────────────────────────────────────────────────────
    m("backprop.forward: hidden activation also on the output layer", "cs229nn/backprop.py",
      "a = g.forward(z, *net.activation_params) if k < net.depth else z", "a = g.forward(z, *net.activation_params)",
      *CLAIMS_FIRST),
    m("backprop: δ^[k−1] without g′ (activation's delta skipped)", "cs229nn/backprop.py",
      "delta = g.delta(grad_a, z, a, *net.activation_params)\n    return result", "delta = grad_a\n    return result",
      *BACKPROP),
    m("backprop: vectorized version delegates to the per-example loop", "cs229nn/backprop.py",
      "    spec = _head(head, reduction)\n    g = ACTIVATIONS[net.activation]\n    result = forward(net, x)",
      "    return backprop_per_example(net, x, y, head, reduction)\n    spec = _head(head, reduction)\n"
      "    g = ACTIVATIONS[net.activation]\n    result = forward(net, x)",
      *CLAIMS_FIRST),
    m("backprop: ∂J/∂a^[0] computed though never used", "cs229nn/backprop.py",
      "delta, result.activations[k - 1], W, (k > 1, True, b is not None)",
      "delta, result.activations[k - 1], W, (True, True, b is not None)", *CLAIMS_FIRST),
    m("backprop per example: gradient of the last example only", "cs229nn/backprop.py",
      "weight_grads[k] += delta[k].mm(a[k - 1].t())", "weight_grads[k] = delta[k].mm(a[k - 1].t())",
      *BACKPROP),
    # ── the gradient checker ───────────────────────────────────────────────────────────────
    m("check: one-sided difference divided by 2h", "cs229nn/check/numeric.py",
      "flat[i] = original - h\n                minus = objective()", "flat[i] = original\n                minus = objective()",
      *CHECK),
    m("check: rel_error without the denominator's |y|", "cs229nn/check/metrics.py",
      "(x.abs() + y.abs()).clamp_min(1e-8)", "x.abs().clamp_min(1e-8)", *CHECK),
    m("check: float64 manual tolerance loosened to float32's", "cs229nn/check/metrics.py",
      "(\"manual\", torch.float64): Tolerance(rel=1e-10, abs=1e-12)", "(\"manual\", torch.float64): Tolerance(rel=1e-4, abs=1e-6)",
      *CHECK),
    m("check: input not restored after its perturbation", "cs229nn/check/numeric.py",
      "flat[i] = original\n                flat_grad[i]", "flat_grad[i]", *CHECK),
    m("check: sign of the gradient not diagnosed", "cs229nn/check/catalogue.py",
      "return {} if c is not None and _near(c, -1) else None", "return None", *CATALOGUE),
    m("check: the ½ of the squared loss not named by the diagnosis", "cs229nn/check/catalogue.py",
      "if ctx.op != \"squared_loss\" or c is None", "if ctx.op != \"squared\" or c is None", *CATALOGUE),
    m("check: absolute escape hatch not scaled by max |expected|", "cs229nn/check/metrics.py",
      "return rel <= self.rel or err <= self.abs * scale, rel, err", "return rel <= self.rel or err <= self.abs, rel, err",
      *CHECK),
    # ── lab judges, the grader's parent side, the student version of the labs ──────────────
    m("lab judge: raw_gradient_problems skips the count check", "cs229nn/lab/judge.py",
      "    if count != len(keys):\n        return [f\"backward returned",
      "    if False:\n        return [f\"backward returned", *LAB_JUDGE),
    m("lab judge: a tensor subclass accepted as a tensor", "cs229nn/lab/judge.py",
      "    if type(got) is not torch.Tensor:\n        return f\"{symbol}: expected a torch.Tensor",
      "    if not isinstance(got, torch.Tensor):\n        return f\"{symbol}: expected a torch.Tensor", *LAB_JUDGE),
    m("grader: the parent accepts tensor subclasses (and parameters) from the child", "cs229nn/grade/protocol.py",
      "    if type(value) is not torch.Tensor:\n        raise ProtocolError",
      "    if not isinstance(value, torch.Tensor):\n        raise ProtocolError", *GRADE_PARENT),
    m("grader: the parent accepts tensors that carry autograd history", "cs229nn/grade/protocol.py",
      "    if value.requires_grad or value.grad_fn is not None:", "    if value.grad_fn is not None:", *GRADE_PARENT),
    m("assign: hidden_checks.py copied to labs/", "cs229nn/lab/assign.py",
      "            if path.name in SOLUTION_ONLY:\n                continue\n", "", "tests/test_assign.py"),
    # ── optimizers and initialization ──────────────────────────────────────────────────────
    m("SGD: L2 step (1 − αλ/2)W", "cs229nn/optim.py",
      "p.grad.add(p, alpha=group[\"weight_decay\"])", "p.grad.add(p, alpha=group[\"weight_decay\"] / 2)",
      "tests/test_claims.py", "tests/test_optim.py"),
    m("SGD: biases decayed too", "cs229nn/optim.py",
      "(p.dim() >= 2 or group[\"decay_biases\"])", "(p.dim() >= 1 or group[\"decay_biases\"])",
      "tests/test_claims.py", "tests/test_optim.py"),
    m("momentum: v := βv + ∇J (torch's buffer, not the notes')", "cs229nn/optim.py",
      "alpha=1 - group[\"beta\"])", "alpha=1)", "tests/test_claims.py", "tests/test_optim.py"),
    m("momentum: step along the gradient, not the velocity", "cs229nn/optim.py",
      "p.add_(v, alpha=-group[\"lr\"])", "p.add_(p.grad, alpha=-group[\"lr\"])", "tests/test_claims.py", "tests/test_optim.py"),
    m("xavier: fan_in alone (1/fan_in)", "cs229nn/init.py",
      "math.sqrt(2.0 / (fan_in + fan_out))", "math.sqrt(1.0 / fan_in)", "tests/test_claims.py", "tests/test_init.py"),
    m("he: fan_out instead of fan_in", "cs229nn/init.py",
      "fan_in, _ = fans(tensor)\n    return normal_(tensor, 0.0, math.sqrt(2.0 / fan_in), generator)",
      "_, fan_in = fans(tensor)\n    return normal_(tensor, 0.0, math.sqrt(2.0 / fan_in), generator)",
      "tests/test_claims.py", "tests/test_init.py"),
    m("initialize_: biases left as they were by default", "cs229nn/init.py",
      "bias: Optional[float] = 0.0,", "bias: Optional[float] = None,", "tests/test_claims.py", "tests/test_init.py"),
    m("fans: receptive field ignored for filters", "cs229nn/init.py",
      "fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field",
      "fan_in, fan_out = tensor.shape[1], tensor.shape[0]",
      "tests/test_claims.py", "tests/test_init.py"),
    # ── sampling and data splits ───────────────────────────────────────────────────────────
    m("Ma Algorithm 2: batch drawn with replacement", "cs229nn/sampling.py",
      "yield torch.randperm(self.n, generator=self.generator)[: self.batch_size].tolist()",
      "yield torch.randint(self.n, (self.batch_size,), generator=self.generator).tolist()", "tests/test_sampling.py"),
    m("splits: order by Python's salted hash", "cs229nn/datasets/splits.py",
      "key=lambda item: hashlib.sha256(f\"{seed}:{item}\".encode()).digest()", "key=lambda item: hash(f\"{seed}:{item}\")",
      *SPLITS),
    m("splits: strata ignored (one stratum)", "cs229nn/datasets/splits.py",
      "groups[strata[item] if strata is not None else None].append(item)", "groups[None].append(item)", *SPLITS),
    m("splits: held-out share rounded down", "cs229nn/datasets/splits.py",
      "[: round(fraction * len(members))]", "[: int(fraction * len(members))]", *SPLITS),
    # ── the training loop ──────────────────────────────────────────────────────────────────
    m("fit: inf passes the finiteness check (NaN only)", "cs229nn/train.py",
      "new_bad = ~torch.isfinite(loss)", "new_bad = torch.isnan(loss)", "tests/test_train.py"),
    m("fit: the last bad step is reported, not the first", "cs229nn/train.py",
      "new_bad = ~torch.isfinite(loss) & (self.first_bad_step == 0)", "new_bad = ~torch.isfinite(loss)", "tests/test_train.py"),
    m("fit: an empty loader reports a loss of 0.0", "cs229nn/train.py",
      "        if self.count == 0:\n", "        if self.count == 0 and False:\n", "tests/test_train.py"),
    m("evaluate: model left in training mode", "cs229nn/train.py",
      "    was_training = model.training\n    model.eval()\n", "    was_training = model.training\n", "tests/test_train.py"),
    m("logit accuracy thresholded at ½", "cs229nn/train.py",
      "return ((z > 0) == (y > 0.5)).double().mean()", "return ((z > 0.5) == (y > 0.5)).double().mean()", "tests/test_train.py"),
    m("fit: a summed batch loss multiplied by n again", "cs229nn/train.py",
      "self.loss = self.loss + (loss if self.per_batch_is_sum else loss * n)", "self.loss = self.loss + loss * n",
      "tests/test_train.py"),
]


class SnippetError(Exception):
    pass


def tree_files(root: Path) -> List[str]:
    """The files git would see: tracked and untracked-but-not-ignored (no .venv, no caches)."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root, check=True, capture_output=True)
    return [p for p in out.stdout.decode().split("\0") if p and (root / p).is_file()]


def check_snippets(mutants: Sequence[Mutant], root: Path) -> None:
    """Every snippet occurs exactly once in its file; otherwise raise, naming every bad mutant."""
    problems = []
    for mutant in mutants:
        text = (root / mutant.path).read_text(encoding="utf-8")
        count = text.count(mutant.original)
        if count != 1:
            problems.append(f"  {mutant.name!r}: {mutant.path} contains its snippet {count} times, not once:\n"
                            f"      {mutant.original!r}")
        for test in mutant.tests:
            if not (root / test.split("::")[0]).is_file():
                problems.append(f"  {mutant.name!r}: test file {test} does not exist")
    if problems:
        raise SnippetError("mutants that no longer match the code (update their snippets in tools/mutants.py):\n"
                           + "\n".join(problems))


def copy_tree(files: Sequence[str], root: Path, dest: Path) -> None:
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


def run_tests(tree: Path, tests: Sequence[str]) -> Tuple[bool, float, str]:
    """(tests passed, seconds, pytest's last lines) for ``pytest -x -q`` on ``tests`` inside ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--tb=no", "-rfE", *tests],
                              cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        passed, tail = done.returncode == 0, "\n".join((done.stdout + done.stderr).splitlines()[-15:])
    except subprocess.TimeoutExpired:
        passed, tail = False, f"timed out after {TIMEOUT_S} s"
    return passed, time.monotonic() - start, tail


def killer(tail: str) -> str:
    """The failing test named in pytest's summary, or why the run failed."""
    failed = [line.split()[1] for line in tail.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return failed[0] if failed else tail.splitlines()[-1] if tail else "?"


def run_mutant(mutant: Optional[Mutant], snapshot: Path, tests: Sequence[str]) -> Tuple[bool, float, str]:
    """Copy ``snapshot`` to a fresh folder, apply ``mutant`` there (None: unchanged), run ``tests``."""
    with tempfile.TemporaryDirectory(prefix="cs229nn-mutant-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(snapshot, tree)
        if mutant is not None:
            target = tree / mutant.path
            text = target.read_text(encoding="utf-8")
            if text.count(mutant.original) != 1:
                raise SnippetError(f"{mutant.name!r}: snippet not found once in the snapshot of {mutant.path}")
            target.write_text(text.replace(mutant.original, mutant.replacement), encoding="utf-8")
        return run_tests(tree, tests)


def run_all(mutants: Sequence[Mutant], snapshot: Path, jobs: int) -> Optional[List[Mutant]]:
    """Run the baseline, then every mutant; print one line each; return the survivors (None: baseline failed)."""
    all_tests = sorted({t for mu in mutants for t in mu.tests})
    passed, seconds, tail = run_mutant(None, snapshot, all_tests)
    if not passed:
        print(f"the tests fail without any mutant ({' '.join(all_tests)}): fix them first\n{tail}", file=sys.stderr)
        return None
    print(f"baseline: the {len(all_tests)} test selections pass on the unmutated tree ({seconds:.0f} s)", flush=True)
    survivors = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda mu: run_mutant(mu, snapshot, mu.tests), mutants)
        for mu, (survived, seconds, tail) in zip(mutants, results):  # in order, each as soon as it is known
            print(f"{'SURVIVED' if survived else 'killed  '} {seconds:5.1f} s  {mu.path:<32} {mu.name}", flush=True)
            if survived:
                survivors.append(mu)
            else:
                print(f"{'':17}by {killer(tail)}", flush=True)
    return survivors


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-j", "--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("-k", "--keyword", default="", help="only mutants whose name or file contains this")
    parser.add_argument("--list", action="store_true", help="list the mutants and check their snippets; run nothing")
    parser.add_argument("--require", type=float, default=95.0, help="kill rate (percent) below which the exit status is 1")
    args = parser.parse_args(argv)

    mutants = [mu for mu in MUTANTS if args.keyword in mu.name or args.keyword in mu.path]
    try:
        check_snippets(mutants, ROOT)
        if args.list:
            for mu in mutants:
                print(f"{mu.path:<32} {mu.name}")
            print(f"{len(mutants)} mutants, every snippet found exactly once")
            return 0
        with tempfile.TemporaryDirectory(prefix="cs229nn-snapshot-") as tmp:
            # One copy of the tree, taken now: edits made while the mutants run do not leak into them.
            snapshot = Path(tmp)
            copy_tree(tree_files(ROOT), ROOT, snapshot)
            check_snippets(mutants, snapshot)
            survivors = run_all(mutants, snapshot, args.jobs)
    except SnippetError as err:
        print(err, file=sys.stderr)
        return 2
    if survivors is None:
        return 2
    killed = len(mutants) - len(survivors)
    rate = 100.0 * killed / len(mutants)
    print(f"\nkill rate: {killed}/{len(mutants)} = {rate:.1f} % (required {args.require:.0f} %)")
    for mu in survivors:
        print(f"  survived: {mu.name} ({mu.path}); tests: {' '.join(mu.tests)}")
    return 0 if rate >= args.require else 1


if __name__ == "__main__":
    sys.exit(main())
