"""The beta-binomial model behind "probability of qualifying by the end of the month" (see docs/dashboards.md)."""

from __future__ import annotations

import math


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
