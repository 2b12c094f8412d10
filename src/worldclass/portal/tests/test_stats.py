import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worldclass.portal.stats import beta_binomial_pmf


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
