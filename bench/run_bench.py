"""Benchmark: import throughput and certification time on PostgreSQL and SQLite, against pandas.

Run by hand from the repository root (never as a test):

    python bench/run_bench.py                       # 10M rows on PostgreSQL, 1M rows on SQLite
    python bench/run_bench.py --pg-csrs 10000 --sqlite-csrs 2000   # a quick smaller run

For each backend it generates the synthetic CSV (100k CSRs x 24 months is about 10M surveys), loads it into a
fresh database through `import_surveys` (validation, roster, surveys, rollups: the same path as the
`import-surveys` command), then times `run_certification` through the last month for the edition (the work of
`certify`). On the same CSV it runs the pandas reference (`bench/pandas_reference.py`) and prints the ratios.
Wall-clock and CPU seconds are both reported: the machine may be shared. Results are written as JSON to
`bench/data/results-<backend>.json`; docs/performance.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
sys.path[:0] = [str(SRC), str(REPO / "bench")]


def _generate(*, path: Path, csrs: int, months: int, per_month: float, seed: int) -> dict:
    from worldclass.demo.synthetic import generate_surveys

    if path.exists() and path.with_suffix(".json").exists():
        return json.loads(path.with_suffix(".json").read_text())
    started = time.perf_counter()
    summary = generate_surveys(
        path=path, seed=seed, months=months, csrs=csrs, surveys_per_csr_month=per_month, progress=sys.stderr
    )
    info = {
        "rows": summary.rows,
        "csrs": summary.csrs,
        "supervisors": summary.supervisors,
        "first_month": str(summary.first_month),
        "last_month": str(summary.last_month),
        "bytes": path.stat().st_size,
        "generate_seconds": round(time.perf_counter() - started, 2),
    }
    path.with_suffix(".json").write_text(json.dumps(info))
    return info


def _worker(args: argparse.Namespace) -> None:
    """In a child process with DATABASE_URL set: migrate, import, certify; print one JSON line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from worldclass.certification.domain.runs import run_certification
    from worldclass.certification.models import Edition
    from worldclass.core.months import Month
    from worldclass.surveys.domain.importing import import_surveys

    call_command("migrate", interactive=False, verbosity=0)
    result = {"vendor": connection.vendor}
    wall, cpu = time.perf_counter(), time.process_time()
    report = import_surveys(path=Path(args.csv), actor="bench")
    result["import_wall"] = time.perf_counter() - wall
    result["import_cpu"] = time.process_time() - cpu
    result["import_report"] = str(report)
    edition = Edition.objects.get(year=args.edition)
    wall, cpu = time.perf_counter(), time.process_time()
    run = run_certification(edition=edition, through=Month.parse(args.through), actor="bench")
    result["certify_wall"] = time.perf_counter() - wall
    result["certify_cpu"] = time.process_time() - cpu
    result["certify_counts"] = run.counts
    # A second run on warm caches: what a certifier re-running the month sees.
    wall = time.perf_counter()
    run_certification(edition=edition, through=Month.parse(args.through), actor="bench")
    result["certify_again_wall"] = time.perf_counter() - wall
    wall = time.perf_counter()
    report = import_surveys(path=Path(args.csv), actor="bench")
    result["reimport_wall"] = time.perf_counter() - wall
    print("RESULT " + json.dumps(result, default=str))


def _fresh_database(*, backend: str, url: str, sqlite_path: Path) -> str:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{sqlite_path}"
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return url


def _pandas(*, csv: Path, edition: int, through: str) -> dict:
    from pandas_reference import EDITIONS, run_reference

    year, month = (int(part) for part in through.split("-"))
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_reference(path=csv, rules=EDITIONS[edition], through=year * 12 + month - 1)
    result["total_cpu"] = time.process_time() - cpu
    result["total_wall"] = time.perf_counter() - wall
    return result


