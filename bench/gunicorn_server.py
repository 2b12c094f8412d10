"""A real gunicorn server on 127.0.0.1 for the load benchmarks: started, awaited, always stopped.

with gunicorn_server(port=8015, env=env) as base:   # "http://127.0.0.1:8015"
    ...
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def gunicorn_server(
    *, port: int, env: dict | None = None, workers: int = 2, timeout: float = 60, gunicorn_timeout: int = 120
) -> Iterator[str]:
    """Run `gunicorn worldclass.wsgi` with `workers` sync workers on 127.0.0.1:`port`; yields the base URL.
    `gunicorn_timeout` is how long a worker may take over one request before gunicorn kills it."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("WORLDCLASS_DEBUG", "0")
    log = Path(tempfile.gettempdir()) / f"worldclass-bench-gunicorn-{port}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "worldclass.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        # Load the application once in the arbiter: the workers fork with Django and the app modules imported.
        "--preload",
        "--timeout",
        str(gunicorn_timeout),
        "--log-level",
        "warning",
    ]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file)
        try:
            _wait_for(port=port, server=server, timeout=timeout, log=log)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server)


def stop(process: subprocess.Popen) -> None:
    """Ask the process to stop; kill it if it has not within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(*, port: int, server: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s; see {log}")
