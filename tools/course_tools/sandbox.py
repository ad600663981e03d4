"""Run a student's code in a sandbox, with a limit on every resource it may use.

Grading runs code we did not write: a package may hang, eat memory, print
forever, start a detached process, or try to rewrite the tests and the report
that judge it. Every step that runs student code (the import probe, the
tests, the differential cases, integration tests, milestones) therefore goes
through `Sandbox.run`:

- **bubblewrap** (Debian's `bubblewrap`, the sandbox of Flatpak) builds a new
  mount, PID, network, IPC and UTS namespace. The new root holds only what
  the step may read, bound read-only: the system (`/usr`, `/etc`), the
  Python installation, the step's venv, and the course files it names (the
  module's tests, never the reference source). It may write only to its own
  output folder and a private `/tmp` (a size-limited tmpfs). No network.
- **Its own process tree.** The step is PID 1's child in its namespace: when
  it ends, or is killed, every process it started dies with it, detached
  ones too (`--die-with-parent`, and the namespace goes away).
- **Another user.** As root, the step runs as `nobody` (`setpriv`), with no
  capabilities, so even a bug in the binds does not hand it the grader's files.
- **Limits** (`Limits`): wall time (the whole process group is killed),
  address space, file size and process count (`prlimit`, applied to
  everything the step starts), and captured output (the step is stopped
  when it prints more). The limit that was hit is named in `Outcome.limit`.

Without bubblewrap the step still runs, with the limits but without the
namespaces; `status()` says so, and the grade report says so in its first line:
such a grade is not tamper-proof. Cost: running `/bin/true` in the sandbox took
12-19 ms here (2.6 ms without it), next to steps that take seconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534  # the unprivileged user of Debian and most Linux systems
SYSTEM = ("/usr", "/etc")  # read-only; /bin, /lib, /lib64 and /sbin are links into /usr
USR_LINKS = ("bin", "lib", "lib64", "sbin")
MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "Killed")


@dataclass(frozen=True)
class Limits:
    """What one step may use. The defaults suit a module's tests on a 2-core, 24 GiB machine."""

    seconds: float = 900.0
    memory_bytes: int = 6 * 2**30  # address space of each process (RLIMIT_AS)
    output_bytes: int = 2 * 2**20  # captured stdout + stderr
    file_bytes: int = 512 * 2**20  # the largest file it may write (RLIMIT_FSIZE)
    processes: int = 512  # processes and threads of the sandbox's user (RLIMIT_NPROC)
    tmp_bytes: int = 1 * 2**30  # its private /tmp

    def describe(self, which: str) -> str:
        """`time limit (900 s)`: the limit named for a report."""
        size = {"memory": self.memory_bytes, "output": self.output_bytes}.get(which)
        amount = f"{self.seconds:g} s" if which == "time" else _size(size or 0)
        return f"{which} limit ({amount})"


@dataclass
class Outcome:
    """How a step ended: its exit code (None when it was killed), output and limit hit."""

    code: int | None
    output: str
    seconds: float
    limit: str = ""  # "" | "time" | "memory" | "output"


def _size(n: int) -> str:
    for unit in ("GiB", "MiB", "KiB"):
        scale = {"GiB": 2**30, "MiB": 2**20, "KiB": 2**10}[unit]
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} B"