def _machine() -> dict:
    cpu_model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model,
        "free": free,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _bench_backend(args: argparse.Namespace, *, backend: str, csrs: int) -> dict:
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    csv = data_dir / f"surveys-{csrs}csrs-{args.months}m-seed{args.seed}.csv"
    data = _generate(path=csv, csrs=csrs, months=args.months, per_month=args.per_month, seed=args.seed)
    through = data["last_month"]
    print(f"\n== {backend}: {data['rows']:,} surveys, {csrs:,} CSRs, {data['first_month']}..{through}", flush=True)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env["DATABASE_URL"] = _fresh_database(backend=backend, url=args.pg_url, sqlite_path=data_dir / "bench.sqlite3")
    child = subprocess.run(
        [sys.executable, __file__, "--worker", "--csv", str(csv), "--edition", str(args.edition), "--through", through],
        env=env,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        sys.stderr.write(child.stdout[-4000:] + child.stderr[-4000:])
        raise SystemExit(f"{backend} run failed")
    ours = json.loads(next(line for line in child.stdout.splitlines() if line.startswith("RESULT "))[7:])
    reference = None if args.skip_pandas else _pandas(csv=csv, edition=args.edition, through=through)
    result = {"backend": backend, "data": data, "ours": ours, "pandas": reference, "machine": _machine()}
    _print(result, edition=args.edition)
    (data_dir / f"results-{backend}.json").write_text(json.dumps(result, indent=2, default=str))
    return result


def _print(result: dict, *, edition: int) -> None:
    rows = result["data"]["rows"]
    ours = result["ours"]
    print(
        f"import:  {ours['import_wall']:.1f} s wall ({ours['import_cpu']:.1f} s CPU in Python), "
        f"{rows / ours['import_wall']:,.0f} rows/s  [{ours['import_report']}]"
    )
    print(f"re-import (no-op): {ours['reimport_wall']:.1f} s")
    print(
        f"certify {edition}: {ours['certify_wall']:.2f} s wall ({ours['certify_cpu']:.2f} s CPU), "
        f"again {ours['certify_again_wall']:.2f} s; counts {ours['certify_counts']}"
    )
    reference = result["pandas"]
    if reference is None:
        return
    timings = reference["timings"]
    pandas_load = timings["parse_validate"] + timings["eligibility"] + timings["monthly_counts"]
    print(
        f"pandas: parse+validate {timings['parse_validate']:.1f} s, eligibility {timings['eligibility']:.1f} s, "
        f"monthly counts {timings['monthly_counts']:.1f} s, rules {timings['rules']:.2f} s, "
        f"total {reference['total_wall']:.1f} s wall ({reference['total_cpu']:.1f} s CPU); "
        f"certified {reference['certified']}"
    )
    engine_certified = ours["certify_counts"].get("certified", {})
    agree = all(engine_certified.get(level) == count for level, count in reference["certified"].items())
    print(f"certified counts agree with pandas: {'yes' if agree else 'NO'}")
    print(f"ratio import / pandas load (parse, validate, eligibility, counts): {ours['import_wall'] / pandas_load:.2f}")
    print(f"ratio certify / pandas rules on monthly counts: {ours['certify_wall'] / timings['rules']:.2f}")
    print(
        f"ratio (import + certify) / pandas end to end: "
        f"{(ours['import_wall'] + ours['certify_wall']) / reference['total_wall']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Import and certify benchmark against pandas.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--through", help=argparse.SUPPRESS)
    parser.add_argument("--edition", type=int, default=2013, help="Edition to certify under (default 2013).")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument(
        "--per-month",
        type=float,
        default=4.75,
        help="Mean surveys per active CSR-month (4.75: ~10M rows for 100k CSRs over 24 months).",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-csrs", type=int, default=100_000, help="CSRs for PostgreSQL (100k: ~10M rows).")
    parser.add_argument("--sqlite-csrs", type=int, default=10_000, help="CSRs for SQLite (10k: ~1M rows).")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/wc_bench")
    parser.add_argument("--data-dir", default="bench/data")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    for backend in args.backends.split(","):
        _bench_backend(args, backend=backend, csrs=args.pg_csrs if backend == "postgresql" else args.sqlite_csrs)


if __name__ == "__main__":
    main()
