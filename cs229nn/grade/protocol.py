"""What crosses between the grader and its child: files in the child's folder, and nothing else.

The parent writes ``job.json`` (the probes, as data, and the limits) and
``inputs.pt`` (a dict of tensors) next to a copy of the student's
``exercises.py``; the child writes ``outputs.pt``. The parent loads that with
``weights_only=True`` and keeps only plain values: exact ``torch.Tensor`` s (on
the CPU, dense), ``None``, ``bool``/``int``/``float`` and short strings. The
child runs student code in its own process, so everything it writes, the
outputs and what it says about the student's code, is a claim to be checked.
"""

import json
import os
import stat
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import torch

from cs229nn.lab.spec import Probe

JOB, INPUTS, OUTPUTS, EXERCISES = "job.json", "inputs.pt", "outputs.pt", "exercises.py"
MAX_TEXT = 2000  # characters kept of any string the child sends
MAX_ELEMENTS = 10_000_000  # a returned tensor larger than this is refused unread
MAX_OUTPUT_BYTES = 256 * 2**20


class ProtocolError(ValueError):
    """The child's output file is missing, unreadable or not made of plain data."""


def probe_to_data(probe: Probe) -> Dict[str, Any]:
    data = asdict(probe)
    return {**data, "args": list(probe.args), "grad": list(probe.grad), "kwargs": dict(probe.kwargs)}


def probe_from_data(data: Dict[str, Any]) -> Probe:
    return Probe(data["kind"], data["target"], tuple(data["args"]), dict(data["kwargs"]), tuple(data["grad"]), data["upstream"])


def write_job(folder: Path, probes: Sequence[Probe], inputs: Sequence[Dict[str, Any]], limits: Dict[str, int]) -> None:
    """The child's instructions: one probe and one input dict per check, and its resource limits."""
    job = {"probes": [probe_to_data(p) for p in probes], "limits": limits}
    (folder / JOB).write_text(json.dumps(job))
    torch.save([dict(i) for i in inputs], folder / INPUTS)


def read_job(folder: Path) -> tuple:
    """(probes, inputs, limits), in the child."""
    job = json.loads((folder / JOB).read_text())
    inputs = torch.load(folder / INPUTS, weights_only=True)
    return [probe_from_data(p) for p in job["probes"]], inputs, job["limits"]


def record(outputs: Optional[Dict[str, Any]] = None, error: Optional[str] = None, stub: Optional[str] = None,
           evidence: Sequence[str] = ()) -> Dict[str, Any]:
    """What the child reports for one check: the probe's outputs or the error it raised, and delegation evidence."""
    return {"outputs": outputs, "error": error, "stub": stub, "evidence": list(evidence)}


def _text(value: Any, what: str) -> str:
    if type(value) is not str:
        raise ProtocolError(f"{what} is a {type(value).__name__}, not a string")
    return value[:MAX_TEXT]


def _texts(value: Any, what: str) -> List[str]:
    if type(value) is not list:
        raise ProtocolError(f"{what} is a {type(value).__name__}, not a list")
    return [_text(v, what) for v in value[:50]]


def plain_value(value: Any, what: str) -> Any:
    """``value`` if it is plain data a judge may read, else :class:`ProtocolError`.

    ``type(x) is torch.Tensor`` excludes subclasses (``__torch_function__``) and
    parameters; a tensor must be dense, on the CPU and free of autograd history.
    """
    if value is None or type(value) in (bool, int, float):
        return value
    if type(value) is str:
        return value[:MAX_TEXT]
    if type(value) is not torch.Tensor:
        raise ProtocolError(f"{what} is a {type(value).__name__}, not a tensor, number or None")
    if value.layout is not torch.strided or value.device.type != "cpu" or value.is_quantized:
        raise ProtocolError(f"{what} must be a dense CPU tensor, got layout {value.layout} on {value.device}")
    if value.requires_grad or value.grad_fn is not None:
        raise ProtocolError(f"{what} carries autograd history")
    if value.numel() > MAX_ELEMENTS:
        raise ProtocolError(f"{what} has {value.numel()} elements, more than {MAX_ELEMENTS}")
    return value


def _plain_record(raw: Any, index: int) -> Dict[str, Any]:
    what = f"result {index}"
    if type(raw) is not dict:
        raise ProtocolError(f"{what} is a {type(raw).__name__}, not a dict")
    outputs = raw.get("outputs")
    if outputs is not None:
        if type(outputs) is not dict or not all(type(k) is str for k in outputs):
            raise ProtocolError(f"{what}: outputs must be a dict with string keys")
        outputs = {k[:200]: plain_value(v, f"output {k!r}") for k, v in list(outputs.items())[:100]}
    error, stub = raw.get("error"), raw.get("stub")
    return record(
        outputs,
        None if error is None else _text(error, f"{what}: error"),
        None if stub is None else _text(stub, f"{what}: stub"),
        _texts(raw.get("evidence", []), f"{what}: evidence"),
    )


def _checked_record(raw: Any, index: int) -> Dict[str, Any]:
    try:
        return _plain_record(raw, index)
    except ProtocolError as error:
        return record(error=f"the grader refused what came back: {error}")


def read_outputs(folder: Path, count: int) -> Dict[str, Any]:
    """The child's report, validated: ``{"import_error": str|None, "records": [record or None] * count}``.

    The file is opened without following links and must be a regular file of
    bounded size: the child owns the folder and may have replaced it by anything.
    """
    path = folder / OUTPUTS
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ProtocolError("the child wrote no results") from None
    except OSError as error:
        raise ProtocolError(f"the child's results cannot be opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OUTPUT_BYTES:
            raise ProtocolError("the child's results are not a regular file of reasonable size")
        try:
            with warnings.catch_warnings():  # a forged file's pickle protocol is refused below, not warned about
                warnings.simplefilter("ignore")
                raw = torch.load(handle, weights_only=True, map_location="cpu")
        except Exception as error:  # anything but plain data: a pickle trick, a truncated file
            raise ProtocolError(f"the child's results are not plain data ({type(error).__name__})") from None
    if type(raw) is not dict or type(raw.get("records")) is not list:
        raise ProtocolError("the child's results are not a dict of records")
    records = raw["records"][:count]
    plain = [None if r is None else _checked_record(r, i) for i, r in enumerate(records)]
    import_error = raw.get("import_error")
    return {
        "import_error": None if import_error is None else _text(import_error, "import error"),
        "records": plain + [None] * (count - len(plain)),
    }


def write_outputs(folder: Path, import_error: Optional[str], records: List[Optional[Dict[str, Any]]]) -> None:
    """In the child: replace the report with the results so far (a hang later keeps them)."""
    partial = folder / (OUTPUTS + ".partial")
    torch.save({"import_error": import_error, "records": records}, partial)
    os.replace(partial, folder / OUTPUTS)
