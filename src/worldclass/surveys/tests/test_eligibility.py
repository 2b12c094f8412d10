import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worldclass.certification.models import SurveyWindow
from worldclass.core.errors import AppError
from worldclass.surveys.domain.eligibility import business_days_after, is_eligible

TEN_TO_24H = SurveyWindow(code="w24", kind="minutes", min_minutes=10, max_minutes=24 * 60)
TEN_TO_72H = SurveyWindow(code="w72", kind="minutes", min_minutes=10, max_minutes=72 * 60)
TWO_BUSINESS_DAYS = SurveyWindow(code="b2", kind="business_days", business_days=2)


@pytest.mark.parametrize(
    ("window", "delay", "eligible"),
    [
        (TEN_TO_24H, 10 * 60, True),
        (TEN_TO_24H, 10 * 60 - 1, False),
        (TEN_TO_24H, 24 * 3600, True),
        (TEN_TO_24H, 24 * 3600 + 1, False),
        (TEN_TO_72H, 72 * 3600, True),
        (TEN_TO_72H, 72 * 3600 + 1, False),
        (TEN_TO_72H, 599, False),
    ],
)
def test_minute_windows_include_both_ends(window, delay, eligible):
    assert is_eligible(window=window, delay_seconds=delay, business_days_after_call=0) is eligible


@pytest.mark.parametrize(("days", "eligible"), [(0, True), (1, True), (2, True), (3, False)])
def test_business_day_window_counts_up_to_n_days(days, eligible):
    assert is_eligible(window=TWO_BUSINESS_DAYS, delay_seconds=60, business_days_after_call=days) is eligible


def test_business_day_window_refuses_a_survey_before_the_call():
    assert is_eligible(window=TWO_BUSINESS_DAYS, delay_seconds=-1, business_days_after_call=0) is False


def test_friday_call_before_a_monday_public_holiday():
    friday, tuesday, wednesday, thursday = (dt.date(2025, 8, 29) + dt.timedelta(days=d) for d in (0, 4, 5, 6))
    # Monday 1 September 2025 is Labour Day in Canada, not in France.
    assert business_days_after(country="CA", start=friday, end=tuesday) == 1
    assert business_days_after(country="CA", start=friday, end=wednesday) == 2
    assert business_days_after(country="CA", start=friday, end=thursday) == 3
    assert business_days_after(country="FR", start=friday, end=tuesday) == 2
    assert business_days_after(country="", start=friday, end=tuesday) == 2


def test_same_day_and_weekend_surveys_are_zero_business_days_after():
    friday = dt.date(2025, 8, 29)
    assert business_days_after(country="CA", start=friday, end=friday) == 0
    assert business_days_after(country="CA", start=friday, end=friday + dt.timedelta(days=2)) == 0


def test_an_unknown_country_is_an_input_error_naming_the_country_column():
    with pytest.raises(AppError) as caught:
        business_days_after(country="XX", start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 9))
    assert [d.field for d in caught.value.details] == ["country"]


@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    span=st.integers(min_value=0, max_value=40),
)
def test_business_days_match_a_day_by_day_count(start, span):
    import holidays

    national = holidays.country_holidays("US", years=range(start.year, start.year + 2))
    end = start + dt.timedelta(days=span)
    expected = sum(
        1
        for offset in range(1, span + 1)
        if (day := start + dt.timedelta(days=offset)).weekday() < 5 and day not in national
    )
    assert business_days_after(country="US", start=start, end=end) == expected
