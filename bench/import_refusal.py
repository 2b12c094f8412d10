"""What refusing a file of bad rows costs: the import's wall time and peak memory when every row is refused.

A client's export with local dates and no mapping is refused on every row, twice (call_at and surveyed_at): the
refusal builds an error per bad value, so its cost grows with the file. Run by hand, nothing else running:

    python bench/import_refusal.py --rows 300000                    # SQLite file in bench/data, made afresh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_refusal python bench/import_refusal.py --rows 300000

Prints the rows, the errors, the wall time of `import_surveys` (it raises the refusal), this process's peak resident
memory before and after, and the load average. Compare two checkouts by running each one's copy of this script.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent / "src")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    data = BENCH / "data"
    data.mkdir(exist_ok=True)
    database = data / "refusal.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from worldclass.core.errors import AppError
    from worldclass.surveys.domain.importing import import_surveys
    from worldclass.surveys.tests.csvfiles import row, write_csv

    call_command("migrate", verbosity=0)
    path = data / f"refused-{args.rows}.csv"
    if not path.exists():
        local = {"call_at": "31/01/2025 10:00", "surveyed_at": "31/01/2025 11:00"}
        write_csv(path, [row(survey_id=f"s{i}", call_id=f"c{i}", **local) for i in range(args.rows)])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    try:
        import_surveys(path=path, actor="bench")
    except AppError as error:
        errors = len(error.details)
    else:
        raise SystemExit("the file was imported: it should have been refused")
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{args.rows:,} rows, {errors:,} details: refused in {wall:.2f} s; peak RSS {peak:,} MB "
        f"(before the import {before:,} MB); load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
