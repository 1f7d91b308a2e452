"""Choosing the device: CUDA when present, else CPU, overridable by argument or environment."""

import os
from typing import Optional, Union

import torch

DEVICE_ENV = "CS229NN_DEVICE"


def parse_device(name: Union[str, torch.device], source: str) -> torch.device:
    """``name`` as a ``torch.device`` this machine has; ``source`` says where it came from in errors.

    Raises:
        ValueError: not a device name ("gpu"), CUDA asked for where there is none, a CUDA
            index this machine does not have, or a kind cs229nn does not run on ("meta").
    """
    try:
        chosen = torch.device(name)
    except (RuntimeError, TypeError):
        raise ValueError(f"{source} is not a device name; use cpu, cuda or cuda:<index>") from None
    if chosen.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{source} asks for CUDA, but torch.cuda.is_available() is False on this machine; use cpu")
        count = torch.cuda.device_count()
        if chosen.index is not None and chosen.index >= count:
            raise ValueError(f"{source}: this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}")
    elif chosen.type != "cpu":
        raise ValueError(f"{source}: cs229nn runs on cpu or cuda, got {chosen.type!r}")
    return chosen


def device(requested: Optional[Union[str, torch.device]] = None) -> torch.device:
    """The device labs and reports run on.

    ``requested`` (for example ``"cpu"`` or ``"cuda:1"``) wins, then ``$CS229NN_DEVICE``;
    otherwise CUDA when ``torch.cuda.is_available()``, else CPU. Nothing in the package
    hard-codes a device: everything takes it from its inputs or from here.

    Raises:
        ValueError: the requested device is not a device name or not on this machine.
    """
    if requested is not None:
        return parse_device(requested, f"device {str(requested)!r}")
    from_env = os.environ.get(DEVICE_ENV, "").strip()
    if from_env:
        return parse_device(from_env, f"${DEVICE_ENV}={from_env!r}")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
