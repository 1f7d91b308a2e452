"""sha256 checksums: a corrupted or missing data file fails loudly, with the repair command."""

import hashlib
from pathlib import Path
from typing import Union


class ChecksumError(RuntimeError):
    """A data file is missing or its sha256 is not the one in the manifest."""


def sha256_file(path: Union[str, Path], chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Union[str, Path], expected_sha256: str, repair: str) -> None:
    """Raise :class:`ChecksumError` naming the file, both checksums and ``repair`` (a command)."""
    path = Path(path)
    if not path.is_file():
        raise ChecksumError(f"{path} is missing (expected sha256 {expected_sha256}); restore it with: {repair}")
    actual = sha256_file(path)
    if actual != expected_sha256:
        raise ChecksumError(
            f"{path} is corrupted or modified: expected sha256 {expected_sha256}, got {actual}; "
            f"restore it with: {repair}"
        )
