"""Where student code runs: a fresh ``python -I`` child per lab, limited, watched and cleaned up.

The parent (the process that keeps the score) never imports student code. Per
lab it makes an empty folder, puts a copy of ``exercises.py`` and the job into
it, and starts the child with a scrubbed environment, its own session (so the
whole process group can be killed) and ``sys.path`` = a private copy of the
cs229nn package (nothing of ``solutions/``). The child lowers its own limits
before importing student code (:func:`cs229nn.grade.child.apply_limits`); the
parent enforces the wall-clock limit itself and, after every child, kills its
process group and any process that escaped from it (the parent is a child
subreaper, so escaped descendants become its children).

As root (Gradescope), the child runs as an unprivileged user
(:data:`STUDENT_USER`, created if missing, else ``nobody``) who cannot read the
references (:func:`protect`), the results or other children's folders. As an
ordinary user the child runs as that user: see docs/grading.md for what that
does and does not isolate.
"""

import ctypes
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import cs229nn

STUDENT_USER = "cs229nn-student"
_PR_SET_CHILD_SUBREAPER = 36
# sys.path of the child: the private package copy first, then (with another interpreter) this one's site-packages.
_BOOT = "import sys; sys.path[:0] = [sys.argv[1]]; sys.path += sys.argv[3:]; from cs229nn.grade.child import main; main(sys.argv[2])"


@dataclass(frozen=True)
class Limits:
    """Per-child limits. ``memory_bytes`` is address space beyond what Python and torch map at start."""

    wall_s: float = 60.0
    cpu_s: int = 60
    memory_bytes: int = 2 * 2**30
    processes: int = 32
    file_bytes: int = 64 * 2**20


@dataclass(frozen=True)
class Account:
    """The unprivileged user the child runs as (root only)."""

    name: str
    uid: int
    gid: int


@dataclass(frozen=True)
class ChildRun:
    """How a child ended: its exit status (negative: killed by that signal), a timeout, its last output."""

    returncode: int
    timed_out: bool
    seconds: float
    log_tail: str

    def why_no_result(self, limits: Limits) -> str:
        if self.timed_out:
            return f"no result: your code ran past the {limits.wall_s:g} s time limit (an endless loop?) and was stopped"
        if self.returncode < 0:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = f"signal {-self.returncode}"
            return f"no result: the process running your code was killed by {name} (CPU, memory or file-size limit?)"
        last = (self.log_tail.strip().splitlines() or [""])[-1][:200]
        said = f" (its last output: {last})" if last else ""
        return f"no result: the process running your code exited (status {self.returncode}) before this check finished{said}"


def student_account() -> Optional[Account]:
    """As root: the unprivileged grading user (created with useradd if missing, else nobody); otherwise None."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(STUDENT_USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group", STUDENT_USER],
            capture_output=True,
        )
        try:
            entry = pwd.getpwnam(STUDENT_USER) if made.returncode == 0 else pwd.getpwnam("nobody")
        except KeyError:
            raise RuntimeError(f"running as root, but neither {STUDENT_USER} could be created nor 'nobody' found: student code would run as root") from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid)


class IsolationError(RuntimeError):
    """Student code cannot be isolated as asked (a user error: one line)."""


def _unreachable(account: Account, paths: Sequence[Path]) -> Optional[Path]:
    """The first of ``paths`` (or a folder above it) that ``account`` cannot read or pass through."""
    for path in paths:
        for part in [*reversed(path.parents), path]:
            info = part.stat()
            if info.st_uid == account.uid:
                continue
            bits = 0o001 if part != path else 0o004
            if info.st_gid == account.gid:
                bits <<= 3
            if not info.st_mode & bits:
                return part
    return None


def _site_packages() -> List[str]:
    """Where this interpreter finds torch and the other dependencies (for a child run by another one)."""
    import torch

    return [str(Path(torch.__file__).parent.parent)]


def protect(path: Path) -> Optional[str]:
    """As root: make ``path`` (the references) unreachable to other users; returns what was changed."""
    if os.geteuid() != 0 or not path.exists():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 == 0:
        return None
    os.chmod(path, mode & 0o700)
    return f"made {path} private (mode {mode & 0o700:o}, was {mode:o}) so that student code cannot read it"


def _proc(name: str) -> Iterator[Tuple[int, str]]:
    """(pid, text of /proc/<pid>/<name>) for every process still there."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                yield int(entry.name), Path(entry.path, name).read_text()
            except OSError:
                continue


def _user_processes(uid: int) -> int:
    """How many tasks (threads included: RLIMIT_NPROC counts them) ``uid`` runs now."""
    count = 0
    for _, status in _proc("status"):
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            count += int(fields.get("Threads", "1"))
    return count


