"""Sampling decisions against a bare HMAC-SHA256 loop, in the same run (CPU only, no database).

python bench/operations/sampling.py [--calls 1000000]

Both loops read the same pre-built call log (call ids, end times, dispositions, customer keys): the bare loop
computes `hmac.new(key, call_id, sha256).digest()` per call; the decision loop does what the call import does per
call (`operations.domain.calls`): build the call's facts, draw its fraction under the month key, apply the rule and
record a selection in the fatigue history. The target (issue 11) is decisions/s >= 50% of bare HMACs/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
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
    FractionDrawer,
    InvitationHistory,
    decide,
)
from worldclass.operations.models import SampleOutcome  # noqa: E402


def call_log(calls: int) -> list[tuple]:
    start_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return [
        (
            f"CALL-{n:09d}",
            start_at + dt.timedelta(seconds=2.5 * n),
            "abandoned" if n % 50 == 0 else "answered",
            n % 97 == 0,
            (f"phone-{n % 400_000}", ""),
            n % 2000,
        )
        for n in range(calls)
    ]


def bare_hmac(*, key: bytes, log: list[tuple]) -> float:
    began = time.perf_counter()
    for call_id, *_ in log:
        hmac.new(key, call_id.encode("utf-8"), hashlib.sha256).digest()
    return len(log) / (time.perf_counter() - began)


def decisions(*, key: bytes, log: list[tuple]) -> tuple[float, int]:
    rules = ExclusionRules()
    history = InvitationHistory()
    completed: dict[int, int] = {}
    selected = 0
    began = time.perf_counter()
    draw = FractionDrawer(key)
    for n, (call_id, ended_at, disposition, do_not_survey, customer_keys, csr_id) in enumerate(log):
        facts = CallFacts(call_id, ended_at, disposition, do_not_survey, customer_keys, csr_id, 0.25)
        outcome = decide(
            facts=facts, draw=draw(call_id), rules=rules, history=history, completed_for_csr=completed.get(csr_id, 0)
        )
        if outcome == SampleOutcome.SELECTED:
            selected += 1
            history.add(customer_keys, ended_at)
            completed[csr_id] = completed.get(csr_id, 0) + (1 if n % 3 == 0 else 0)
    return len(log) / (time.perf_counter() - began), selected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds; the medians are reported.")
    args = parser.parse_args()
    key = secrets.token_bytes(32)
    log = call_log(args.calls)
    bare_rates, decision_rates = [], []
    for _ in range(args.rounds):
        bare_rates.append(bare_hmac(key=key, log=log))
        rate, selected = decisions(key=key, log=log)
        decision_rates.append(rate)
    bare, decided = sorted(bare_rates)[len(bare_rates) // 2], sorted(decision_rates)[len(decision_rates) // 2]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{args.calls:,} calls, median of {args.rounds} alternating rounds, load average {load}")
    print(f"bare HMAC-SHA256 loop: {bare:,.0f} /s")
    print(f"sampling decisions:    {decided:,.0f} /s ({selected:,} selected)")
    print(f"ratio decisions / bare HMAC: {decided / bare:.0%} (target >= 50%)")


if __name__ == "__main__":
    main()
