"""The manifest of shipped data files, ``<root>/SHA256SUMS``, and the once-per-process check.

The manifest is in ``sha256sum`` format (``<sha256>  <path relative to root>``), so
``cd datasets && sha256sum -c SHA256SUMS`` checks the same thing without Python.
Loaders call :func:`shipped_file`, which verifies a file the first time a process
asks for it and remembers the answer: constructing a dataset twice hashes once,
and ``__getitem__`` never hashes.
"""

from pathlib import Path
from typing import Dict, Optional, Set, Tuple, Union

from cs229nn.datasets.checksums import ChecksumError, verify_file
from cs229nn.datasets.paths import checkout_datasets, existing_root

MANIFEST = "SHA256SUMS"

# (resolved path, expected sha256) pairs verified in this process.
_verified: Set[Tuple[str, str]] = set()


def repair_command(root: Union[str, Path], relpath: str) -> str:
    """The shell command that restores the shipped file ``relpath`` under ``root``.

    In this checkout's own ``datasets/`` that is ``git checkout``; elsewhere (a
    ``$CS229NN_DATA`` copy) it is a copy from the checkout.
    """
    root = Path(root).resolve()
    shipped = checkout_datasets()
    repo = shipped.parent
    if (repo / ".git").exists():
        if root == shipped:
            return f"git -C {repo} checkout -- datasets/{relpath}"
        if (shipped / relpath).is_file():  # else a cp from the checkout cannot work
            return f"cp {shipped / relpath} {root / relpath}"
    return f"copy datasets/{relpath} from the cs229nn repository to {root / relpath}"


def read_manifest(root: Optional[Union[str, Path]] = None) -> Dict[str, str]:
    """``{path relative to root: sha256}`` from ``<root>/SHA256SUMS``.

    Raises:
        FileNotFoundError: ``root`` is not an existing folder.
        ChecksumError: the manifest is missing or has a malformed line.
    """
    root = existing_root(root)
    path = root / MANIFEST
    if not path.is_file():
        raise ChecksumError(
            f"{path} is missing (it holds the sha256 of every shipped data file); "
            f"restore it with: {repair_command(root, MANIFEST)}"
        )
    entries: Dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, relpath = line.partition("  ")
        if not sep or len(digest) != 64 or not relpath:
            raise ChecksumError(
                f"{path}, line {number}, is not '<sha256>  <path>': {line!r}; "
                f"restore it with: {repair_command(root, MANIFEST)}"
            )
        entries[relpath] = digest
    return entries


def shipped_file(relpath: str, root: Optional[Union[str, Path]] = None, *, recheck: bool = False) -> Path:
    """The path of shipped file ``relpath`` under ``root``, after checking its sha256 against the manifest.

    Args:
        relpath: path relative to the datasets root, as written in the manifest.
        root: datasets root (default: :func:`~cs229nn.datasets.paths.default_root`).
        recheck: hash again even if this process has verified the file before.

    Raises:
        FileNotFoundError: ``root`` is not an existing folder.
        ChecksumError: the file is missing, differs from the manifest, or is not in it;
            the message names the file, both checksums and the command that restores it.
    """
    root = existing_root(root)
    path = root / relpath
    expected = read_manifest(root).get(relpath)
    if expected is None:
        raise ChecksumError(
            f"{root / MANIFEST} has no entry for {relpath}; restore the manifest with: {repair_command(root, MANIFEST)}"
        )
    key = (str(path.resolve()), expected)
    if recheck or key not in _verified:
        verify_file(path, expected, repair_command(root, relpath))
        _verified.add(key)
    return path
