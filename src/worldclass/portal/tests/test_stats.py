import pytest
from hypothesis import given
from hypothesis import strategies as st

from worldclass.portal.stats import wilson_interval


def test_wilson_interval_of_no_trials_is_none():
    assert wilson_interval(successes=0, trials=0) is None


def test_wilson_interval_matches_a_known_value():
    low, high = wilson_interval(successes=80, trials=100)
    assert (round(low, 4), round(high, 4)) == (0.7112, 0.8666)


@given(st.integers(min_value=1, max_value=10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_observed_rate(pair):
    successes, trials = pair
    low, high = wilson_interval(successes=successes, trials=trials)
    assert 0.0 <= low <= successes / trials + 1e-12
    assert successes / trials - 1e-12 <= high <= 1.0


@pytest.mark.parametrize("trials", [10, 100, 1000])
def test_wilson_interval_narrows_with_more_trials(trials):
    low, high = wilson_interval(successes=trials * 8 // 10, trials=trials)
    wider_low, wider_high = wilson_interval(successes=trials * 8 // 100, trials=trials // 10)
    assert high - low < wider_high - wider_low
