"""Choosing the device: CUDA when present, else CPU, overridable by environment."""

import os

import torch

DEVICE_ENV = "CS229NN_DEVICE"


def device() -> torch.device:
    """The device labs and reports run on.

    ``$CS229NN_DEVICE`` (for example ``cpu`` or ``cuda:1``) wins; otherwise CUDA
    when ``torch.cuda.is_available()``, else CPU. Nothing in the package
    hard-codes a device: everything takes it from its inputs or from here.
    """
    requested = os.environ.get(DEVICE_ENV, "").strip()
    if requested:
        try:
            chosen = torch.device(requested)
        except RuntimeError as err:
            raise ValueError(f"${DEVICE_ENV}={requested!r} is not a device name (try 'cpu' or 'cuda')") from err
        if chosen.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"${DEVICE_ENV}={requested!r} asks for CUDA, but torch.cuda.is_available() is False")
        return chosen
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
