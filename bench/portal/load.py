"""Load test of the portal: 20 concurrent clients, from this process, against a server started on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_portal PYTHONPATH=src python bench/portal/load.py

Run `bench/portal/populate.py` (synthetic rollups) or `bench/portal/enrol.py` (an organization that was imported)
first. The server (gunicorn, 2 sync workers, DEBUG off, persistent database connections: bench/gunicorn_server.py)
runs in a child process; this process logs 20 clients in (4 per role) and has each request its role's pages
`--rounds` times. Prints the median and 95th percentile per page; bounded by `--deadline` seconds. The server uses
Redis as its cache, as production must (`--cache-url`, emptied first), so the page cache (core/page_cache.py) is
shared by the workers; `--no-page-cache` renders every page, for comparison.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

from gunicorn_server import gunicorn_server

PASSWORD = "bench-password"
CLIENTS_PER_ROLE = 4


def page_plan() -> dict[str, list[tuple[str, str]]]:
    """Each role's pages, as (label, path), with the ids of the populated data."""
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from worldclass.accounts.models import User

    with scopes_disabled():
        from worldclass.directory.models import Organization

        org = Organization.objects.get(role_assignments__user__username="bench-org_admin")
        site_manager = User.objects.get(username="bench-site_manager")
        site = site_manager.role_assignments.get().sites.get()
        supervisor = User.objects.get(username="bench-supervisor").person
        csr = User.objects.get(username="bench-csr").person
    return {
        "certifier_staff": [("organizations list", "/dashboard/organizations/"), ("registry", "/registry/")],
        "org_admin": [
            ("organization", f"/dashboard/organization/{org.id}/"),
            ("organization leaderboard (CSRs)", f"/dashboard/organization/{org.id}/leaderboard/?of=csr"),
            ("leaderboard CSV, first byte", f"/dashboard/organization/{org.id}/export/leaderboard.csv?of=csr"),
            ("api monthly metrics", "/api/v1/monthly-metrics/?level=csr"),
        ],
        "site_manager": [
            ("site", f"/dashboard/site/{site.id}/"),
            ("site comments", f"/dashboard/site/{site.id}/comments/?unresolved=1"),
            ("site progress", f"/dashboard/site/{site.id}/progress/"),
        ],
        "supervisor": [
            ("supervisor", f"/dashboard/supervisor/{supervisor.id}/"),
            ("supervisor leaderboard", f"/dashboard/supervisor/{supervisor.id}/leaderboard/"),
        ],
        "csr": [
            ("csr", f"/dashboard/csr/{csr.id}/"),
            ("csr progress", f"/dashboard/csr/{csr.id}/progress/"),
            ("csr every edition", f"/dashboard/csr/{csr.id}/editions/"),
            ("csr months xlsx", f"/dashboard/csr/{csr.id}/export/months.xlsx"),
        ],
    }


def _empty_cache(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def log_in(base: str, role: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": f"bench-{role}", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"login as bench-{role} failed: {response.status_code}")
    if response.headers.get("Location", "").endswith("/accounts/login/second-factor/"):
        # Certifier staff sign in with a second factor (populate.py enrolled an authenticator for them).
        page = session.get(f"{base}/accounts/login/second-factor/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = session.post(
            f"{base}/accounts/login/second-factor/",
            data={"token": current_code(f"bench-{role}"), "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/second-factor/"},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 302:
            raise SystemExit(f"second factor of bench-{role} failed: {response.status_code}")
    return session


def current_code(username: str) -> str:
    """The authenticator's code now; the device forgets the last code it took, so 4 clients may sign in at once."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def timed_get(session: requests.Session, url: str, label: str) -> tuple[requests.Response, float]:
    """GET a page: seconds to the whole body, or for a download ("first byte") to its first bytes, since an export
    streams and what a user waits for is the download starting; the rest is read before the next request."""
    started = time.perf_counter()
    response = session.get(url, timeout=120, stream=True)
    if label.endswith("first byte"):
        chunks = response.iter_content(64 * 1024)
        next(chunks, b"")
        elapsed = time.perf_counter() - started
        for _ in chunks:
            pass
        return response, elapsed
    for _ in response.iter_content(64 * 1024):
        pass
    return response, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8016)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--deadline", type=float, default=900, help="stop sending requests after this many seconds")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/15",
        help="the shared cache, as production has one (WORLDCLASS_CACHE_URL); emptied first",
    )
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every page (WORLDCLASS_PAGE_CACHE_SECONDS=0)"
    )
    args = parser.parse_args()
    _empty_cache(args.cache_url)
    plan = page_plan()
    base = f"http://127.0.0.1:{args.port}"
    timings: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop_at = time.monotonic() + args.deadline
    server_env = {
        "WORLDCLASS_DB_CONN_MAX_AGE": "60",
        "WORLDCLASS_CACHE_URL": args.cache_url,
        "WORLDCLASS_PAGE_CACHE_SECONDS": "0" if args.no_page_cache else "300",
    }
    with gunicorn_server(port=args.port, env=server_env, workers=args.workers):
        clients = [(role, log_in(base, role)) for role in plan for _ in range(CLIENTS_PER_ROLE)]

        def run(role: str, session: requests.Session) -> None:
            for _ in range(args.rounds):
                for label, path in plan[role]:
                    if time.monotonic() > stop_at:
                        return
                    response, elapsed = timed_get(session, base + path, label)
                    with lock:
                        if response.status_code == 200:
                            timings[label].append(elapsed)
                        else:
                            failures[label] += 1

        # One client alone first: the pages' own latency, without queueing behind 19 others.
        # The logins committed, so the first of the three is rendered (`first`); the page cache may serve the others.
        alone: dict[str, float] = {}
        first: dict[str, float] = {}
        for role, session in clients[::CLIENTS_PER_ROLE]:
            for label, path in plan[role]:
                samples = []
                for _ in range(3):
                    samples.append(timed_get(session, base + path, label)[1])
                first[label] = samples[0]
                alone[label] = statistics.median(samples)

        wall = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            for future in [pool.submit(run, role, session) for role, session in clients]:
                future.result()
        wall = time.perf_counter() - wall
    total = sum(len(v) for v in timings.values())
    print(f"{len(clients)} concurrent clients, {total} requests in {wall:.1f}s ({total / wall:.1f} req/s)")
    print(f"page cache: {'off' if args.no_page_cache else 'on'} ({args.cache_url})")
    print(f"{'page':<34} {'first ms':>9} {'alone ms':>9} {'n':>5} {'median ms':>10} {'p95 ms':>10} {'failed':>7}")
    for label in [label for pages in plan.values() for label, _ in pages]:
        values = sorted(timings[label])
        if not values:
            print(f"{label:<34} {'-':>9} {'-':>9} {0:>5} {'-':>10} {'-':>10} {failures[label]:>7}")
            continue
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{label:<34} {1000 * first[label]:>9.0f} {1000 * alone[label]:>9.0f} {len(values):>5}"
            f" {1000 * statistics.median(values):>10.0f} {1000 * p95:>10.0f}"
            f" {failures[label]:>7}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
