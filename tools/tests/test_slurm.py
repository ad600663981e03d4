"""The Slurm path, end to end, on a real single-node Slurm from Debian's packages.

`nox -s grade -- --class DIR --slurm FILE` writes a job array; here a real
slurmctld and slurmd (started in this test, on this machine, with munge) run
it: each task grades one student with `--student`, then `--merge` combines
their reports into the gradebook. Where Slurm cannot be had (not root, no
apt-get, the daemons do not start) the test skips and says why.

Cost: about 30 s to install the packages when missing, then about a minute
for two students graded side by side (`--only-tests --no-torch`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from course_tools import classroom, sandbox, starters
from course_tools.manifest import REPO, load

COURSE = load()
DIST = "tt-activations"
PACKAGES = ("slurmctld", "slurmd", "munge", "slurm-client")


def _have_slurm() -> bool:
    return all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "munged", "sbatch"))


def _install() -> str:
    """Install Slurm from Debian's packages; "" or why it could not be."""
    if _have_slurm():
        return ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "Slurm is not installed, and installing it needs root and apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600,
                              check=False)
        if proc.returncode:
            return f"{' '.join(cmd)} failed: {(proc.stderr or proc.stdout)[-300:]}"
    return "" if _have_slurm() else "the Slurm packages installed no slurmctld/slurmd/sbatch"


CONF = """ClusterName=tinytorch
SlurmctldHost={host}
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName={host} CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=grading Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


@pytest.fixture(scope="module")
def slurm(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A running single-node Slurm (its environment for sbatch), stopped at the end."""
    why = _install()
    if why:
        pytest.skip(why)
    d = tmp_path_factory.mktemp("slurm")
    for sub in ("state", "spool"):
        (d / sub).mkdir()
    host = socket.gethostname().split(".")[0]
    conf = d / "slurm.conf"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20  # MB
    conf.write_text(CONF.format(host=host, d=d, cpus=os.cpu_count() or 1, memory=memory))
    env = {**os.environ, "SLURM_CONF": str(conf)}
    started = []
    if subprocess.run(["pgrep", "-x", "munged"], capture_output=True, check=False).returncode:
        Path("/run/munge").mkdir(parents=True, exist_ok=True)
        subprocess.run(["munged", "--force"], capture_output=True, check=False)
        started.append("munged")
    for daemon in ("slurmctld", "slurmd"):
        subprocess.run([daemon, "-f", str(conf)], env=env, capture_output=True, check=False)
        started.append(daemon)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True,
                                 text=True, check=False).stdout
            if "idle" in out:
                break
            time.sleep(1)
        else:
            log = (d / "slurmctld.log").read_text()[-500:] if (d / "slurmctld.log").exists() \
                else "no log"
            pytest.skip(f"Slurm did not come up within 60 s: {log}")
        yield env
    finally:
        for daemon in ("slurmd", "slurmctld"):
            pid = d / f"{daemon}.pid"
            if pid.exists():
                subprocess.run(["kill", pid.read_text().strip()], check=False)
        if "munged" in started:
            subprocess.run(["pkill", "-x", "munged"], check=False)


@pytest.mark.skipif(bool(sandbox.status()), reason=f"no sandbox here: {sandbox.status()}")
def test_a_slurm_job_array_grades_a_class_and_merge_makes_the_gradebook(slurm, tmp_path) -> None:
    folder = tmp_path / "class"
    shutil.copytree(REPO / "packages" / DIST, folder / "ann" / DIST,
                    ignore=shutil.ignore_patterns("__pycache__"))
    starters.write_starter(COURSE, DIST, folder / "bob" / DIST, source=REPO / "packages" / DIST)
    out = tmp_path / "out"
    out.mkdir()
    script = classroom.slurm_script(folder, out, ["--only-tests", "--no-torch"], sys.executable)
    job = tmp_path / "grade.sbatch"
    job.write_text(script)
    env = {k: v for k, v in slurm.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    submitted = subprocess.run(["sbatch", "--parsable", str(job)], env=env, capture_output=True,
                               text=True, check=False)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip().split(";")[0]
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        queue = subprocess.run(["squeue", "-h", "-j", job_id], env=env, capture_output=True,
                               text=True, check=False).stdout
        if not queue.strip():
            break
        time.sleep(3)
    else:
        pytest.fail(f"the job array {job_id} did not finish within 900 s")
    logs = "\n".join(p.read_text()[-1500:] for p in sorted(out.glob("slurm-*.log")))
    assert sorted(p.name for p in out.glob("*.json")) == ["ann.json", "bob.json"], logs
    rows = {r["student"]: r for r in classroom.merge(out)}
    assert rows["ann"]["modules"][DIST] > 0.95 and rows["ann"]["status"] == "graded"
    assert rows["bob"]["modules"][DIST] < 0.2  # the unfilled starter
    book = classroom.write_gradebook(tmp_path / "book", list(rows.values()), COURSE)
    assert book.read_text().splitlines()[0] == f"student,{DIST},total,status"
