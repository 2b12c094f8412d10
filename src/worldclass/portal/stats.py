"""Small statistics for the dashboards: the Wilson score interval, and the beta-binomial chance of qualifying."""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(*, successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion, as fractions in [0, 1]; None without trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)
