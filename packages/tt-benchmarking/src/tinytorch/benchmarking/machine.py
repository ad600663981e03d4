"""The machine a timing was taken on: cores, load, and how many threads BLAS may use.

A time means little without its conditions. Two of them change results by
large factors on a small machine:

- the **load average** (`os.getloadavg`, the number of processes running or
  waiting for a core, averaged over 1, 5 and 15 minutes). When other
  processes keep the cores busy, a benchmark gets a share of a core and its
  times grow and scatter. Rule used here: the figures are *unreliable* when
  the 1-minute load average exceeds 0.75 x the number of cores, i.e. when
  on average a quarter of a core or less is left for the benchmark beyond
  what others use. (The load counts the benchmark itself once it has run
  for a while, so a lone single-threaded benchmark on 2 cores reads about
  1.0, under the 1.5 limit.) Where `os.getloadavg` does not exist
  (Windows) the load is None and no warning is given;
- the **BLAS thread count**: NumPy's matrix products run in a BLAS library
  (OpenBLAS in NumPy's wheels) that starts one thread per core unless told
  otherwise, and reads the variables OPENBLAS_NUM_THREADS (OpenBLAS),
  MKL_NUM_THREADS (MKL) and OMP_NUM_THREADS (both, with lower priority)
  once, when NumPy loads. Read here from those variables, in the library's
  own order of priority; the library is named from `numpy.show_config`.
  With no variable set, the count is the library's default, the number of
  cores, and the source says "default". A variable changed after NumPy was
  imported does not change the library: set them before (benchmarks/
  `_timing.py` does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

LOAD_LIMIT = 0.75  # unreliable when the 1-minute load average > LOAD_LIMIT * cores
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class UnreliableTimingWarning(UserWarning):
    """The machine was too busy while timing for the figures to be trusted."""


@dataclass(frozen=True)
class MachineInfo:
    """Cores, load average (1, 5, 15 min; None where unknown) and the BLAS thread count."""

    cpus: int
    load_average: tuple[float, float, float] | None
    blas: str  # the BLAS library NumPy was built with, or "unknown"
    blas_threads: int
    blas_threads_source: str  # e.g. "OPENBLAS_NUM_THREADS=1" or "default (no variable set)"

    @property
    def reliable(self) -> bool:
        """Is the 1-minute load average at most LOAD_LIMIT x cores (or unknown)?"""
        return self.load_average is None or self.load_average[0] <= LOAD_LIMIT * self.cpus

    def describe(self) -> str:
        """One line: cores, load, BLAS threads and where that number came from."""
        load = ("unknown" if self.load_average is None
                else " ".join(f"{x:.2f}" for x in self.load_average))
        return (f"{self.cpus} cores, load average {load}, {self.blas} with "
                f"{self.blas_threads} thread(s) ({self.blas_threads_source})")


def blas_library() -> str:
    """The name of the BLAS NumPy was built with, from `numpy.show_config`; "unknown" if hidden."""
    try:
        config = np.show_config(mode="dicts")  # NumPy >= 1.25
        return str(config["Build Dependencies"]["blas"]["name"])
    except Exception:  # older NumPy prints instead: the name is unknown, not an error
        return "unknown"


def blas_threads(cpus: int, blas: str) -> tuple[int, str]:
    """(threads, source): the thread variables in the priority `blas` gives them, else cores."""
    if "mkl" in blas.lower():
        order = ("MKL_NUM_THREADS", "OMP_NUM_THREADS")
    elif "openblas" in blas.lower():
        order = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    else:
        order = THREAD_VARIABLES
    for name in order:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value), f"{name}={value}"
    return cpus, "default (no thread variable set: one thread per core)"


def machine_info() -> MachineInfo:
    """What this machine is doing now: cores, load average and BLAS threads."""
    cpus = os.cpu_count() or 1
    try:
        load = tuple(round(float(x), 2) for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows has no load average
        load = None
    blas = blas_library()
    threads, source = blas_threads(cpus, blas)
    return MachineInfo(cpus, load, blas, threads, source)  # type: ignore[arg-type]
