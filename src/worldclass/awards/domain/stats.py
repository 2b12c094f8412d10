"""Two-proportion comparison for measured evidence: z-test and a 95% interval on the change."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from worldclass.certification.domain import rules

Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion (the certification rules' formula); n must be positive here."""
    if n <= 0:
        raise ValueError("n must be positive")
    return rules.wilson_interval(successes, n, z)


@dataclass(frozen=True)
class ProportionChange:
    """Before/after counts, rates, the pooled two-proportion z-test and Newcombe's interval on the difference."""

    before_successes: int
    before_n: int
    after_successes: int
    after_n: int
    before_rate: float
    after_rate: float
    change: float
    z: float
    p_value: float
    change_low: float
    change_high: float

    def as_dict(self) -> dict:
        return asdict(self)


def compare_proportions(
    *, before_successes: int, before_n: int, after_successes: int, after_n: int
) -> ProportionChange:
    """Compare two independent proportions (after - before).

    The z statistic uses the pooled proportion; the two-sided p-value is erfc(|z|/√2). The 95% interval on the
    difference is Newcombe's hybrid score interval (method 10), built from the two Wilson intervals, which keeps its
    coverage near 0% and 100% where the Wald interval does not.
    """
    if before_n <= 0 or after_n <= 0:
        raise ValueError("both periods need at least one survey")
    if not (0 <= before_successes <= before_n and 0 <= after_successes <= after_n):
        raise ValueError("successes must be between 0 and n")
    p1 = before_successes / before_n
    p2 = after_successes / after_n
    pooled = (before_successes + after_successes) / (before_n + after_n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / before_n + 1 / after_n))
    if se == 0:
        z = 0.0
        p_value = 1.0
    else:
        z = (p2 - p1) / se
        p_value = math.erfc(abs(z) / math.sqrt(2))
    l1, u1 = wilson_interval(before_successes, before_n)
    l2, u2 = wilson_interval(after_successes, after_n)
    diff = p2 - p1
    low = diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return ProportionChange(
        before_successes=before_successes,
        before_n=before_n,
        after_successes=after_successes,
        after_n=after_n,
        before_rate=p1,
        after_rate=p2,
        change=diff,
        z=z,
        p_value=p_value,
        change_low=max(-1.0, low),
        change_high=min(1.0, high),
    )
