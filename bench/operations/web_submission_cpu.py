"""CPU per web survey submission, in process: Django's and PostgreSQL's, for comparing changes during development.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_ops python bench/operations/web_submission_cpu.py \
        [--submissions 300] [--profile out.prof] [--queries]

It prepares invitations as `web_submissions.py` does, then submits them one after another through Django's WSGI
handler (a GET of the survey page for the CSRF cookie, a POST of the answers, CSRF checks on) and prints the
process CPU per submission and, on PostgreSQL on this machine, the server backend's CPU (from /proc). `--queries`
prints the statements of one POST; `--profile` writes a cProfile (CPU time) of the measured submissions.

CPU time still grows with the machine's load (other processes share the cores and their caches): compare the
quietest batches, or count instructions, which do not depend on load at all: prepare tokens once with
`--prepare-only FILE`, then run `valgrind --tool=cachegrind --cache-sim=no` on `--tokens FILE` with two numbers of
submissions; the difference of the two totals divided by the difference of the numbers is per submission. Run both
with `OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 WORLDCLASS_DB_CONN_MAX_AGE=60`: the first request imports numpy, whose
idle BLAS threads spin for as long as they happen to wait and moved the count by up to 5%; with these it repeats to
the last thousand instructions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_submissions import ANSWERS, CSRF_RE, cpu_seconds, prepare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--tokens", type=Path, help="submit these prepared tokens (one a line) instead of preparing")
    parser.add_argument("--prepare-only", type=Path, help="prepare the invitations, write their tokens here, stop")
    args = parser.parse_args()
    if args.prepare_only:
        prepare(args.submissions + args.warmup + 1, args.prepare_only)
        return
    if args.tokens:
        import django

        django.setup()
        tokens = args.tokens.read_text().split()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            tokens_file = Path(tmp) / "tokens.txt"
            prepare(args.submissions + args.warmup + 1, tokens_file)
            tokens = tokens_file.read_text().split()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(enforce_csrf_checks=True)

    def submit(token: str) -> None:
        path = f"/survey/{token}/"
        page = client.get(path)
        token_value = CSRF_RE.search(page.content.decode()).group(1)
        done = client.post(path, {**ANSWERS, "csrfmiddlewaretoken": token_value})
        if (page.status_code, done.status_code) != (200, 200):
            raise SystemExit(f"GET {page.status_code}, POST {done.status_code}")

    for token in tokens[: args.warmup]:
        submit(token)
    if args.queries:
        token = tokens[args.warmup]
        page = client.get(f"/survey/{token}/")
        csrf = CSRF_RE.search(page.content.decode()).group(1)
        with CaptureQueriesContext(connection) as captured:
            client.post(f"/survey/{token}/", {**ANSWERS, "csrfmiddlewaretoken": csrf})
        for query in captured.captured_queries:
            print(query["sql"][:300])
        print(f"{len(captured.captured_queries)} statements in the POST")
    measured = tokens[args.warmup + 1 : args.warmup + 1 + args.submissions]
    connection.ensure_connection()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    server_before = cpu_seconds(backend) if backend else 0.0
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    batches = []
    for start in range(0, len(measured), 25):
        batch = measured[start : start + 25]
        began = time.process_time()
        for token in batch:
            submit(token)
        batches.append((time.process_time() - began) / len(batch))
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    server = (cpu_seconds(backend) - server_before) if backend else 0.0
    n = len(measured)
    print(
        json.dumps(
            {
                "submissions": n,
                "django_cpu_ms": round(cpu / n * 1000, 2),
                # Other processes on the same cores slow this one's CPU down too: the quietest batches say more.
                "django_cpu_ms_min_batch": round(min(batches) * 1000, 2),
                "django_cpu_ms_median_batch": round(statistics.median(batches) * 1000, 2),
                "postgres_cpu_ms": round(server / n * 1000, 2),
                "wall_ms": round(wall / n * 1000, 2),
                "load": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
