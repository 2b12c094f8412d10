"""CPU seconds of a process, read from /proc: the benchmarks print it beside their wall times, because it depends
far less on what else the machine is doing, and it tells whose work a wait was (PostgreSQL's backend, gunicorn's
workers, the load generator). Also this process's resident memory, which the import benchmarks print."""

from __future__ import annotations

import os
from pathlib import Path


def process_cpu_seconds(pid: int | None) -> float | None:
    """User and system CPU of a process so far; None when it is not on this machine (a remote server), is gone, or
    no pid is given."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_mb() -> float:
    """This process's resident memory now, in MB."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
