"""10k web survey submissions against a locally started server, from a second process on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_ops python bench/operations/web_submissions.py \
        [--submissions 10000] [--concurrency 32] [--port 8015] [--time-limit 900]

It migrates the database, imports one call per submission (all sampled onto the web channel), issues a link for
each, starts gunicorn (2 sync workers, bench/gunicorn_server.py) on 127.0.0.1, and runs the load from a child
process: each virtual customer GETs the survey page (for the CSRF cookie) and POSTs the answers. Bounded: it stops
after the submissions or the time limit, then stops the server it started and checks that every answer became
exactly one SurveyResponse. It also prints the CPU spent per submission by the gunicorn processes, by this database's
PostgreSQL backends (read from /proc, so PostgreSQL must run on this machine) and by the load generator: figures that
depend far less on the machine's load than the wall-clock ones.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

from gunicorn_server import gunicorn_server  # noqa: E402
from process_cpu import process_cpu_seconds  # noqa: E402

ANSWERS = {"resolved": "yes", "first_call": "yes", "overall_sat": "5", "csr_sat": "4", "comment": "bench"}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def submit(port: int, token: str) -> tuple[float, int]:
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    path = f"/survey/{token}/"
    conn.request("GET", path)
    page = conn.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    match = CSRF_RE.search(html)
    if page.status != 200 or not match:
        conn.close()
        return time.perf_counter() - began, page.status
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": match.group(1)})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    conn.request("POST", path, body=body, headers=headers)
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return time.perf_counter() - began, answer.status


def run_load(*, port: int, tokens_file: Path, concurrency: int, time_limit: float) -> None:
    tokens = tokens_file.read_text().split()
    deadline = time.monotonic() + time_limit
    latencies, statuses = [], {}
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending = set()
        queue = iter(tokens)
        for token in queue:
            pending.add(pool.submit(submit, port, token))
            if len(pending) >= concurrency * 2:
                done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    latency, status = future.result()
                    latencies.append(latency)
                    statuses[status] = statuses.get(status, 0) + 1
            if time.monotonic() > deadline:
                break
        for future in concurrent.futures.as_completed(pending):
            latency, status = future.result()
            latencies.append(latency)
            statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - began
    load_cpu = time.process_time()
    latencies.sort()
    print(
        json.dumps(
            {
                "submissions": len(latencies),
                "seconds": round(elapsed, 2),
                "per_second": round(len(latencies) / elapsed, 1),
                "p50_ms": round(statistics.median(latencies) * 1000, 1),
                "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
                "max_ms": round(latencies[-1] * 1000, 1),
                "statuses": statuses,
                "load_cpu_ms": round(load_cpu / max(len(latencies), 1) * 1000, 2),
            }
        )
    )


def prepare(n: int, tokens_file: Path) -> str:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from worldclass.directory.models import Organization, Site
    from worldclass.operations.domain.calls import import_calls
    from worldclass.operations.domain.invitations import token_sha256
    from worldclass.operations.models import Invitation, SamplePlan

    call_command("migrate", verbosity=0)
    stamp = f"{time.time():.0f}"
    code = f"bench-{stamp}"
    now = timezone.now()
    with scopes_disabled():
        organization = Organization.objects.create(code=code, name="Bench")
        site = Site.objects.create(organization=organization, code="s1", country="CA", timezone="America/Toronto")
        SamplePlan.objects.create(
            organization=organization,
            site=site,
            expected_calls_per_csr=1,
            assumed_response_rate=1.0,
            ivr_weight=0,
            interviewer_weight=0,
            target_per_csr=1_000_000,
        )
        started = now - dt.timedelta(minutes=40)
        for batch in range(0, n, 2000):
            rows = [
                (
                    i + 2,
                    {
                        "call_id": f"B{stamp}-{i}",
                        "org": code,
                        "site": "s1",
                        "country": "CA",
                        "timezone": "America/Toronto",
                        "supervisor": "S1",
                        "csr": f"C{i % 50}",
                        "customer_email": f"bench{stamp}-{i}@example.com",
                        "language": "fr" if i % 2 else "en",
                        "started_at": started.isoformat(),
                        "ended_at": (started + dt.timedelta(minutes=5)).isoformat(),
                        "call_type": "billing",
                    },
                )
                for i in range(batch, min(n, batch + 2000))
            ]
            import_calls(
                organization=organization,
                raw_rows=rows,
                source_name="bench",
                sha256="0" * 64,
                actor="bench",
                now=now - dt.timedelta(minutes=30),
            )
        invitations = list(Invitation.objects.filter(organization=organization))
        tokens = []
        for invitation in invitations:
            token = os.urandom(24).hex()
            invitation.token_sha256 = token_sha256(token)
            tokens.append(token)
        Invitation.objects.bulk_update(invitations, ["token_sha256"], batch_size=2000)
    tokens_file.write_text("\n".join(tokens))
    return code


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (0 once it is gone)."""
    return process_cpu_seconds(pid) or 0.0


