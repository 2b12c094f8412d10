"""The platform's statistics against independent reference implementations (statsmodels and scipy, test-only)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import betabinom, norm
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from worldclass.core.stats import (
    Z_95,
    beta_binomial_pmf,
    compare_proportions,
    wilson_bounds,
    wilson_interval,
    wilson_lower_bounds,
)

counts = st.integers(min_value=1, max_value=2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
# statsmodels takes alpha, not z: the alpha whose two-sided normal quantile is the platform's z = 1.96.
ALPHA = float(2 * norm.sf(Z_95))


def test_z_is_the_rules_1_96_a_95_percent_interval():
    assert (Z_95, round(ALPHA, 4)) == (1.96, 0.05)


@given(counts)
def test_wilson_interval_matches_statsmodels(count):
    successes, n = count
    reference = proportion_confint(successes, n, alpha=ALPHA, method="wilson")
    low, high = wilson_interval(successes, n)
    assert math.isclose(low, float(reference[0]), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(high, float(reference[1]), rel_tol=1e-9, abs_tol=1e-12)


def test_wilson_interval_of_20_in_25_matches_statsmodels():
    low, high = wilson_interval(20, 25)
    assert (round(low, 4), round(high, 4)) == (0.6087, 0.9114)


def test_wilson_interval_without_observations_is_none():
    assert wilson_interval(0, 0) is None


def test_wilson_interval_of_zero_successes_starts_at_zero():
    assert wilson_interval(0, 10)[0] == 0.0


@given(st.lists(counts, min_size=1, max_size=20))
def test_vectorised_wilson_bounds_equal_the_scalar_interval(pairs):
    successes = np.array([s for s, _ in pairs])
    n = np.array([n for _, n in pairs])
    rates, lows, highs = wilson_bounds(successes, n)
    assert [(round(lo, 12), round(hi, 12)) for lo, hi in zip(lows.tolist(), highs.tolist(), strict=True)] == [
        tuple(round(bound, 12) for bound in wilson_interval(s, k)) for s, k in pairs
    ]
    assert rates.tolist() == [s / k for s, k in pairs]


def test_wilson_lower_bound_is_zero_without_observations():
    assert wilson_lower_bounds(np.array([0, 20]), np.array([0, 25])).round(4).tolist() == [0.0, 0.6087]


@given(counts, counts)
def test_two_proportion_z_test_matches_statsmodels(before, after):
    pooled = (before[0] + after[0]) / (before[1] + after[1])
    change = compare_proportions(
        before_successes=before[0], before_n=before[1], after_successes=after[0], after_n=after[1]
    )
    if pooled in (0.0, 1.0):
        # No variance at all: statsmodels divides by zero; the platform reports no evidence of a change.
        assert (change.z, change.p_value) == (0.0, 1.0)
        return
    z, p_value = proportions_ztest([after[0], before[0]], [after[1], before[1]])
    assert math.isclose(change.z, float(z), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(change.p_value, float(p_value), rel_tol=1e-9, abs_tol=1e-12)


def test_two_proportion_z_test_of_50_vs_65_in_100():
    change = compare_proportions(before_successes=50, before_n=100, after_successes=65, after_n=100)
    assert (round(change.z, 4), round(change.p_value, 4)) == (2.1456, 0.0319)


@given(counts, counts)
def test_newcombe_interval_matches_statsmodels(before, after):
    change = compare_proportions(
        before_successes=before[0], before_n=before[1], after_successes=after[0], after_n=after[1]
    )
    low, high = confint_proportions_2indep(
        after[0], after[1], before[0], before[1], method="newcomb", compare="diff", alpha=ALPHA
    )
    assert math.isclose(change.change_low, max(-1.0, float(low)), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(change.change_high, min(1.0, float(high)), rel_tol=1e-9, abs_tol=1e-12)


def test_newcombe_interval_matches_newcombe_1998_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80 → difference 0.2, CI 0.0524, 0.3339
    change = compare_proportions(before_successes=48, before_n=80, after_successes=56, after_n=70)
    assert (round(change.change_low, 4), round(change.change_high, 4)) == (0.0524, 0.3339)


@given(counts, counts)
def test_interval_contains_the_observed_change(before, after):
    change = compare_proportions(
        before_successes=before[0], before_n=before[1], after_successes=after[0], after_n=after[1]
    )
    assert change.change_low - 1e-9 <= change.change <= change.change_high + 1e-9
    assert 0.0 <= change.p_value <= 1.0


@pytest.mark.parametrize(("before", "after"), [((11, 10), (1, 10)), ((1, 0), (1, 10)), ((-1, 10), (1, 10))])
def test_compare_proportions_refuses_impossible_counts(before, after):
    with pytest.raises(ValueError):
        compare_proportions(before_successes=before[0], before_n=before[1], after_successes=after[0], after_n=after[1])


@given(
    n=st.integers(min_value=0, max_value=300),
    k=st.integers(min_value=0, max_value=300),
    alpha=st.floats(min_value=0.5, max_value=500),
    beta=st.floats(min_value=0.5, max_value=500),
)
def test_beta_binomial_matches_scipy(n, k, alpha, beta):
    assert math.isclose(
        beta_binomial_pmf(k=k, n=n, alpha=alpha, beta=beta),
        float(betabinom.pmf(k, n, alpha, beta)),
        rel_tol=1e-7,
        abs_tol=1e-300,
    )


@given(
    n=st.integers(min_value=0, max_value=300),
    alpha=st.floats(min_value=0.5, max_value=500),
    beta=st.floats(min_value=0.5, max_value=500),
)
def test_beta_binomial_probabilities_sum_to_one(n, alpha, beta):
    total = sum(beta_binomial_pmf(k=k, n=n, alpha=alpha, beta=beta) for k in range(n + 1))
    assert math.isclose(total, 1.0, rel_tol=1e-9)


def test_beta_binomial_with_a_uniform_prior_is_uniform():
    assert [round(beta_binomial_pmf(k=k, n=3, alpha=1, beta=1), 10) for k in range(4)] == [0.25] * 4


@pytest.mark.parametrize("k", [-1, 4])
def test_beta_binomial_outside_the_support_is_zero(k):
    assert beta_binomial_pmf(k=k, n=3, alpha=2, beta=2) == 0.0
