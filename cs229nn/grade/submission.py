"""Find each lab's ``exercises.py`` in a submission: a folder or a zip, as laid out in ``labs/``.

``lab03_backprop/exercises.py`` (at any depth, e.g. under one top folder of a
zip) belongs to lab 3. Any other ``.py`` file is matched by the lab named inside
it (the ``(lab03.<name>)`` of its stubs, or a docstring starting ``Lab 3``), so
a flat upload of several renamed ``exercises.py`` files works; a file naming no
lab or several is refused, saying what is expected. Files are read without
following links, a zip is read member by member (only ``.py`` files, bounded
sizes), and nothing is ever imported here.
"""

import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

from cs229nn.grade.references import ReferenceLab

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 2000
NAMED_LAB = re.compile(r"^lab(\d{2})_\w+$")
MENTIONS = (re.compile(r"\(lab(\d{2})\.\w+\)"), re.compile(r'\A\s*(?:"""|\'\'\')\s*Lab (\d+)\b'))


class SubmissionError(ValueError):
    """The submission cannot be read at all (a user error: one line)."""


@dataclass
class Located:
    """``sources[lab number]``: the bytes of that lab's exercises.py; ``notes``: what was refused and why."""

    sources: Dict[int, bytes] = field(default_factory=dict)
    origins: Dict[int, str] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


def _read_regular(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError("not a regular file")
        return handle.read(MAX_FILE_BYTES + 1)


def _folder_files(root: Path) -> Iterator[Tuple[str, bytes]]:
    count = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith("."):
                path = os.path.join(folder, name)
                count += 1
                if count > MAX_FILES or os.path.islink(path):
                    continue
                try:
                    yield os.path.relpath(path, root), _read_regular(path)
                except OSError:
                    continue


def _zip_files(path: Path) -> Iterator[Tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SubmissionError(f"{path} is not a readable zip file ({error})") from None
    with archive:
        for info in archive.infolist()[:MAX_FILES]:
            name = info.filename
            link = stat.S_ISLNK(info.external_attr >> 16)
            if info.is_dir() or link or not name.endswith(".py") or name.startswith("__MACOSX/"):
                continue
            parts = Path(name).parts
            if name.startswith("/") or ".." in parts:
                continue
            with archive.open(info) as member:
                yield name, member.read(MAX_FILE_BYTES + 1)


def submission_files(path: Path) -> Iterator[Tuple[str, bytes]]:
    """(relative path, bytes) of every ``.py`` file of a folder or zip submission."""
    path = Path(path)
    if path.is_dir():
        return _folder_files(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _zip_files(path)
    raise SubmissionError(f"{path} is neither a folder nor a zip file: submit your labNN_*/exercises.py files")


def _lab_of_folder(relative: str) -> int:
    """N if the file is ``.../labNN_name/exercises.py``, else -1."""
    parts = Path(relative).parts
    if parts[-1] == "exercises.py" and len(parts) > 1:
        match = NAMED_LAB.match(parts[-2])
        if match:
            return int(match.group(1))
    return -1


def _is_lab_script(relative: str) -> bool:
    """``labNN_name/labNN_name.py``: the lab's own script, handed in with the folder; never graded."""
    parts = Path(relative).parts
    return len(parts) > 1 and NAMED_LAB.match(parts[-2]) is not None and parts[-1] == parts[-2] + ".py"


def _labs_named_inside(data: bytes) -> set:
    text = data.decode("utf-8", "replace")
    return {int(n) for pattern in MENTIONS for n in pattern.findall(text)}


def locate(path: Path, labs: Sequence[ReferenceLab]) -> Located:
    """Each lab's ``exercises.py`` in the submission at ``path``."""
    wanted = {lab.number: lab for lab in labs}
    expected = ", ".join(lab.expected for lab in labs)
    located = Located()
    loose: List[Tuple[str, bytes]] = []
    for relative, data in submission_files(path):
        if len(data) > MAX_FILE_BYTES:
            located.notes.append(f"{relative} is larger than {MAX_FILE_BYTES // 1000} kB: ignored")
            continue
        number = _lab_of_folder(relative)
        if number in wanted:
            if number not in located.sources or relative.count("/") < located.origins[number].count("/"):
                located.sources[number], located.origins[number] = data, relative
        elif number == -1 and not _is_lab_script(relative):
            loose.append((relative, data))
    for relative, data in loose:
        named = _labs_named_inside(data) & set(wanted)
        if len(named) == 1 and next(iter(named)) not in located.sources:
            number = named.pop()
            located.sources[number], located.origins[number] = data, relative
        elif Path(relative).name.startswith(("exercises", "lab")) or len(named) > 1:
            why = "it names several labs" if len(named) > 1 else "it does not say which lab it belongs to" if not named else "that lab was already submitted"
            located.notes.append(f"{relative} was not graded: {why}; submit the files as in labs/ ({expected})")
    return located