def server_pids(port: int) -> list[int]:
    """The gunicorn arbiter and workers listening on `port`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"gunicorn" in command and f"127.0.0.1:{port}".encode() in command:
                pids.append(int(entry.name))
    return pids


def database_backends() -> list[int]:
    """This database's PostgreSQL backends other than ours (the server's connections)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


class BackendCPU(threading.Thread):
    """The CPU of this database's backends during the load: polled each second, since a worker's connection is
    replaced when it reaches WORLDCLASS_DB_CONN_MAX_AGE (a backend's last second may be missed)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.seen: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        while not self.stopping.wait(1.0):
            self.poll()
        connection.close()

    def poll(self) -> None:
        for pid in database_backends():
            self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        return sum(self.seen.values())


def count_responses(code: str) -> int:
    from django_scopes import scopes_disabled

    from worldclass.surveys.models import SurveyResponse

    with scopes_disabled():
        return SurveyResponse.objects.filter(organization__code=code).count()


def main() -> None:
    from django.db import connections

    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--port", type=int, default=8015)
    parser.add_argument("--time-limit", type=float, default=900)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        run_load(port=args.port, tokens_file=args.load, concurrency=args.concurrency, time_limit=args.time_limit)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tokens_file = Path(tmp) / "tokens.txt"
        began = time.perf_counter()
        code = prepare(args.submissions, tokens_file)
        print(f"prepared {args.submissions} invitations in {time.perf_counter() - began:.1f} s ({code})")
        # Persistent connections per worker, as in production behind gunicorn.
        env = {"WORLDCLASS_DB_CONN_MAX_AGE": "60"}
        with gunicorn_server(port=args.port, env=env, workers=args.workers):
            servers = server_pids(args.port)
            server_cpu = sum(cpu_seconds(pid) for pid in servers)
            # Our own connection (the preparation's work) is not the server's.
            connections.close_all()
            backends = BackendCPU()
            backends.start()
            load = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--load",
                    str(tokens_file),
                    "--port",
                    str(args.port),
                    "--concurrency",
                    str(args.concurrency),
                    "--time-limit",
                    str(args.time_limit),
                ],
                capture_output=True,
                text=True,
                timeout=args.time_limit + 120,
                check=True,
            )
            print(load.stdout.strip())
            submissions = json.loads(load.stdout)["submissions"]
            server_cpu = sum(cpu_seconds(pid) for pid in servers) - server_cpu
            database_cpu = backends.stop()
            per_submission = {
                "server_cpu_ms": round(server_cpu / submissions * 1000, 2),
                "postgres_cpu_ms": round(database_cpu / submissions * 1000, 2),
                "load_average": [round(value, 2) for value in os.getloadavg()],
            }
            print(json.dumps(per_submission))
        print(f"survey responses stored: {count_responses(code)}")


if __name__ == "__main__":
    main()
