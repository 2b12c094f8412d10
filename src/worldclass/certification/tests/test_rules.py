"""The rules as pure functions: every boundary, and hypothesis properties of the window rule."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.certification.domain.rules import (
    Window,
    achievement_months,
    basis_points,
    certified_at,
    meets_threshold,
    meets_threshold_with_confidence,
    qualifying_window,
    wilson_interval,
)


def test_exactly_80_percent_fails_under_greater_than():
    assert meets_threshold(meeting=20, surveys=25, threshold_percent=Decimal("80"), comparison="gt") is False


def test_exactly_80_percent_passes_under_at_least():
    assert meets_threshold(meeting=20, surveys=25, threshold_percent=Decimal("80"), comparison="gte") is True


def test_one_more_call_beats_80_percent_under_greater_than():
    assert meets_threshold(meeting=21, surveys=26, threshold_percent=Decimal("80"), comparison="gt") is True


def test_threshold_with_two_decimals_is_exact():
    # 8015 / 10000 of 2000 is exactly 1603.
    assert meets_threshold(meeting=1603, surveys=2000, threshold_percent=Decimal("80.15"), comparison="gt") is False
    assert meets_threshold(meeting=1603, surveys=2000, threshold_percent=Decimal("80.15"), comparison="gte") is True


def test_no_surveys_never_meets_the_threshold():
    assert meets_threshold(meeting=0, surveys=0, threshold_percent=Decimal("0"), comparison="gte") is False


def test_threshold_with_three_decimals_is_refused():
    with pytest.raises(ValueError):
        basis_points(Decimal("80.125"))


@pytest.mark.parametrize(("surveys", "expected"), [(24, None), (25, Window(0, 2, 25, 25))])
def test_csr_minimum_sample_is_25(surveys, expected):
    eligible = [0, 0, surveys]
    window = qualifying_window(eligible=eligible, meeting=eligible, end=2, min_months=3, max_months=12, min_surveys=25)
    assert window == expected


@pytest.mark.parametrize(("surveys", "reached"), [(199, False), (200, True), (799, False), (800, True)])
def test_supervisor_and_site_minimum_samples(surveys, reached):
    minimum = 200 if surveys < 700 else 800
    eligible = [surveys, 0, 0]
    window = qualifying_window(
        eligible=eligible, meeting=eligible, end=2, min_months=3, max_months=12, min_surveys=minimum
    )
    assert (window is not None) is reached


def test_shortest_window_is_chosen_over_a_flattering_longer_one():
    eligible = [100, 10, 10, 10]
    meeting = [100, 5, 5, 5]
    window = qualifying_window(eligible=eligible, meeting=meeting, end=3, min_months=3, max_months=12, min_surveys=25)
    assert window == Window(start=1, end=3, surveys=30, meeting=15)


def test_window_never_starts_before_the_first_month_of_data():
    assert (
        qualifying_window(eligible=[30, 30], meeting=[30, 30], end=1, min_months=3, max_months=12, min_surveys=25)
        is None
    )


def test_window_is_at_most_twelve_months():
    eligible = [30] + [2] * 12
    assert (
        qualifying_window(eligible=eligible, meeting=eligible, end=12, min_months=3, max_months=12, min_surveys=25)
        is None
    )


def test_first_qualifying_month_is_an_achievement():
    assert achievement_months(qualifies=[False, True, True], validity_months=12) == [1]


def test_renewal_at_a_plus_12():
    qualifies = [True] * 13
    assert achievement_months(qualifies=qualifies, validity_months=12) == [0, 12]


def test_no_renewal_at_a_plus_11():
    qualifies = [True] + [False] * 10 + [True] + [False]
    assert achievement_months(qualifies=qualifies, validity_months=12) == [0]


def test_certified_through_a_plus_12_and_not_after():
    assert certified_at(achievements=[0], month=12, validity_months=12) is True
    assert certified_at(achievements=[0], month=13, validity_months=12) is False


def test_wilson_interval_of_20_in_25():
    low, high = wilson_interval(20, 25)
    assert (round(low, 4), round(high, 4)) == (0.6087, 0.9114)


def test_wilson_interval_without_observations_is_none():
    assert wilson_interval(0, 0) is None


def test_confidence_rule_refuses_a_point_estimate_above_threshold_with_a_wide_interval():
    assert meets_threshold(meeting=23, surveys=25, threshold_percent=Decimal("80"), comparison="gt") is True
    assert (
        meets_threshold_with_confidence(meeting=23, surveys=25, threshold_percent=Decimal("80"), comparison="gt")
        is False
    )


counts = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=30)


@settings(deadline=None)
@given(eligible=counts, min_months=st.integers(1, 6), min_surveys=st.integers(0, 120), data=st.data())
def test_window_rule_properties(eligible, min_months, min_surveys, data):
    end = data.draw(st.integers(0, len(eligible) - 1))
    window = qualifying_window(
        eligible=eligible, meeting=eligible, end=end, min_months=min_months, max_months=12, min_surveys=min_surveys
    )
    candidates = [
        length
        for length in range(min_months, 13)
        if end - length + 1 >= 0 and sum(eligible[end - length + 1 : end + 1]) >= min_surveys
    ]
    if window is None:
        assert candidates == []
    else:
        assert window.end == end
        assert window.months == min(candidates)
        assert window.surveys == sum(eligible[window.start : end + 1])
        assert window.surveys >= min_surveys
        assert min_months <= window.months <= 12


@settings(deadline=None)
@given(qualifies=st.lists(st.booleans(), max_size=60), validity=st.integers(1, 14))
def test_achievements_are_spaced_by_at_least_the_validity(qualifies, validity):
    achievements = achievement_months(qualifies=qualifies, validity_months=validity)
    assert all(qualifies[a] for a in achievements)
    assert all(b - a >= validity for a, b in itertools.pairwise(achievements))
    if any(qualifies):
        assert achievements[0] == qualifies.index(True)
