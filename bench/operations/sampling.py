"""Sampling decisions for 1M calls: the HMAC draw and the rule, in process (no database).

python bench/operations/sampling.py [--calls 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

import django

django.setup()

from worldclass.operations.domain.sampling import (  # noqa: E402
    CallFacts,
    ExclusionRules,
    InvitationHistory,
    decide,
    draw_fraction,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()
    key = secrets.token_bytes(32)
    rules = ExclusionRules()
    history = InvitationHistory()
    start_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    completed: dict[int, int] = {}
    selected = 0
    began = time.perf_counter()
    for n in range(args.calls):
        call_id = f"CALL-{n:09d}"
        csr_id = n % 2000
        facts = CallFacts(
            call_id=call_id,
            ended_at=start_at + dt.timedelta(seconds=2.5 * n),
            disposition="abandoned" if n % 50 == 0 else "answered",
            do_not_survey=n % 97 == 0,
            customer_keys=(f"phone-{n % 400_000}", ""),
            csr_id=csr_id,
            probability=0.25,
        )
        outcome = decide(
            facts=facts,
            draw=draw_fraction(key=key, message=call_id),
            rules=rules,
            history=history,
            completed_for_csr=completed.get(csr_id, 0),
        )
        if outcome == "selected":
            selected += 1
            history.add(facts.customer_keys, facts.ended_at)
            completed[csr_id] = completed.get(csr_id, 0) + (1 if n % 3 == 0 else 0)
    elapsed = time.perf_counter() - began
    print(f"{args.calls} decisions in {elapsed:.2f} s: {args.calls / elapsed:,.0f} decisions/s; {selected} selected")
    began = time.perf_counter()
    for n in range(args.calls):
        draw_fraction(key=key, message=f"CALL-{n:09d}")
    elapsed = time.perf_counter() - began
    print(f"{args.calls} HMAC draws alone in {elapsed:.2f} s: {args.calls / elapsed:,.0f} draws/s")


if __name__ == "__main__":
    main()
