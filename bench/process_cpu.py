"""CPU seconds of a process, read from /proc: the benchmarks print it beside their wall times, because it depends
far less on what else the machine is doing, and it tells whose work a wait was (PostgreSQL's backend, gunicorn's
workers, the load generator)."""

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