def status() -> str:
    """"" when steps can be sandboxed here, else why not (one line)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return ("bubblewrap is not installed (apt-get install bubblewrap): student code runs "
                "unsandboxed")
    probe = Sandbox([], [], Limits(seconds=30))
    result = probe.run(["/bin/true"], cwd=Path("/"))
    if result.code != 0:
        first = (result.output.strip().splitlines() or ["no output"])[0]
        return f"bubblewrap does not work here ({first}): student code runs unsandboxed"
    return ""


def python_home(venv: Path) -> Path | None:
    """The Python installation a venv was made from (`home` in pyvenv.cfg, one level up)."""
    cfg = venv / "pyvenv.cfg"
    if not cfg.is_file():
        return None
    for line in cfg.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip()).resolve().parent
    return None


class Sandbox:
    """A way to run commands: which paths they may read, which they may write, and limits.

    `read_only` and `writable` are bound at the same paths inside, so commands
    and file names need no translation. `isolate=False` runs without bubblewrap
    (limits only), as when `status()` says it cannot work.
    """

    def __init__(self, read_only: Sequence[Path], writable: Sequence[Path], limits: Limits,
                 isolate: bool = True) -> None:
        self.read_only = [Path(p) for p in read_only]
        self.writable = [Path(p) for p in writable]
        self.limits = limits
        self.isolate = isolate and shutil.which("bwrap") is not None

    def argv(self, cmd: Sequence[str], cwd: Path, env: Mapping[str, str]) -> list[str]:
        """The full command line: prlimit, then bwrap and setpriv (when isolating), then cmd."""
        lim = self.limits
        out = [shutil.which("prlimit") or "prlimit", f"--as={lim.memory_bytes}",
               f"--fsize={lim.file_bytes}", f"--nproc={lim.processes}", "--core=0", "--"]
        if not self.isolate:
            return out + list(cmd)
        out += ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--proc", "/proc", "--dev", "/dev"]
        for path in SYSTEM:
            out += ["--ro-bind", path, path]
        for name in USR_LINKS:
            if os.path.islink(f"/{name}"):
                out += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
            elif os.path.isdir(f"/{name}"):
                out += ["--ro-bind", f"/{name}", f"/{name}"]
        out += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp"]
        made: set[Path] = {Path("/"), Path("/tmp"), *map(Path, SYSTEM)}
        bound: set[Path] = set(map(Path, SYSTEM))  # /tmp is a fresh tmpfs: folders are made
        for flag, paths in (("--ro-bind", self.read_only), ("--bind", self.writable)):
            for path in paths:
                out += _folders(list(path.parents), made, bound)  # readable, not bwrap's 0700
                out += [flag, str(path), str(path)]
                made.add(path)
                bound.add(path)
        out += _folders([cwd, *cwd.parents], made, bound)
        out += ["--clearenv", "--chdir", str(cwd)]
        for key, value in env.items():
            out += ["--setenv", key, value]
        if os.geteuid() == 0:  # drop to nobody, with no capabilities left
            out += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                    "--", "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
        return [*out, "--", *cmd]

    def run(self, cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None,
            log: Path | None = None) -> Outcome:
        """Run `cmd` within the limits; its output (at most `output_bytes`) and how it ended."""
        env = dict(env or {})
        for path in self.writable:  # the step's user must be able to write its output
            path.mkdir(parents=True, exist_ok=True)
            if self.isolate and os.geteuid() == 0:
                os.chmod(path, 0o777)  # a fresh folder of this step alone
        full_env = env if self.isolate else {**os.environ, **env}
        t0 = time.monotonic()
        proc = subprocess.Popen(self.argv(cmd, cwd, env), cwd=cwd if not self.isolate else None,
                                env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        kept, over = _Collector(proc, self.limits.output_bytes), ""
        reader = threading.Thread(target=kept.read, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=self.limits.seconds)
        except subprocess.TimeoutExpired:
            over = "time"
        if kept.overflow:
            over = over or "output"
        if over:
            _kill(proc)
        reader.join(timeout=10)
        output = kept.text()
        code = None if over in ("time", "output") else proc.returncode
        if not over and code != 0 and any(sign in output for sign in MEMORY_SIGNS):
            over = "memory"
        outcome = Outcome(code, output, round(time.monotonic() - t0, 2), over)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            note = f"\n[stopped: {self.limits.describe(over)} hit]\n" if over else ""
            log.write_text(" ".join(cmd) + "\n\n" + output + note, encoding="utf-8")
        return outcome


def _folders(paths: Sequence[Path], made: set[Path], bound: set[Path]) -> list[str]:
    """bwrap arguments creating each of `paths` (outermost first), mode 0755, unless it is
    made already or lies inside a bound folder (where it exists, or not, as outside)."""
    out = []
    for folder in sorted(paths, key=lambda p: len(p.parts)):
        if folder in made or any(b in folder.parents for b in bound):
            continue
        out += ["--perms", "0755", "--dir", str(folder)]
        made.add(folder)
    return out


class _Collector:
    """Reads a process's output, keeping at most `limit` bytes; stops the process past it."""

    def __init__(self, proc: subprocess.Popen[bytes], limit: int) -> None:
        self.proc, self.limit = proc, limit
        self.chunks: list[bytes] = []
        self.size = 0
        self.overflow = False

    def read(self) -> None:
        assert self.proc.stdout is not None
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):  # type: ignore[union-attr]
            if self.size + len(chunk) > self.limit:
                self.chunks.append(chunk[: self.limit - self.size])
                self.size = self.limit
                self.overflow = True
                _kill(self.proc)
                return
            self.chunks.append(chunk)
            self.size += len(chunk)

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the step's process group (bubblewrap takes its namespace down with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
