"""Where an import's time goes: the importing thread's phases, and what the PostgreSQL server does meanwhile.

Run by hand on a fresh PostgreSQL database (it migrates it; nothing else may run, as for every benchmark):

    createdb -h 127.0.0.1 -U postgres wc_timeline
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_timeline WORLDCLASS_DEBUG=0 \
        python bench/import_timeline.py bench/data/surveys-10000csrs-24m-seed1.csv

It wraps the import's steps (the names in `PHASES`) to record which one the importing thread is in, reads the
server process's CPU from /proc/<pid>/stat every 20 ms (so PostgreSQL must run on this machine), and prints, per
phase, the wall time, the server's CPU, this process's CPU and the highest resident memory sampled while the
importing thread was in it (what the other threads held then counts too). A phase whose server CPU is far below its
wall time is one where the server waits for Python; a step that is not wrapped shows under "other" (reading the CSV,
mostly).
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import resource
import sys
import threading
import time
from pathlib import Path

import django

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from process_cpu import process_cpu_seconds, resident_mb  # noqa: E402

from worldclass.certification.domain import rollups  # noqa: E402
from worldclass.surveys.domain import importing  # noqa: E402

# (owner, attribute): the steps of `import_surveys` the timeline tells apart.
PHASES = [
    (importing, "_validate"),
    (importing, "_staging_frame"),
    (importing, "_create_missing_roster"),
    (importing, "_wait_for_direct_copy"),
    (importing._Reading, "gather"),
    (importing._RosterCollector, "prepare"),
    (importing._RosterCollector, "upsert"),
    (rollups.BatchTally, "rollup_rows"),
    (rollups, "_copy_rows"),
]
TICK_SECONDS = 0.02

_stack = ["other"]


def _wrapped(function, name: str):
    @functools.wraps(function)
    def phase(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return function(*args, **kwargs)
        _stack.append(name)
        try:
            return function(*args, **kwargs)
        finally:
            _stack.pop()

    return phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="Also list every span of at least SECONDS in which the server used under a fifth of a core: when it "
        "began, how long it lasted, and the phases the importing thread was in.",
    )
    args = parser.parse_args()
    for owner, attribute in PHASES:
        setattr(owner, attribute, _wrapped(getattr(owner, attribute), attribute.strip("_")))
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        server = cursor.fetchone()[0]

    per_phase: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    ticks: list[tuple[float, float, str]] = []  # (when, the server's share of a core, phase), for --idle
    done = threading.Event()

    def sample() -> None:
        last = (time.perf_counter(), process_cpu_seconds(server), time.process_time())
        while not done.wait(TICK_SECONDS):
            now = (time.perf_counter(), process_cpu_seconds(server), time.process_time())
            totals = per_phase[_stack[-1]]
            for index in range(3):
                totals[index] += now[index] - last[index]
            totals[3] = max(totals[3], resident_mb())
            ticks.append((now[0], (now[1] - last[1]) / (now[0] - last[0]), _stack[-1]))
            last = now

    server_before, started = process_cpu_seconds(server), time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    report = importing.import_surveys(path=args.csv, actor="bench")
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    server_cpu = process_cpu_seconds(server) - server_before
    print(
        f"{report.rows_created:,} surveys in {wall:.2f} s; server CPU {server_cpu:.2f} s; "
        f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    print(f"{'importing thread in':28s} {'wall s':>7s} {'server CPU s':>13s} {'Python CPU s':>13s} {'RSS MB':>7s}")
    for name, (phase_wall, server_cpu, python_cpu, resident) in sorted(per_phase.items(), key=lambda i: -i[1][0]):
        print(f"{name:28s} {phase_wall:7.2f} {server_cpu:13.2f} {python_cpu:13.2f} {resident:7.0f}")
    if args.idle:
        _print_idle_spans(ticks, started=started, shortest=args.idle)


def _print_idle_spans(ticks: list[tuple[float, float, str]], *, started: float, shortest: float) -> None:
    """The spans in which the server waited for this process: each tick under a fifth of a core, joined."""
    spans: list[list] = []  # [start, end, phases]
    previous = started
    for when, share, phase in ticks:
        if share < 0.2:
            if spans and spans[-1][1] == previous:
                spans[-1][1] = when
                spans[-1][2].setdefault(phase, None)
            else:
                spans.append([previous, when, {phase: None}])
        previous = when
    long = [span for span in spans if span[1] - span[0] >= shortest]
    print(f"server idle for >= {shortest:.2f} s: {len(long)} spans, {sum(e - s for s, e, _ in long):.2f} s in all")
    for start, end, phases in long:
        print(f"  at {start - started:6.2f} s for {end - start:5.2f} s: {', '.join(phases)}")


if __name__ == "__main__":
    main()
