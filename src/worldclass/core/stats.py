"""The statistics every app uses, stated once: Wilson, two proportions (z-test and Newcombe), beta-binomial.

Certification's confidence rule, the dashboards' intervals and leaderboards, the operations reports and the awards'
measured evidence all call these functions; `core/tests/test_stats.py` checks them against statsmodels and scipy.
Pure arithmetic on counts (no app, no database), so it lives in `core`, which depends on no app.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from worldclass.core.lazy import lazy_module

np = lazy_module("numpy")

# The z of every 95% interval on the platform. The certification rules fix it at 1.96 (docs/rules.md) and the
# published figures (certify --json, the dashboards' intervals) are computed with it, so the awards use it too.
Z_95 = 1.96


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion; None without observations."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def wilson_bounds(successes: np.ndarray, n: np.ndarray, z: float = Z_95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares and Wilson bounds of many proportions at once, the same arithmetic as `wilson_interval` (NaN where n
    is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = n.astype(np.float64)
        p = successes / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
        return p, np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)


def wilson_lower_bound_sql(successes, n, z: float = Z_95):
    """The Wilson lower bound as a database expression over two integer expressions (NULL where n is 0): the same
    arithmetic as `wilson_interval`, so that a leaderboard ranks and pages in SQL instead of in Python."""
    # Only SQL callers pay for Django's ORM: the statistics stay importable without configured settings.
    from django.db.models import Case, FloatField, Value, When
    from django.db.models.functions import Cast, Greatest, Sqrt
    from django.db.models.lookups import GreaterThan

    trials = n
    n = Cast(n, FloatField())
    p = Cast(successes, FloatField()) / n
    z2 = Value(z * z)
    denominator = Value(1.0) + z2 / n
    centre = (p + z2 / (Value(2.0) * n)) / denominator
    half = Value(z) * Sqrt(p * (Value(1.0) - p) / n + z2 / (Value(4.0) * n * n)) / denominator
    return Case(
        When(GreaterThan(trials, 0), then=Greatest(Value(0.0), centre - half)), default=None, output_field=FloatField()
    )


def wilson_lower_bounds(successes: np.ndarray, n: np.ndarray, z: float = Z_95) -> np.ndarray:
    """Wilson lower bounds of many proportions (0 where n is 0)."""
    _, low, _ = wilson_bounds(successes, n, z)
    return np.where(n > 0, low, 0.0)


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
    # Both n are positive (checked above), so both intervals exist.
    l1, u1 = wilson_interval(before_successes, before_n)  # type: ignore[misc]
    l2, u2 = wilson_interval(after_successes, after_n)  # type: ignore[misc]
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


def beta_binomial_pmf(*, k: int, n: int, alpha: float, beta: float) -> float:
    """P(X = k) when X ~ BetaBinomial(n, alpha, beta): k successes in n trials whose rate is Beta(alpha, beta)."""
    if not 0 <= k <= n:
        return 0.0
    log_choose = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    log_beta_ratio = (
        math.lgamma(k + alpha)
        + math.lgamma(n - k + beta)
        - math.lgamma(n + alpha + beta)
        - (math.lgamma(alpha) + math.lgamma(beta) - math.lgamma(alpha + beta))
    )
    return math.exp(log_choose + log_beta_ratio)