def _children() -> Set[int]:
    """Pids whose parent is this process (the field after the command name in /proc/<pid>/stat)."""
    me = os.getpid()
    return {pid for pid, line in _proc("stat") if int(line.rpartition(")")[2].split()[1]) == me}


class Sandbox:
    """Runs children for one grading session; use as a context manager (it removes its folders)."""

    def __init__(self, limits: Limits = Limits(), as_student: Optional[bool] = None, python: Optional[str] = None) -> None:
        """``as_student``: None runs student code as :data:`STUDENT_USER` when root, False as this user.

        ``python``: the child's interpreter (default: this one). Another Python of the
        same version gets this one's site-packages appended to its path: for a grader
        whose own interpreter the unprivileged user cannot reach (under /root).
        """
        self.limits = limits
        self.account = student_account() if as_student is not False else None
        self.python = python or sys.executable
        self.site = _site_packages() if python else []
        if self.account is not None:
            self._check_reachable(self.account)
        self.root = Path(tempfile.mkdtemp(prefix="cs229nn-grade-"))
        os.chmod(self.root, 0o711)  # children may pass through to their own folder, not list the others
        self.logs = self.root / "logs"
        self.logs.mkdir(mode=0o700)
        self.package = self.root / "lib"
        shutil.copytree(Path(cs229nn.__file__).parent, self.package / "cs229nn")  # with __pycache__: no recompiling
        for folder, _, _ in os.walk(self.package):
            os.chmod(folder, 0o755)
        self._known_children = _children()
        self._running: Set[int] = set()  # children of run() calls in progress (other threads)
        self._lock = threading.Lock()
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def _check_reachable(self, account: Account) -> None:
        """Refuse, before any child starts, when ``account`` cannot run the interpreter or import torch."""
        packages = [Path(p) for p in self.site or _site_packages()]
        for needed, why, fix in [
            ([Path(os.path.realpath(self.python))], f"to run {self.python}", "make it readable by other users, pass --child-python with a system Python of the same version"),
            (packages, f"to import torch and the other dependencies from {packages[0]}", "install them where other users can read them (e.g. a virtual environment outside it)"),
        ]:
            blocked = _unreachable(account, needed)
            if blocked:
                raise IsolationError(
                    f"running as root, student code must run as {account.name}, who cannot read {blocked} (needed {why}); "
                    f"{fix}, or grade without user isolation with --same-user (docs/grading.md)"
                )

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.sweep()
        shutil.rmtree(self.root, ignore_errors=True)

    def folder(self) -> Path:
        """An empty folder for one child (the parent fills it, then hands it over)."""
        return Path(tempfile.mkdtemp(dir=self.root, prefix="lab-"))

    def child_limits(self) -> Dict[str, int]:
        processes = self.limits.processes
        if self.account is None:  # RLIMIT_NPROC counts every process of the user, not just the child's
            processes += _user_processes(os.getuid())
        return {"cpu_s": self.limits.cpu_s, "memory_bytes": self.limits.memory_bytes, "processes": processes, "file_bytes": self.limits.file_bytes}

    def run(self, folder: Path) -> ChildRun:
        """Run the child in ``folder`` until it exits or the wall-clock limit; kill what it left behind."""
        if self.account is not None:
            for path in [folder, *folder.iterdir()]:
                os.chown(path, self.account.uid, self.account.gid)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TMPDIR": str(folder), "LANG": "C.UTF-8",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
        handle, name = tempfile.mkstemp(dir=self.logs)
        os.close(handle)
        log_path = Path(name)
        identity = {} if self.account is None else {"user": self.account.uid, "group": self.account.gid, "extra_groups": []}
        start = time.perf_counter()
        with open(log_path, "wb") as log, self._lock:
            child = subprocess.Popen(
                [self.python, "-I", "-c", _BOOT, str(self.package), str(folder), *self.site],
                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, close_fds=True, umask=0o077, **identity,
            )
            self._running.add(child.pid)
        timed_out = False
        try:
            child.wait(timeout=self.limits.wall_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(child.pid)  # the group outlives its leader: kill what it forked
            child.wait()
            self._running.discard(child.pid)
        seconds = time.perf_counter() - start
        self.sweep()
        with open(log_path, "rb") as log:
            log.seek(max(0, log_path.stat().st_size - 2000))
            tail = log.read().decode("utf-8", "replace")
        log_path.unlink()
        return ChildRun(child.returncode, timed_out, seconds, tail)

    def sweep(self) -> None:
        """Kill every process that escaped a child (a double fork, setsid): as subreaper, they are ours now."""
        for _ in range(50):
            with self._lock:
                strays = _children() - self._known_children - self._running
            if not strays:
                return
            for pid in strays:
                _kill_group(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            time.sleep(0.02)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
