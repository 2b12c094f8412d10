"""A certifier's program year through the web app, as staff run it: the run, its certificates, the registry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_bench10m PYTHONPATH=src \
        python bench/certifier/program_year_web.py --year 2025 --through 2025-12

Run it on a database the surveys are already imported into (`bench/run_bench.py --pg-url …` leaves one). The server
is gunicorn as docs/deployment.md runs it (2 sync workers, gunicorn's default timeout of 30 s), with a Celery worker
on Redis for the tasks and Redis as the cache the pages read progress from, as in production. One member of
certifier staff (`bench-certifier_staff`, created if missing, with an authenticator) signs in, then:
reviews and confirms the program year's run, opens the run's page, confirms the issuing of its certificates and
follows it to its end, opens the run's page again and its changes as CSV, publishes the year's registry and opens it.
Prints each step's seconds and HTTP status, and how many certificates the run has in the end. It empties Redis
databases 12 and 13 of the local server first (the broker's and the cache's): run it where nothing else keeps data
there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(BENCH), str(BENCH / "portal")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

from gunicorn_server import gunicorn_server, stop  # noqa: E402

ROLE = "certifier_staff"
BROKER = "redis://127.0.0.1:6379/13"
CACHE = "redis://127.0.0.1:6379/12"
# gunicorn's own default: what docs/deployment.md's command runs with.
GUNICORN_TIMEOUT = 30


def ensure_staff() -> None:
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from load import PASSWORD

    from worldclass.accounts.models import Role, RoleAssignment, User

    if User.objects.filter(username=f"bench-{ROLE}").exists():
        return
    user = User.objects.create_user(username=f"bench-{ROLE}", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.CERTIFIER_STAFF)
    TOTPDevice.objects.create(user=user, name="bench authenticator", confirmed=True)


@contextlib.contextmanager
def celery_worker(env: dict):
    log = Path(tempfile.gettempdir()) / "worldclass-bench-celery.log"
    command = [sys.executable, "-m", "celery", "-A", "worldclass.celery_app:app", "worker"]
    command += ["--concurrency", "1", "--pool", "solo", "--loglevel", "warning"]
    with log.open("w") as log_file:
        worker = subprocess.Popen(command, env=env, cwd=BENCH.parent, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            stop(worker)


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--through", required=True, help="YYYY-MM, a month of the program year")
    parser.add_argument("--port", type=int, default=8017)
    args = parser.parse_args()
    import redis

    for url in (BROKER, CACHE):
        redis.Redis.from_url(url).flushdb()
    ensure_staff()
    from load import log_in

    env = {
        **os.environ,
        "PYTHONPATH": str(BENCH.parent / "src"),
        "CELERY_BROKER_URL": BROKER,
        "WORLDCLASS_CACHE_URL": CACHE,
        "WORLDCLASS_DB_CONN_MAX_AGE": "60",
        "WORLDCLASS_DEBUG": "0",
    }
    steps: list[tuple[str, float, str]] = []

    def step(label: str, send) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = send()
        except requests.RequestException as error:
            steps.append((label, time.perf_counter() - started, f"failed: {type(error).__name__}"))
            return None
        steps.append((label, time.perf_counter() - started, str(response.status_code)))
        return response

    with celery_worker(env), gunicorn_server(port=args.port, env=env, gunicorn_timeout=GUNICORN_TIMEOUT) as base:
        session = log_in(base, ROLE)

        def confirm(label: str, url: str, form: requests.Response, fields: dict | None = None):
            """POST the confirmation form of the page `form` (what the button sends), not following the redirect."""
            data = {**(fields or {}), "csrfmiddlewaretoken": csrf(form.text)}
            return step(
                label,
                lambda: session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=600),
            )

        new = f"{base}/certification/runs/new/"
        query = {"year": args.year, "through": args.through}
        review = step("review the run", lambda: session.get(new, params=query, timeout=600))
        made = confirm("confirm the run", new, review, query)
        run_url = base + made.headers["Location"]
        step("the run's page", lambda: session.get(run_url, timeout=600))
        issue_url = f"{run_url}issue/"
        issue_page = step("the issue page", lambda: session.get(issue_url, timeout=600))
        confirm("confirm the issuing", issue_url, issue_page)
        started = time.perf_counter()
        polls = 0
        while time.perf_counter() - started < 1800:
            status = session.get(f"{issue_url}status/", timeout=600)
            polls += 1
            if status.status_code != 200 or "hx-get" not in status.text:
                break
            time.sleep(0.5)
        outcome = re.search(r'id="issue-result">([^<]+)<', status.text)
        steps.append(
            (
                f"the issuing followed to its end ({polls} polls)",
                time.perf_counter() - started,
                outcome.group(1) if outcome else f"{status.status_code}, no result shown",
            ),
        )
        page = step("the run's page again", lambda: session.get(run_url, timeout=600))
        step("the run's changes as CSV", lambda: session.get(f"{run_url}changes.csv", timeout=600))
        issued = re.search(r'id="run-certificates">([^<]+)<', page.text) if page is not None else None
        publish_url = f"{run_url}publish/"
        form = step("the publish page", lambda: session.get(publish_url, timeout=600))
        confirm("confirm the publication", publish_url, form)
        step("the public registry", lambda: requests.get(f"{base}/registry/{args.year}/", timeout=600))
    print(f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for label, seconds, status in steps:
        print(f"{label:<45} {seconds:8.2f} s  {status}")
    print(issued.group(1) if issued else "the run's page gave no certificate count")
    return 0


if __name__ == "__main__":
    sys.exit(main())
