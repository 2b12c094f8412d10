"""Benchmark: what a mapping file with a `[file] timezone` costs over the interchange format (issue 8).

Run by hand from the repository root, on a quiet machine (never as a test):

    python bench/import_mapping.py --csrs 10000 --pg-url postgres://postgres@127.0.0.1:5432/wc_bench_mapping

It generates the synthetic survey file (10k CSRs is about 1M rows), writes a second copy of the same rows as a
client's export would: the timestamps as local times of one zone without an offset, read back through a mapping
with `[file] timezone`, and a renamed column. Then it times `worldclass import-surveys` (the command, in a child
process, as a user runs it) on each file into a fresh database, alternating the two, `--repeat` times, and prints the
medians, the ratio, and the load average before every run. The target: the mapping costs at most 20% more.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "bench")]

ZONE = "America/Toronto"
MAPPING = f"""
[file]
timezone = "{ZONE}"

[columns]
csr = "Agent ID"
"""


def _local_copy(*, source: Path, target: Path) -> None:
    """The same rows with call_at and surveyed_at as offset-less local times in ZONE, and `csr` renamed."""
    import polars as pl

    if target.exists():
        return
    frame = pl.read_csv(source, infer_schema=False)
    local = {
        column: pl.col(column)
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%z", time_unit="us")
        .dt.convert_time_zone(ZONE)
        .dt.strftime("%Y-%m-%d %H:%M:%S")
        for column in ["call_at", "surveyed_at"]
    }
    frame.with_columns(**local).rename({"csr": "Agent ID"}).write_csv(target)


def _fresh_database(url: str, sqlite_path: Path) -> str:
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        return url
    sqlite_path.unlink(missing_ok=True)
    return f"sqlite:///{sqlite_path}"


def _timed_import(*, url: str, csv: Path, mapping: Path | None) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "worldclass"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    arguments = [*command, "import-surveys", str(csv)] + (["--mapping", str(mapping)] if mapping else [])
    done = subprocess.run(arguments, env=env, check=True, capture_output=True, text=True)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "load_before": round(load, 2),
        "summary": done.stdout.splitlines()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csrs", type=int, default=10_000, help="10k CSRs x 24 months is about 1M surveys")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default="", help="PostgreSQL database to recreate (SQLite when empty)")
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench" / "data")
    args = parser.parse_args()

    from run_bench import _generate

    args.data_dir.mkdir(parents=True, exist_ok=True)
    interchange = args.data_dir / f"surveys-{args.csrs}x{args.months}.csv"
    info = _generate(path=interchange, csrs=args.csrs, months=args.months, per_month=4.75, seed=7)
    local = args.data_dir / f"surveys-{args.csrs}x{args.months}-local.csv"
    _local_copy(source=interchange, target=local)
    mapping = args.data_dir / "local-time-mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")

    runs: dict[str, list[dict]] = {"interchange": [], "timezone_mapping": []}
    sqlite_path = args.data_dir / "bench-mapping.sqlite3"
    for _ in range(args.repeat):
        for name, csv, with_mapping in [("interchange", interchange, None), ("timezone_mapping", local, mapping)]:
            url = _fresh_database(args.pg_url, sqlite_path)
            runs[name].append(_timed_import(url=url, csv=csv, mapping=with_mapping))
            print(name, json.dumps(runs[name][-1]), file=sys.stderr)
    medians = {name: statistics.median(r["seconds"] for r in found) for name, found in runs.items()}
    result = {
        "rows": info["rows"],
        "backend": "postgresql" if args.pg_url else "sqlite",
        "median_seconds": medians,
        "mapping_over_interchange": round(medians["timezone_mapping"] / medians["interchange"], 3),
        "runs": runs,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
