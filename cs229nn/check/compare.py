"""compare_gradients: a model's manual backward against autograd and finite differences.

Besides the gradients torch's engine delivers, it judges what every custom
Function's backward *returned* (:mod:`cs229nn.check.raw`): an unsummed bias
gradient that torch would quietly sum, or a transposed ∂J/∂W that torch would
reject with "invalid gradient at index 1". For a chain of layers (an MLP) it
also compares the gradient of every layer's output, from the loss down, and
names the first wrong step (:func:`cs229nn.check.judge.first_wrong_layer`).
"""

import copy
import re
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch

from cs229nn.check.catalogue import UNEXPLAINED, Context, Finding, diagnose, finding
from cs229nn.check.judge import Place, check_raw_gradients, first_wrong_layer, judge_gradient
from cs229nn.check.metrics import tolerance
from cs229nn.check.numeric import numeric_gradient, require_finite
from cs229nn.check.raw import graph_backward
from cs229nn.check.table import GradientReport, GradientRow
from cs229nn.mode import backprop_mode
from cs229nn.nn.module import notes_names


def _cast(t: torch.Tensor, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    # contiguous, so that numeric_gradient can perturb it through a flat view
    return t.detach().to(device=device, dtype=dtype if t.is_floating_point() else t.dtype).clone(memory_format=torch.contiguous_format)


# ---- the layers of a chain, in the notes' names ---------------------------------------------


@dataclass
class Layer:
    """A leaf module as it ran: its output, the notes' symbol of that output, and the step of its backward."""

    module: torch.nn.Module
    output: torch.Tensor
    symbol: str  # z^[k] after a Linear/Conv2d k, a^[k] after its activation
    layer: Optional[int]
    input_step: str  # the backward step that turns ∂J/∂output into ∂J/∂input
    kind: str = ""  # "activation" for δ = ∂J/∂a ⊙ g′(z)


def _layer_index(module: torch.nn.Module) -> Optional[int]:
    notation = module.notation() if hasattr(module, "notation") else {}
    found = re.search(r"\^\[(\d+)\]", notation.get("weight", ""))
    return int(found.group(1)) if found else None


def _describe(module: torch.nn.Module, below: Optional[Layer]) -> Layer:
    """The notes' names for a module's output and backward, given the layer that ran just before it."""
    name = type(module).__name__
    has_parameters = bool(list(module.parameters(recurse=False)))
    if has_parameters:
        k = _layer_index(module)
        sup = f"^[{k}]" if k is not None else ""
        below_sup = f"^[{k - 1}]" if k is not None else ""
        if "Conv" in name:
            step = f"the convolution's input gradient ∂J/∂a{below_sup}, δ{sup} convolved back with θ (Ng §3.3.2, eq. 3.22)"
        else:
            step = f"the input gradient ∂J/∂a{below_sup} = δ{sup} W{sup} (Ma §3, Claim 3.4, eq. 3.14)"
        return Layer(module, None, f"z{sup}", k, step)
    if below is not None and bool(list(below.module.parameters(recurse=False))):
        # a parameter-free module right after a layer: its activation a = g(z) (Ma eq. 2.13)
        k = below.layer
        sup = f"^[{k}]" if k is not None else ""
        step = f"the activation's backward δ{sup} = ∂J/∂a{sup} ⊙ g′(z{sup}), most likely g′(z{sup}) (Ma §3, Claim 3.3, eq. 3.12)"
        return Layer(module, None, f"a{sup}", k, step, "activation")
    return Layer(module, None, f"the output of {name}", below.layer if below else None, f"the backward of {name}")


class _ChainTrace:
    """Records every leaf module's output during one forward pass, in order."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.layers: List[Layer] = []
        leaves = [m for m in model.modules() if not list(m.children())]
        self._handles = [m.register_forward_hook(self._record) for m in leaves]

    def _record(self, module, inputs, output) -> None:
        if not isinstance(output, torch.Tensor) or not output.requires_grad:
            return
        layer = _describe(module, self.layers[-1] if self.layers else None)
        layer.output = output
        if any(layer.symbol == seen.symbol for seen in self.layers):  # layers without an index, or a module used twice
            layer.symbol = f"{layer.symbol} (#{len(self.layers) + 1})"
        self.layers.append(layer)

    def close(self) -> None:
        for h in self._handles:
            h.remove()


def _places(layers: Sequence[Layer], params: Dict[int, List[Tuple[str, torch.nn.Module]]], inputs: Sequence[str]) -> List[Place]:
    """From the loss down: ∂J/∂(output of the last layer), its parameters, the output below, …, the inputs."""
    places = []
    consumer = Layer(None, None, "J", None, "the loss's backward δ^[r] = ∂J/∂z^[r] (Ma §3, eq. 3.16 for the squared loss)")
    for layer in reversed(layers):
        places.append(Place(layer.symbol, consumer.input_step, consumer.layer if consumer.layer is not None else layer.layer, consumer.kind))
        for symbol, _ in params.get(id(layer.module), []):
            places.append(Place(symbol, _parameter_step(symbol), layer.layer, "parameter"))
        consumer = layer
    return places + [Place(name, consumer.input_step, consumer.layer, consumer.kind) for name in inputs]


def _parameter_step(symbol: str) -> str:
    k = symbol[symbol.index("^") :] if "^" in symbol else ""
    if symbol.startswith("W"):
        return f"the weight gradient ∂J/∂W{k} = δ{k}ᵀ a^[k−1] (Ma §3, Claim 3.2, eq. 3.10)"
    if symbol.startswith("b"):
        return f"the bias gradient ∂J/∂b{k} = Σ_i δ{k}_i (Ma §3, Claim 3.2, eq. 3.11)"
    return f"the gradient of {symbol}"


# ---- raw outputs of the graph's custom Functions ---------------------------------------------


def _raw_findings(
    calls, fed, symbol_of_tensor: Dict[int, str], symbol_of_node: Dict[object, str], context: Context
) -> Tuple[List[Finding], Dict[str, torch.Tensor]]:
    """check_raw_gradients for every custom Function node the engine reached; also symbol -> raw gradient."""
    findings, returned = [], {}
    for call in calls:
        node = call.node
        if call.error is not None:
            if "modified by an inplace operation" in call.error:  # the engine's own call changed a saved tensor
                findings.append(finding("in_place_saved", f"(the inputs of {node.name()})",
                                        {"detail": "a second call of backward finds a saved tensor changed in place"}))
            else:
                findings.append(finding("function_raised", "", {"detail": f"in {node.name()}: {call.error}"}))
            continue
        n_inputs = len(node.needs_input_grad)
        if len(call.raw) != n_inputs:
            symbols = [symbol_of_node.get(nxt, f"input {i}") for i, (nxt, _) in enumerate(node.next_functions)]
            findings.append(finding("wrong_count", "", {"got": str(len(call.raw)), "want": str(n_inputs), "symbols": ", ".join(symbols)}))
            continue
        # tensor inputs come first in forward (as in every cs229nn Function); next_functions lists only them
        likes, symbols, needs = [], [], []
        for i, (nxt, nr) in enumerate(node.next_functions):
            like = None
            if nxt is not None and hasattr(nxt, "variable"):
                like, symbol = nxt.variable, symbol_of_tensor.get(id(nxt.variable), f"input {i} of {node.name()}")
            elif nxt is not None and nxt in fed and fed[nxt][nr] is not None:
                like, symbol = fed[nxt][nr], symbol_of_node.get(nxt, f"input {i} of {node.name()}")
            else:
                symbol = f"input {i} of {node.name()}"
            likes.append(like)
            symbols.append(symbol)
            needs.append(like is not None)
        findings += check_raw_gradients(call.raw[: len(likes)], likes, symbols, needs, [context] * len(likes))
        returned.update((symbol, g) for symbol, g, need in zip(symbols, call.raw, needs) if need and isinstance(g, torch.Tensor))
    return findings, returned


# ---- the comparison ------------------------------------------------------------------------


def compare_gradients(
    model: Callable[..., torch.Tensor],
    *inputs: torch.Tensor,
    reference: Optional[Callable[..., torch.Tensor]] = None,
    loss: Optional[Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = None,
    target: Optional[torch.Tensor] = None,
    input_names: Optional[Sequence[str]] = None,
    dtype: Optional[torch.dtype] = None,
    device: Optional[torch.device] = None,
    numeric: bool = True,
    title: Optional[str] = None,
    seed: int = 0,
) -> GradientReport:
    """Run ``model`` with manual backward, with autograd and numerically, and compare.

    Args:
        model: an ``nn.Module`` built from cs229nn modules (run once inside
            ``backprop_mode("manual")`` and once inside ``backprop_mode("autograd")``),
            or any function of ``inputs`` when ``reference`` is given.
        inputs: the inputs; gradients are checked for every floating-point input
            and every parameter of ``model``.
        reference: an autograd implementation of the same function (e.g. ``torch.relu``
            for ``cs229nn.functional.relu``); it replaces the autograd-mode run.
        loss, target: J = loss(model(*inputs), target). Without them J is the output
            itself if it is a scalar, else Σ output ⊙ R for a fixed random R, so that
            every output entry matters.
        input_names: names for the inputs in the report (default "x", or "x0", "x1", …).
        dtype, device: where to run (default: as given); numeric gradients are always
            computed in float64 on a copy.
        numeric: skip the (slow, one forward per entry ×2) numeric gradient if False.
        title: the report's title (default: the module's class or the function's name).

    Returns:
        a :class:`GradientReport`; ``report.passed``, ``report.mistakes`` and ``print(report)``.
    """
    if reference is None and not isinstance(model, torch.nn.Module):
        raise TypeError("compare_gradients needs an nn.Module (run in both modes) or reference= for a plain function")
    first = next((t for t in inputs if t.is_floating_point()), None)
    device = torch.device(device) if device is not None else (first.device if first is not None else torch.device("cpu"))
    dtype = dtype or (first.dtype if first is not None else torch.float64)
    names = list(input_names) if input_names else (["x"] if len(inputs) == 1 else [f"x{i}" for i in range(len(inputs))])
    n = inputs[0].shape[0] if inputs and inputs[0].dim() else None
    # R must not coincide with the inputs (RᵀX would be symmetric if R = X and hide a
    # transposed ∂J/∂W), so it is uniform, from its own stream, not randn(seed).
    generator = torch.Generator().manual_seed(seed + 7919)

    def setup(run_dtype: torch.dtype):
        """A fresh copy of the model and inputs in ``run_dtype``, with the tensors to differentiate."""
        m = copy.deepcopy(model).to(device=device, dtype=run_dtype) if isinstance(model, torch.nn.Module) else model
        xs = [_cast(t, run_dtype, device) for t in inputs]
        y = None if target is None else _cast(target, run_dtype, device)
        wrt = [(name, x) for name, x in zip(names, xs) if x.is_floating_point()]
        owners: Dict[int, List[Tuple[str, torch.nn.Module]]] = {}
        if isinstance(m, torch.nn.Module):
            symbols = notes_names(m)
            for module_name, module in m.named_modules():
                for local, p in module.named_parameters(recurse=False):
                    if p.requires_grad:
                        full = f"{module_name}.{local}" if module_name else local
                        symbol = symbols.get(full, full)
                        if any(symbol == taken for taken, _ in wrt):  # two layers without a layer index: both "b"
                            symbol = f"{symbol} ({full})"
                        wrt.append((symbol, p))
                        owners.setdefault(id(module), []).append((symbol, module))
        return m, xs, y, wrt, owners

    upstream: List[torch.Tensor] = []  # the fixed random R, made on first use

    def objective(fn, xs, y) -> torch.Tensor:
        out = fn(*xs)
        if loss is not None:
            return loss(out, y)
        if out.dim() == 0:
            return out
        if not upstream:
            upstream.append(2 * torch.rand(out.shape, generator=generator, dtype=torch.float64) - 1)
        return (out * upstream[0].to(out)).sum()

    context = Context(n=n, dtype=dtype)

    def run(mode: str):
        """J, its gradients (None if torch's engine refused them), the chain's layers, their output gradients, raw findings."""
        m, xs, y, wrt, owners = setup(dtype)
        for _, t in wrt:
            t.requires_grad_(True)
        fn = reference if (mode == "autograd" and reference is not None) else m
        trace = _ChainTrace(m) if isinstance(fn, torch.nn.Module) else None
        try:
            with backprop_mode(mode):
                J = objective(fn, xs, y)
        finally:
            if trace is not None:
                trace.close()
        require_finite(J.detach(), "J")
        layers = trace.layers if trace is not None else []
        tensors = [t for _, t in wrt] + [layer.output for layer in layers]
        grads, error, calls, fed = graph_backward(J, tensors)
        symbol_of_tensor = {id(t): name for name, t in wrt}
        symbol_of_node = {layer.output.grad_fn: layer.symbol for layer in layers}
        raw, returned = _raw_findings(calls, fed, symbol_of_tensor, symbol_of_node, context) if mode == "manual" else ([], {})
        if error is not None and not raw:
            raw = [finding("function_raised", "", {"detail": error.splitlines()[0]})]
        params = {name: torch.zeros_like(t) if g is None else g for (name, t), g in zip(wrt, grads)} if grads else None
        outputs = {layer.symbol: g for layer, g in zip(layers, grads[len(wrt) :]) if g is not None} if grads else {}
        return J.detach(), [name for name, _ in wrt], params, layers, outputs, owners, raw, returned

    J_manual, wrt_names, manual, layers, manual_outputs, owners, raw, returned = run("manual")
    J_auto, _, auto, _, auto_outputs, _, _, _ = run("autograd")

    numeric_grads: List[Optional[torch.Tensor]] = [None] * len(wrt_names)
    if numeric:
        m64, xs64, y64, wrt64, _ = setup(torch.float64)
        fn64 = reference if reference is not None else m64
        with backprop_mode("autograd"):
            numeric_grads = numeric_gradient(lambda: objective(fn64, xs64, y64), [t for _, t in wrt64])

    default_title = type(model).__name__ if isinstance(model, torch.nn.Module) else getattr(model, "__name__", type(model).__name__)
    report = GradientReport(title or default_title, dtype, device)
    manual_tol, numeric_tol = tolerance("manual", dtype), tolerance("numeric", dtype)
    # J is a fixed random projection of the output, so equal J's mean equal forwards.
    report.forward_passed, report.forward_rel, _ = manual_tol.accepts(J_manual, J_auto)
    by_symbol: Dict[str, List[Finding]] = {}
    for f in raw:
        by_symbol.setdefault(f.symbol, []).append(f)
    for name, g_num in zip(wrt_names, numeric_grads):
        g_auto = auto[name]
        row_raw = by_symbol.pop(name, [])
        if name in returned and returned[name].shape != g_auto.shape:
            # shaped wrongly: now that the right gradient is known, its numbers can tell a transposed W
            row_raw = judge_gradient(returned[name], g_auto, name, context).findings or row_raw
        if manual is None:
            verdict = None
            problem = "; ".join(str(f) for f in row_raw) or "not checked: torch stopped the backward at the wrong gradient reported here"
            row = GradientRow(name, tuple(g_auto.shape), float("nan"), float("nan"), None, False, problem, row_raw)
        else:
            verdict = judge_gradient(manual[name], g_auto, name, context)
            findings = row_raw + verdict.findings
            ok = verdict.passed and not row_raw
            problem = "" if ok else "; ".join(
                [str(f) for f in row_raw]
                + ([f"relative error {verdict.rel:.2g} against autograd"] if not verdict.passed else [])
                + [str(f) for f in verdict.findings if not f.accepted]
            )
            if not verdict.passed and not verdict.findings:
                problem += "; " + UNEXPLAINED
            row = GradientRow(name, tuple(g_auto.shape), verdict.abs, verdict.rel, None, ok, problem, findings)
        if g_num is not None:
            n_ok, row.numeric_rel, _ = numeric_tol.accepts(g_num, g_auto)
            if not n_ok:
                row.problem = (row.problem + "; " if row.problem else "") + (
                    f"autograd disagrees with the numeric gradient (relative error {row.numeric_rel:.2g}): "
                    "is the forward pass differentiable here (a kink of ReLU within h)?"
                )
                row.passed = False
        report.rows.append(row)
    report.findings = [f for fs in by_symbol.values() for f in fs]
    if layers and not report.passed:
        got, expected = {**manual_outputs, **(manual or {})}, {**auto_outputs, **auto}
        inputs_checked = [name for name, x in zip(names, inputs) if x.is_floating_point()]
        report.located = first_wrong_layer(_places(layers, owners, inputs_checked), got, expected, dtype)
        if report.located is not None:
            _name_the_located_mistake(report, got, expected, context)
    return report


def _name_the_located_mistake(report: GradientReport, got, expected, context: Context) -> None:
    """Diagnose the first wrong gradient itself, and mark the rows that only inherit it."""
    place, above = report.located.place, report.located.last_right
    if above is not None and place.kind == "activation":
        # an activation's backward: δ = ∂J/∂a ⊙ g′(z), so "g′ missing" means δ equals the right ∂J/∂a
        variants = {"missing_g_prime": [("", expected[above.symbol])]}
        found = diagnose(got[place.symbol], expected[place.symbol], place.symbol, replace(context, variants=variants))
        if found is not None:
            report.findings.append(found)
    below = {p.symbol for p in report.located.inherited}
    for row in report.failures:
        if row.name in below and not row.findings:
            origin = f"the error in layer {place.layer}" if place.layer is not None else "the error located above"
            row.problem = row.problem.replace(UNEXPLAINED, f"inherited from {origin} (see where:)")
