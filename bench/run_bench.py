"""Benchmark: every target of issue 11 with its anchor and ratio, from one run (never run as a test).

Run by hand from the repository root on a quiet machine:

    python bench/run_bench.py --backends postgresql --pg-csrs 10000          # ~1M surveys on PostgreSQL
    python bench/run_bench.py --rows 20000 --backends postgresql,sqlite      # a smoke run in a minute or two
    python bench/run_bench.py --pg-csrs 10000 --web 3000 --portal            # plus the gunicorn load figures
    python bench/run_bench.py --backends postgresql --pg-csrs 10000 --web 2000 --portal --sampling   # every target

For each backend it generates the synthetic CSV (100k CSRs x 24 months is about 10M surveys; `--rows N` picks the
CSR count for about N rows), loads it into a fresh database through `import_surveys` (the `import-surveys` path),
certifies through the last month (the work of `certify`), then measures, each against its anchor:

- import: a typed `COPY` of the same CSV into a typed table with a primary key (PostgreSQL; the physical limit of a
  durable load) and the pandas reference's load stages (`bench/pandas_reference.py`); and its peak memory, beside
  the memory it started with and its chunk size;
- import + certify: the pandas reference end to end;
- warm `certify` through the CLI (a subprocess, Django start-up included; unchanged input, so the stored run is
  re-used) and the same with `--force` (a full re-evaluation): the pandas reference;
- a no-op re-import of the same file: hashing the file;
- with `--web N` and `--portal`: web survey submissions per second and the dashboards' p95 against gunicorn
  (bench/operations/web_submissions.py, bench/portal/load.py; both bounded in requests and time);
- with `--sampling`: sampling decisions per second against a bare HMAC-SHA256 loop (bench/operations/sampling.py).

Wall-clock and CPU seconds are both reported; the load average is printed with the results, since the machine may be
shared. Results are written as JSON to `bench/data/results-<backend>.json`; docs/performance.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_END_MONTH = "2025-12"
SRC = REPO / "src"
sys.path[:0] = [str(SRC), str(REPO / "bench")]

from process_cpu import process_cpu_seconds, resident_mb  # noqa: E402


def _generate(*, path: Path, csrs: int, months: int, per_month: float, seed: int) -> dict:
    from worldclass.core.months import Month
    from worldclass.demo.synthetic import generate_surveys

    if path.exists() and path.with_suffix(".json").exists():
        return json.loads(path.with_suffix(".json").read_text())
    started = time.perf_counter()
    summary = generate_surveys(
        path=path,
        seed=seed,
        months=months,
        # A fixed last month, so that a file and its figures are comparable from one day to the next.
        end_month=Month.parse(BENCH_END_MONTH),
        csrs=csrs,
        surveys_per_csr_month=per_month,
        progress=sys.stderr,
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
    from worldclass.surveys.domain.importing import CHUNK_ROWS, file_sha256, import_surveys

    call_command("migrate", interactive=False, verbosity=0)
    # The import's memory: the process's peak, which nothing before it came near, against what it held beforehand.
    result = {"vendor": connection.vendor, "rss_before_import_mb": round(resident_mb()), "chunk_rows": CHUNK_ROWS}
    lsn = _wal_lsn(connection) if connection.vendor == "postgresql" else None
    backend = _backend_pid(connection) if connection.vendor == "postgresql" else None
    server = process_cpu_seconds(backend)
    wall, cpu = time.perf_counter(), time.process_time()
    report = import_surveys(path=Path(args.csv), actor="bench")
    result["import_wall"] = time.perf_counter() - wall
    result["import_cpu"] = time.process_time() - cpu
    result["import_server_cpu"] = _cpu_since(backend, server)
    result["import_wal"] = _wal_since(connection, lsn) if lsn else None
    result["import_report"] = str(report)
    result["import_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
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
    result["reimport_report"] = str(report)
    wall = time.perf_counter()
    file_sha256(Path(args.csv))
    result["hash_wall"] = time.perf_counter() - wall
    print("RESULT " + json.dumps(result, default=str))


def _backend_pid(connection) -> int:
    """The PostgreSQL server process of a connection (Django's or psycopg's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_since(pid: int | None, before: float | None) -> float | None:
    now = process_cpu_seconds(pid)
    return None if now is None or before is None else now - before


def _wal_lsn(connection) -> str:
    """Where PostgreSQL's write-ahead log is now (a Django or a psycopg connection)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _wal_since(connection, lsn: str) -> int:
    """Bytes of write-ahead log written since `lsn`: every durable write goes through it first, so on a machine
    whose disk is the bottleneck it is what a load costs (other sessions' writes count too: run it quiet)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", [lsn])
        return int(cursor.fetchone()[0])


def _fresh_database(*, backend: str, url: str, sqlite_path: Path) -> str:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{sqlite_path}"
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return url


# Column types of the typed COPY anchor; any other column of the file is text.
_ANCHOR_TYPES = {
    "call_at": "timestamptz",
    "surveyed_at": "timestamptz",
    "resolved": "boolean",
    "first_call": "boolean",
    "overall_sat": "smallint",
    "csr_sat": "smallint",
}


def _copy_anchor(*, url: str, csv: Path) -> tuple[float, int, float | None]:
    """Seconds to COPY the CSV into a typed table with a primary key (org, survey_id) and commit it, the bytes of
    write-ahead log it wrote, and the server's CPU seconds."""
    import psycopg

    header = csv.open(encoding="utf-8").readline().strip().split(",")
    columns = ", ".join(f"{name} {_ANCHOR_TYPES.get(name, 'text')}" for name in header)
    with psycopg.connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy_anchor")
        connection.commit()
        lsn = _wal_lsn(connection)
        backend = _backend_pid(connection)
        server = process_cpu_seconds(backend)
        wall = time.perf_counter()
        connection.execute(f"CREATE TABLE bench_copy_anchor ({columns}, PRIMARY KEY (org, survey_id))")
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY bench_copy_anchor FROM STDIN (FORMAT csv, HEADER true)") as copy,
            csv.open("rb") as handle,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        connection.commit()
        wall = time.perf_counter() - wall
        server = _cpu_since(backend, server)
        wal = _wal_since(connection, lsn)
        connection.execute("DROP TABLE bench_copy_anchor")
        connection.commit()
    return wall, wal, server


def _table_anchors(*, url: str) -> tuple[dict[str, float], dict[str, int], dict[str, float | None]]:
    """Seconds to write the imported surveys again, as one INSERT ... SELECT and COMMIT, into a table of the surveys'
    own shape: with all its indexes and checks, and with only the two keys no design can drop (the primary key and
    the unique survey id per organization). What the table itself costs, with no parsing, validation, roster,
    references or rollups: the floor under any import that keeps these indexes. Then the same for the surveys and
    the rollups together: the floor under any import that also keeps the rollups the certification reads. Returns
    the seconds, the bytes of write-ahead log and the server's CPU seconds of each."""
    import psycopg

    shapes = {
        "surveys table, all indexes": "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES",
        "surveys table, the two keys": "INCLUDING DEFAULTS INCLUDING CONSTRAINTS",
    }
    walls, wal, server_cpu = {}, {}, {}
    with psycopg.connect(url) as connection:
        backend = _backend_pid(connection)
        for name, including in shapes.items():
            connection.execute("DROP TABLE IF EXISTS bench_table_anchor")
            connection.execute(f"CREATE TABLE bench_table_anchor (LIKE surveys_surveyresponse {including})")
            if "INDEXES" not in including:
                connection.execute(
                    "ALTER TABLE bench_table_anchor ADD PRIMARY KEY (id), ADD UNIQUE (organization_id, survey_id)"
                )
            connection.commit()
            lsn = _wal_lsn(connection)
            server, wall = process_cpu_seconds(backend), time.perf_counter()
            connection.execute("INSERT INTO bench_table_anchor SELECT * FROM surveys_surveyresponse")
            connection.commit()
            walls[name] = time.perf_counter() - wall
            server_cpu[name] = _cpu_since(backend, server)
            wal[name] = _wal_since(connection, lsn)
            connection.execute("DROP TABLE bench_table_anchor")
            connection.commit()
        # What the import must persist, and nothing else: the survey rows with their indexes and the rollup rows with
        # theirs (the certification reads only these), copied from the tables the import wrote.
        for table in ("surveys_surveyresponse", "certification_monthlyrollup"):
            connection.execute(f"DROP TABLE IF EXISTS bench_anchor_{table}")
            connection.execute(
                f"CREATE TABLE bench_anchor_{table} (LIKE {table} {shapes['surveys table, all indexes']})"
            )
        connection.commit()
        lsn = _wal_lsn(connection)
        server, wall = process_cpu_seconds(backend), time.perf_counter()
        for table in ("surveys_surveyresponse", "certification_monthlyrollup"):
            connection.execute(f"INSERT INTO bench_anchor_{table} SELECT * FROM {table}")
        connection.commit()
        walls["surveys and rollups tables, all indexes"] = time.perf_counter() - wall
        server_cpu["surveys and rollups tables, all indexes"] = _cpu_since(backend, server)
        wal["surveys and rollups tables, all indexes"] = _wal_since(connection, lsn)
        for table in ("surveys_surveyresponse", "certification_monthlyrollup"):
            connection.execute(f"DROP TABLE bench_anchor_{table}")
        connection.commit()
        name = "surveys, rollups side by side"
        walls[name], wal[name], server_cpu[name] = _side_by_side_anchor(connection, backend=backend)
    return walls, wal, server_cpu


def _side_by_side_anchor(connection, *, backend: int) -> tuple[float, int, float | None]:
    """The same floor with the rollups laid out as the issue suggests: one row per entity and month, an array per
    count with the windows side by side, under a primary key, the unique (level, entity, month) and the
    organization's index. The rows are grouped beforehand, untimed: only writing them is measured. What a change of
    the rollups' layout could take off the floor at most, before any of its readers pays for it."""
    # The counts as the rollups' table has them: every column but the key's.
    counts = [
        name
        for (name,) in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'certification_monthlyrollup' "
            "ORDER BY ordinal_position"
        )
        if name not in {"id", "organization_id", "level", "entity_id", "month", "window_id"}
    ]
    arrays = ", ".join(f"array_agg({c} ORDER BY window_id) AS {c}" for c in ["window_id", *counts])
    connection.execute("DROP TABLE IF EXISTS bench_wide_source")
    connection.execute(
        f"CREATE UNLOGGED TABLE bench_wide_source AS SELECT organization_id, level, entity_id, month, {arrays} "
        "FROM certification_monthlyrollup GROUP BY organization_id, level, entity_id, month "
        "ORDER BY level, entity_id, month"
    )
    connection.execute(
        "CREATE TABLE bench_anchor_surveys (LIKE surveys_surveyresponse "
        "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"
    )
    connection.execute(
        "CREATE TABLE bench_anchor_wide (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "organization_id bigint NOT NULL, level varchar(16) NOT NULL, entity_id bigint NOT NULL, month date NOT NULL, "
        f"window_id integer[] NOT NULL, {', '.join(f'{c} integer[] NOT NULL' for c in counts)}, "
        "UNIQUE (level, entity_id, month))"
    )
    connection.execute("CREATE INDEX ON bench_anchor_wide (organization_id)")
    connection.commit()
    columns = f"organization_id, level, entity_id, month, window_id, {', '.join(counts)}"
    lsn = _wal_lsn(connection)
    server, wall = process_cpu_seconds(backend), time.perf_counter()
    connection.execute("INSERT INTO bench_anchor_surveys SELECT * FROM surveys_surveyresponse")
    connection.execute(f"INSERT INTO bench_anchor_wide ({columns}) SELECT {columns} FROM bench_wide_source")
    connection.commit()
    wall = time.perf_counter() - wall
    server = _cpu_since(backend, server)
    written = _wal_since(connection, lsn)
    for table in ("bench_anchor_surveys", "bench_anchor_wide", "bench_wide_source"):
        connection.execute(f"DROP TABLE {table}")
    connection.commit()
    return wall, written, server


def _cli_certify(*, env: dict, edition: int, through: str, force: bool) -> tuple[float, str]:
    """Wall seconds of `python -m worldclass certify` in a fresh process (Django start-up included), and what it
    said about the run."""
    command = [sys.executable, "-m", "worldclass", "certify", "--edition", str(edition), "--through", through]
    wall = time.perf_counter()
    child = subprocess.run([*command, *(["--force"] if force else [])], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - wall
    if child.returncode != 0:
        raise SystemExit(f"certify failed: {child.stderr[-2000:]}")
    first = next((line for line in child.stdout.splitlines() if line.startswith(("Unchanged", "Run "))), "")
    return wall, first[:100]


def _load_figures(args: argparse.Namespace, *, env: dict) -> dict:
    """The optional gunicorn load runs, each bounded in requests and time; their own output, verbatim."""
    figures = {}
    if args.web:
        child = subprocess.run(
            [sys.executable, str(REPO / "bench/operations/web_submissions.py"), "--submissions", str(args.web)],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        figures["web_submissions"] = (child.stdout + child.stderr[-1000:]).strip()
    if args.portal:
        # The leaderboard of 5,000 CSRs: 42 sites x 10 supervisors x 12 CSRs in each of 2 organizations.
        shape = ["--organizations", "2", "--sites", "42", "--supervisors", "10", "--csrs", "12", "--months", "24"]
        for script, extra in (("populate.py", shape), ("load.py", ["--deadline", "600"])):
            child = subprocess.run(
                [sys.executable, str(REPO / "bench/portal" / script), *extra],
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
            )
        figures["portal"] = (child.stdout + child.stderr[-1000:]).strip()
    if args.sampling:
        child = subprocess.run(
            [sys.executable, str(REPO / "bench/operations/sampling.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        figures["sampling"] = (child.stdout + child.stderr[-1000:]).strip()
    return figures


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


def _in_call_order(path: Path) -> Path:
    """The generated file's rows sorted by the call's instant, as a contact center's export of its calls lists them
    (the generator writes them CSR by CSR, which gives survey ids in the order of the unique key): written once
    beside it and reused."""
    import polars as pl

    ordered = path.with_name(f"{path.stem}-call-order.csv")
    if not ordered.exists():
        instant = pl.col("call_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_zone="UTC")
        frame = pl.read_csv(path, infer_schema=False)
        frame.sort(instant, maintain_order=True).write_csv(ordered.with_suffix(".tmp"))
        ordered.with_suffix(".tmp").rename(ordered)
    return ordered


def _bench_backend(args: argparse.Namespace, *, backend: str, csrs: int) -> dict:
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    csv = data_dir / f"surveys-{csrs}csrs-{args.months}m-seed{args.seed}.csv"
    data = _generate(path=csv, csrs=csrs, months=args.months, per_month=args.per_month, seed=args.seed)
    through = data["last_month"]
    if args.call_order:
        csv = _in_call_order(csv)
    order = "in call order" if args.call_order else "CSR by CSR"
    print(
        f"\n== {backend}: {data['rows']:,} surveys, {csrs:,} CSRs, {data['first_month']}..{through}, {order}",
        flush=True,
    )
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
    # As installed: pip compiles a package's bytecode when it installs it, and Python writes it on a first run,
    # unless PYTHONDONTWRITEBYTECODE is set (as on these machines): then every start compiles the project's modules
    # again (about 50 ms of `certify`).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(SRC)], check=True)
    # The CLI as a certifier runs it: a fresh process; the input is unchanged since the worker's runs.
    ours["cli_certify_wall"], ours["cli_certify_says"] = _cli_certify(
        env=env, edition=args.edition, through=through, force=False
    )
    ours["cli_certify_force_wall"], _ = _cli_certify(env=env, edition=args.edition, through=through, force=True)
    ours["copy_anchor_wall"], ours["copy_anchor_wal"], ours["copy_anchor_server_cpu"] = (
        _copy_anchor(url=env["DATABASE_URL"], csv=csv) if backend == "postgresql" else (None, None, None)
    )
    ours["table_anchors"], ours["table_anchors_wal"], ours["table_anchors_server_cpu"] = (
        _table_anchors(url=env["DATABASE_URL"]) if backend == "postgresql" else ({}, {}, {})
    )
    ours["load"] = _load_figures(args, env=env) if backend == "postgresql" else {}
    reference = None if args.skip_pandas else _pandas(csv=csv, edition=args.edition, through=through)
    result = {"backend": backend, "data": data, "ours": ours, "pandas": reference, "machine": _machine()}
    _print(result, edition=args.edition)
    (data_dir / f"results-{backend}.json").write_text(json.dumps(result, indent=2, default=str))
    return result


def _ratio(value: float | None, anchor: float | None) -> str:
    return "-" if not value or not anchor else f"{value / anchor:.2f}x"


def _print_cpu_floor(ours: dict, *, cores: int) -> None:
    """The import's CPU, the server's and this side's, and the shortest wall time that CPU allows: no import doing
    this work can finish before its server has done its share, nor before all of it is spread over every core. Set
    against the typed COPY, it says how far the code's own overlap is from the limit, and how much work would have to
    go for the `<= 2x` goal to be reachable at all."""
    server, python, copy = ours["import_server_cpu"], ours["import_cpu"], ours["copy_anchor_wall"]
    floor = max(server, (server + python) / cores)
    print(f"{'import CPU':<40} {'s':>9}  {'ratio to the typed COPY':>23}")
    floor_tables = ours.get("table_anchors_server_cpu", {}).get("surveys and rollups tables, all indexes")
    floor_wide = ours.get("table_anchors_server_cpu", {}).get("surveys, rollups side by side")
    for name, seconds, anchor in (
        ("PostgreSQL server (the import's backend)", server, ours["copy_anchor_server_cpu"]),
        ("  the same rows into copies of the tables", floor_tables, ours["copy_anchor_server_cpu"]),
        ("  the same, rollups side by side", floor_wide, ours["copy_anchor_server_cpu"]),
        ("Python (every thread)", python, None),
        (f"shortest wall that CPU allows, {cores} cores", floor, copy),
        ("import-surveys, wall", ours["import_wall"], copy),
    ):
        if seconds is None:
            continue
        ratio = _ratio(seconds, anchor) if anchor else ""
        print(f"{name:<40} {seconds:>9.2f}  {ratio:>23}")
    print(f"(the typed COPY's server CPU: {ours['copy_anchor_server_cpu']:.2f} s in {copy:.2f} s)")


def _print(result: dict, *, edition: int) -> None:
    rows = result["data"]["rows"]
    ours = result["ours"]
    reference = result["pandas"]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{result['machine']['date']}, {result['machine']['nproc']} cores, load average now {load}")
    print(
        f"import:  {ours['import_report']}; {ours['import_cpu']:.1f} s CPU in Python, "
        f"{rows / ours['import_wall']:,.0f} rows/s"
    )
    if "import_peak_rss_mb" in ours:
        print(
            f"import memory: peak RSS {ours['import_peak_rss_mb']:,} MB, {ours['rss_before_import_mb']:,} MB before "
            f"the import; chunks of {ours['chunk_rows']:,} rows"
        )
    print(f"re-import: {ours['reimport_report']}")
    print(f"certify counts {ours['certify_counts']}; CLI: {ours['cli_certify_says']}")
    pandas_total = reference["total_wall"] if reference else None
    pandas_load = None
    if reference:
        timings = reference["timings"]
        pandas_load = timings["parse_validate"] + timings["eligibility"] + timings["monthly_counts"]
        engine_certified = ours["certify_counts"].get("certified", {})
        agree = all(engine_certified.get(level) == count for level, count in reference["certified"].items())
        print(f"certified counts agree with pandas: {'yes' if agree else 'NO'}")
    copy = ours["copy_anchor_wall"]
    lines = [
        ("import-surveys", ours["import_wall"], "typed COPY", copy, "<= 2x"),
        ("import-surveys", ours["import_wall"], "pandas load stages", pandas_load, ""),
        *(
            ("import-surveys", ours["import_wall"], name, wall, "")
            for name, wall in ours.get("table_anchors", {}).items()
        ),
        ("import + certify", ours["import_wall"] + ours["certify_wall"], "pandas end to end", pandas_total, "<= 1.5x"),
        ("warm certify CLI (re-used run)", ours["cli_certify_wall"], "pandas end to end", pandas_total, "<= 0.1x"),
        ("certify CLI --force", ours["cli_certify_force_wall"], "pandas end to end", pandas_total, ""),
        ("certify in process, again", ours["certify_again_wall"], "pandas end to end", pandas_total, ""),
        ("no-op re-import", ours["reimport_wall"], "hashing the file", ours["hash_wall"], "< 1 s"),
    ]
    print(f"{'target':<32} {'figure s':>9}  {'anchor':<28} {'anchor s':>9} {'ratio':>8}  goal")
    for name, figure, anchor_name, anchor, goal in lines:
        anchor_text = "-" if anchor is None else f"{anchor:.2f}"
        print(f"{name:<32} {figure:>9.2f}  {anchor_name:<28} {anchor_text:>9} {_ratio(figure, anchor):>8}  {goal}")
    if ours.get("import_wal"):
        # On a machine whose disk bounds the writes, the log each one writes is its physical cost.
        print(f"{'write-ahead log written':<40} {'MB':>9}  {'ratio to the typed COPY':>23}")
        anchors_wal = [("import-surveys", ours["import_wal"]), ("typed COPY", ours["copy_anchor_wal"])]
        anchors_wal += list(ours["table_anchors_wal"].items())
        for name, wal in anchors_wal:
            print(f"{name:<40} {wal / 2**20:>9.0f}  {_ratio(wal, ours['copy_anchor_wal']):>23}")
    if ours.get("import_server_cpu") is not None and ours.get("copy_anchor_server_cpu"):
        _print_cpu_floor(ours, cores=result["machine"]["nproc"])
    for name, text in ours.get("load", {}).items():
        print(f"-- {name}{'' if name == 'sampling' else ' (gunicorn, 2 workers)'}:\n{text}")


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
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/wc_perf_bench")
    parser.add_argument("--rows", type=int, help="About this many surveys on every backend (sets the CSR counts).")
    parser.add_argument(
        "--web", type=int, default=0, help="Also N web survey submissions against gunicorn (PostgreSQL)."
    )
    parser.add_argument("--portal", action="store_true", help="Also populate and load the dashboards (PostgreSQL).")
    parser.add_argument(
        "--sampling", action="store_true", help="Also sampling decisions against a bare HMAC loop (CPU only)."
    )
    parser.add_argument(
        "--call-order",
        action="store_true",
        help="Import the generated rows sorted by call time, as an export of calls gives them (the generator writes "
        "them CSR by CSR).",
    )
    parser.add_argument("--data-dir", default="bench/data")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    if args.rows:
        # About 100 surveys per CSR over 24 months at the default rate; the generator needs one CSR per site.
        args.pg_csrs = args.sqlite_csrs = max(args.rows * 24 // (args.months * 100), 10)
    for backend in args.backends.split(","):
        _bench_backend(args, backend=backend, csrs=args.pg_csrs if backend == "postgresql" else args.sqlite_csrs)


if __name__ == "__main__":
    main()
