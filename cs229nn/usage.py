"""Mistakes on the command line: one line on stderr, exit status 2, never a traceback.

Every ``cs229nn`` subcommand builds its parser with :class:`ArgumentParser` and
checks its arguments with the functions below *before* any expensive work (the
report must not run for a minute and then find that ``--out`` is a folder). A
mistake raises :class:`UsageError`; :func:`cs229nn.cli.main`, the one place that
catches it, prints ``cs229nn COMMAND: error: …`` and returns 2. Errors in the
data or the code (a corrupted file, a failing check) are not usage errors: they
keep their own exit status or traceback.
"""

import argparse
import os
from pathlib import Path
from typing import NoReturn, Optional, Union

import torch

from cs229nn.datasets.paths import existing_root
from cs229nn.device import device, parse_device


class UsageError(Exception):
    """A command-line argument or environment variable the user must change; the message says how."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a parse error is a :class:`UsageError` (one line) instead of usage text and ``sys.exit``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def device_option(text: Optional[str]) -> torch.device:
    """The device of ``--device TEXT``, or of ``$CS229NN_DEVICE`` / the default when TEXT is None."""
    try:
        return parse_device(text, f"--device {text}") if text is not None else device()
    except ValueError as err:
        raise UsageError(str(err)) from None


def _writable_place(path: Path, option: str) -> None:
    """The nearest existing folder above ``path`` must be a folder we may write in."""
    above = path.absolute().parent
    while not above.exists():
        above = above.parent
    if not above.is_dir():
        raise UsageError(f"{option} {path}: {above} is a file, so nothing can be written below it")
    if not os.access(above, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: the folder {above} is not writable")


def output_file(path: Union[str, Path], option: str = "--out", example: str = "name") -> Path:
    """``path`` if a file can be written there: not an existing folder, under a writable folder.

    ``example`` is a file name to suggest when ``path`` is a folder.
    """
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder; give a file path, e.g. {path / example}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{option} {path} is not writable")
    _writable_place(path, option)
    return path


def output_folder(path: Union[str, Path], option: str = "--out") -> Path:
    """``path`` if it is a folder, or can be made one, that we may write in."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file; give a folder")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {path}: the folder is not writable")
    else:
        _writable_place(path, option)
    return path


def data_root(path: Optional[Union[str, Path]], option: str = "--root") -> Path:
    """The datasets folder of ``--root`` (or ``$CS229NN_DATA`` / the checkout's), which must exist."""
    try:
        return existing_root(path, f"{option} ")
    except OSError as err:
        raise UsageError(str(err)) from None
