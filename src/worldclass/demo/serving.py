"""Where the demo serves: its links (certificates, QR codes, invitations, prints) must point there."""

from __future__ import annotations

import os

from django.conf import settings


def use_served_public_url(*, host: str, port: int) -> str:
    """Point every absolute link at the demo's own server, unless WORLDCLASS_PUBLIC_URL was set explicitly (a demo
    behind a proxy keeps the address its visitors use). Returns the base URL in use."""
    if not os.environ.get("WORLDCLASS_PUBLIC_URL"):
        # 0.0.0.0 and :: listen everywhere; a link needs an address to reach, so it names this machine.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        shown = f"[{shown}]" if ":" in shown else shown
        settings.WORLDCLASS_PUBLIC_URL = f"http://{shown}:{port}"
    return settings.WORLDCLASS_PUBLIC_URL
