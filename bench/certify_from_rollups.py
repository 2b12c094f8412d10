"""Time `certify` over a large synthetic rollup table: 100k CSRs x 24 months inserted directly (no raw surveys).

Run by hand on PostgreSQL (the database is emptied of certification data first):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_engine PYTHONPATH=src python bench/certify_from_rollups.py

It loads about 2.4M CSR rollup rows (about 10M surveys) plus supervisor, site and organization rows, then times
evaluation alone and a full stored run (`run_certification`), as `worldclass certify` does.
"""

from __future__ import annotations

import argparse
import io
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from process_cpu import process_cpu_seconds  # noqa: E402

from worldclass.certification.domain.evaluation import evaluate_certifications, get_edition  # noqa: E402
from worldclass.core.months import Month  # noqa: E402


def load(*, csrs: int, months: int, start: Month, seed: int) -> None:
    """Organizations, sites, supervisors and CSRs, and their monthly rollups, generated inside PostgreSQL."""
    sites = max(1, csrs // 1000)
    supervisors = max(1, csrs // 20)
    first_day = start.first_day().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        # CASCADE: certificates, program years and what else refers to earlier runs (a bench database only).
        cursor.execute(
            "TRUNCATE certification_certification, certification_certificationrun, certification_monthlyrollup CASCADE"
        )
        cursor.execute("DELETE FROM directory_person WHERE code LIKE 'bench-%%'")
        cursor.execute("DELETE FROM directory_site WHERE code LIKE 'bench-%%'")
        cursor.execute("DELETE FROM directory_organization WHERE code LIKE 'bench-%%'")
        cursor.execute(
            "INSERT INTO directory_organization (code, name, is_client, listed_in_registry, created_at)"
            " SELECT 'bench-' || g, 'Bench ' || g, true, true, now() FROM generate_series(1, 4) g"
        )
        cursor.execute(
            "INSERT INTO directory_site (organization_id, code, name, country, timezone, address)"
            " SELECT o.id, 'bench-s' || g, 'Site ' || g, 'CA', 'America/Toronto', ''"
            " FROM generate_series(1, %s) g JOIN directory_organization o ON o.code = 'bench-' || (1 + g %% 4)",
            [sites],
        )
        cursor.execute(
            "INSERT INTO directory_person (organization_id, code, name, email, site_id, is_csr, is_supervisor)"
            " SELECT s.organization_id, 'bench-v' || g, '', '', s.id, false, true"
            " FROM generate_series(1, %s) g JOIN directory_site s ON s.code = 'bench-s' || (1 + g %% %s)",
            [supervisors, sites],
        )
        cursor.execute(
            "INSERT INTO directory_person (organization_id, code, name, email, site_id, is_csr, is_supervisor)"
            " SELECT s.organization_id, 'bench-c' || g, '', '', s.id, true, false"
            " FROM generate_series(1, %s) g JOIN directory_site s ON s.code = 'bench-s' || (1 + g %% %s)",
            [csrs, sites],
        )
        # Each CSR: a skill (share of World Class calls) and 1..8 eligible surveys a month (about 4.2 on average).
        cursor.execute(
            "CREATE TEMP TABLE bench_csr ON COMMIT DROP AS"
            " SELECT id, organization_id, site_id, 0.55 + random() * 0.45 AS skill FROM directory_person"
            " WHERE code LIKE 'bench-c%%'"
        )
        cursor.execute(
            "INSERT INTO certification_monthlyrollup (organization_id, level, entity_id, month, window_id, eligible,"
            " ineligible, world_class, fcr, resolved, overall_top_box, csr_top_box)"
            " SELECT r.organization_id, 'csr', r.person_id, m, w.id, e, 0, wc, wc, wc, wc, wc FROM ("
            "  SELECT c.organization_id, c.id AS person_id, (DATE %s + make_interval(months => k))::date AS m,"
            "   e, LEAST(e, floor(e * c.skill + random())::int) AS wc"
            "  FROM bench_csr c CROSS JOIN generate_series(0, %s - 1) k"
            "  CROSS JOIN LATERAL (SELECT 1 + floor(random() * 8 + k * 0 + c.id * 0)::int AS e) n"
            " ) r CROSS JOIN certification_surveywindow w WHERE w.code = '2-business-days'",
            [first_day, months],
        )
        # Supervisors and sites: their CSRs' sums, spread over supervisors by CSR id.
        cursor.execute(
            "INSERT INTO certification_monthlyrollup (organization_id, level, entity_id, month, window_id, eligible,"
            " ineligible, world_class, fcr, resolved, overall_top_box, csr_top_box)"
            " SELECT s.organization_id, 'site', s.id, r.month, r.window_id, sum(r.eligible), 0, sum(r.world_class),"
            " sum(r.fcr), sum(r.resolved), sum(r.overall_top_box), sum(r.csr_top_box)"
            " FROM certification_monthlyrollup r JOIN bench_csr c ON c.id = r.entity_id"
            " JOIN directory_site s ON s.id = c.site_id WHERE r.level = 'csr'"
            " GROUP BY s.organization_id, s.id, r.month, r.window_id"
        )
        cursor.execute(
            "INSERT INTO certification_monthlyrollup (organization_id, level, entity_id, month, window_id, eligible,"
            " ineligible, world_class, fcr, resolved, overall_top_box, csr_top_box)"
            " SELECT v.organization_id, 'supervisor', v.id, r.month, r.window_id, sum(r.eligible), 0,"
            " sum(r.world_class), sum(r.fcr), sum(r.resolved), sum(r.overall_top_box), sum(r.csr_top_box)"
            " FROM certification_monthlyrollup r JOIN bench_csr c ON c.id = r.entity_id"
            " JOIN directory_person v ON v.code = 'bench-v' || (1 + c.id %% %s) WHERE r.level = 'csr'"
            " GROUP BY v.organization_id, v.id, r.month, r.window_id",
            [supervisors],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE certification_monthlyrollup")
        cursor.execute(
            "SELECT level, count(*), sum(eligible) FROM certification_monthlyrollup GROUP BY level ORDER BY level"
        )
        for level, rows, surveys in cursor.fetchall():
            print(f"  {level:<12} {rows:>10,} rollup rows {surveys:>12,} eligible surveys")


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend, when the server runs on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return process_cpu_seconds(pid)


def timed(label: str, action) -> None:
    began, cpu, server = time.perf_counter(), time.process_time(), backend_cpu_seconds()
    detail = action()
    server_after = backend_cpu_seconds()
    server_text = f", {server_after - server:.2f} s CPU in PostgreSQL" if server is not None else ""
    print(
        f"{label}: {time.perf_counter() - began:.2f} s wall, {time.process_time() - cpu:.2f} s CPU in Python"
        f"{server_text}{detail}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csrs", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-load", action="store_true", help="Reuse the rollups already loaded.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run this benchmark on PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    start = Month(2024, 1)
    through = start + (args.months - 1)
    if not args.skip_load:
        began = time.perf_counter()
        load(csrs=args.csrs, months=args.months, start=start, seed=args.seed)
        print(f"loaded rollups in {time.perf_counter() - began:.1f} s")
    edition = get_edition(year=2013)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when it is high)")
    timed(
        f"evaluate_certifications through {through}",
        lambda: f", {len(evaluate_certifications(edition=edition, through=through).entities):,} entities",
    )

    def certify() -> str:
        out = io.StringIO()
        call_command("certify", "--edition", "2013", "--through", str(through), "--json", stdout=out)
        return f", {len(out.getvalue()) / 1e6:.1f} MB of JSON"

    for run_number in (1, 2):
        timed(f"worldclass certify --json #{run_number} (evaluate, store the run and certifications, print)", certify)


if __name__ == "__main__":
    main()
