import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from worldclass.certification.models import SurveyWindow
from worldclass.core.errors import AppError
from worldclass.surveys.domain.eligibility import (
    business_days_after,
    business_days_after_coded,
    business_days_after_many,
    derive_eligibility_inputs,
    is_eligible,
    last_day_of_window,
    supported_countries,
)

TEN_TO_24H = SurveyWindow(code="w24", kind="minutes", min_minutes=10, max_minutes=24 * 60)
TEN_TO_72H = SurveyWindow(code="w72", kind="minutes", min_minutes=10, max_minutes=72 * 60)
TWO_BUSINESS_DAYS = SurveyWindow(code="b2", kind="business_days", business_days=2)
COUNTRIES = ["", "CA", "US", "FR", "EG", "SA", "IL", "AE"]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def within_two_business_days(*, country: str, call: str, survey: str) -> bool:
    days = business_days_after(country=country, start=day(call), end=day(survey))
    return is_eligible(window=TWO_BUSINESS_DAYS, delay_seconds=60, business_days_after_call=days)


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


# --- the published examples (docs/rules.md) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("survey", "eligible"),
    [
        ("2025-02-12", True),  # Wednesday, the call's own day
        ("2025-02-13", True),  # Thursday: 1 business day
        ("2025-02-14", True),  # Friday: 2 business days, the deadline
        ("2025-02-15", False),  # Saturday: after Friday's deadline
        ("2025-02-16", False),  # Sunday
        ("2025-02-17", False),  # Monday: 3 business days
    ],
)
def test_a_wednesday_calls_deadline_is_friday(survey, eligible):
    assert within_two_business_days(country="CA", call="2025-02-12", survey=survey) is eligible
    assert within_two_business_days(country="", call="2025-02-12", survey=survey) is eligible


def test_a_wednesday_calls_saturday_survey_is_three_business_days_after_it():
    assert business_days_after(country="", start=day("2025-02-12"), end=day("2025-02-15")) == 3
    assert last_day_of_window(country="", call_date=day("2025-02-12"), business_days=2) == day("2025-02-14")


@pytest.mark.parametrize(
    ("survey", "days", "eligible"),
    [
        ("2025-04-18", 1, True),  # Good Friday: not a business day, rolls forward to Monday
        ("2025-04-21", 1, True),  # Monday (Easter Monday is not a national holiday in Canada)
        ("2025-04-22", 2, True),  # Tuesday: the deadline
        ("2025-04-23", 3, False),  # Wednesday
    ],
)
def test_a_thursday_call_before_good_friday_in_canada(survey, days, eligible):
    # Thursday 17 April 2025; Friday 18 April is Good Friday, a national holiday in Canada.
    assert business_days_after(country="CA", start=day("2025-04-17"), end=day(survey)) == days
    assert within_two_business_days(country="CA", call="2025-04-17", survey=survey) is eligible
    assert last_day_of_window(country="CA", call_date=day("2025-04-17"), business_days=2) == day("2025-04-22")


def test_an_egyptian_thursday_call_and_a_sunday_survey():
    # Egypt's weekend is Friday and Saturday. Thursday 13 February 2025 is the call's day (business day 0);
    # Friday 14 and Saturday 15 are the weekend; Sunday 16 is business day 1, Monday 17 business day 2 (the
    # deadline), Tuesday 18 business day 3. No Egyptian public holiday falls in these days.
    thursday = day("2025-02-13")
    assert business_days_after(country="EG", start=thursday, end=day("2025-02-16")) == 1
    assert business_days_after(country="EG", start=thursday, end=day("2025-02-17")) == 2
    assert business_days_after(country="EG", start=thursday, end=day("2025-02-18")) == 3
    assert last_day_of_window(country="EG", call_date=thursday, business_days=2) == day("2025-02-17")
    # With a Saturday and Sunday weekend the Sunday survey would roll forward to Monday, 2 business days after.
    assert business_days_after(country="", start=thursday, end=day("2025-02-16")) == 2


def test_an_egyptian_wednesday_calls_saturday_survey_counts():
    # Wednesday 12 February 2025: Thursday is business day 1, Friday and Saturday are the weekend, Sunday is
    # business day 2 (the deadline). A Saturday survey rolls forward to Sunday: within 2 business days in Egypt,
    # outside them where the weekend is Saturday and Sunday.
    assert within_two_business_days(country="EG", call="2025-02-12", survey="2025-02-15") is True
    assert within_two_business_days(country="", call="2025-02-12", survey="2025-02-15") is False


@pytest.mark.parametrize(
    ("survey", "days"),
    [("2025-03-01", 0), ("2025-03-02", 0), ("2025-03-03", 0), ("2025-03-05", 2), ("2025-03-06", 3)],
)
def test_a_weekend_call_rolls_forward_to_monday(survey, days):
    # Saturday 1 March 2025: the call counts from Monday 3 March, so the deadline is Wednesday 5 March.
    assert business_days_after(country="CA", start=day("2025-03-01"), end=day(survey)) == days
    assert last_day_of_window(country="CA", call_date=day("2025-03-01"), business_days=2) == day("2025-03-05")


def test_a_friday_call_before_a_monday_public_holiday():
    # Friday 29 August 2025; Monday 1 September is Labour Day in Canada, not in France.
    friday = day("2025-08-29")
    assert business_days_after(country="CA", start=friday, end=day("2025-09-02")) == 1
    assert business_days_after(country="CA", start=friday, end=day("2025-09-03")) == 2
    assert business_days_after(country="CA", start=friday, end=day("2025-09-04")) == 3
    assert business_days_after(country="FR", start=friday, end=day("2025-09-02")) == 2
    assert business_days_after(country="", start=friday, end=day("2025-09-02")) == 2
    # The Sunday rolls forward past the holiday to Tuesday.
    assert business_days_after(country="CA", start=friday, end=day("2025-08-31")) == 1


def test_a_survey_dated_before_the_call_is_zero_business_days_after():
    # Possible when the two timestamps carry different UTC offsets; eligibility then rests on the delay.
    assert business_days_after(country="CA", start=day("2025-03-12"), end=day("2025-03-11")) == 0


def test_an_unknown_country_is_an_input_error_naming_the_country_column():
    with pytest.raises(AppError) as caught:
        business_days_after(country="XX", start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 9))
    assert [d.field for d in caught.value.details] == ["country"]


def test_the_supported_countries_are_those_the_holidays_package_lists():
    listed = {code for code in holidays.list_supported_countries() if len(code) == 2}

    assert supported_countries() == listed


# --- the stored number agrees with workday arithmetic ---------------------------------------------------------


def independent_calendar(country: str) -> dict:
    """The country's weekmask and holidays straight from the `holidays` package, for numpy's own arguments."""
    if not country:
        return {"weekmask": "1111100", "holidays": []}
    national = holidays.country_holidays(country, years=range(1998, 2043))
    weekmask = "".join("0" if weekday in national.weekend else "1" for weekday in range(7))
    return {"weekmask": weekmask, "holidays": sorted(national)}


def walk_deadline(*, country: str, call: dt.date, business_days: int) -> dt.date:
    """The deadline by walking the calendar one day at a time."""
    calendar = independent_calendar(country)
    weekend = {i for i, flag in enumerate(calendar["weekmask"]) if flag == "0"}
    closed = set(calendar["holidays"])

    def working(date: dt.date) -> bool:
        return date.weekday() not in weekend and date not in closed

    deadline = call
    while not working(deadline):
        deadline += dt.timedelta(days=1)
    for _ in range(business_days):
        deadline += dt.timedelta(days=1)
        while not working(deadline):
            deadline += dt.timedelta(days=1)
    return deadline


@given(
    country=st.sampled_from(COUNTRIES),
    call=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    span=st.integers(min_value=-3, max_value=25),
    window=st.integers(min_value=0, max_value=6),
)
def test_counting_business_days_is_workday_arithmetic(country, call, span, window):
    survey = call + dt.timedelta(days=span)
    deadline = np.busday_offset(
        np.datetime64(call, "D"), window, roll="forward", **independent_calendar(country)
    ).astype(dt.date)
    within = business_days_after(country=country, start=call, end=survey) <= window
    assert within == (survey <= deadline)
    assert last_day_of_window(country=country, call_date=call, business_days=window) == deadline
    assert walk_deadline(country=country, call=call, business_days=window) == deadline


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(COUNTRIES),
            st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 1, 1)),
            st.integers(min_value=-3, max_value=25),
        ),
        max_size=30,
    )
)
def test_the_vectorised_count_agrees_with_the_one_row_count(rows):
    countries = np.array([country for country, _, _ in rows], dtype=object)
    starts = np.array([call for _, call, _ in rows], dtype="datetime64[D]")
    ends = np.array([call + dt.timedelta(days=span) for _, call, span in rows], dtype="datetime64[D]")
    many = business_days_after_many(countries=countries, starts=starts, ends=ends)
    one_by_one = [
        business_days_after(country=country, start=call, end=call + dt.timedelta(days=span))
        for country, call, span in rows
    ]
    assert many.tolist() == one_by_one


def test_the_coded_count_skips_a_country_no_row_has():
    """Only the rows' countries are looked up: a code no row has is never asked for its holidays."""
    starts = np.array(["2025-03-07", "2025-03-07"], dtype="datetime64[D]")
    ends = np.array(["2025-03-10", "2025-03-11"], dtype="datetime64[D]")
    counts = business_days_after_coded(countries=["CA", "ZZ", "US"], codes=np.array([0, 2]), starts=starts, ends=ends)
    assert counts.tolist() == [1, 2]


# --- the other derived fields ----------------------------------------------------------------------------------


def test_derived_inputs_use_each_timestamps_own_offset():
    eastern = dt.timezone(dt.timedelta(hours=-5))
    derived = derive_eligibility_inputs(
        country="CA",
        call_at=dt.datetime(2025, 1, 31, 23, 30, tzinfo=eastern),
        surveyed_at=dt.datetime(2025, 2, 1, 0, 40, 59, 900000, tzinfo=eastern),
        resolved=True,
        first_call=False,
        overall_sat=5,
        csr_sat=5,
        scale_max=5,
    )
    assert (derived.call_local_date, derived.survey_local_date) == (day("2025-01-31"), day("2025-02-01"))
    assert derived.call_month == day("2025-01-01")
    assert derived.delay_seconds == 70 * 60 + 59  # whole seconds, rounded down
    assert derived.business_days_after_call == 1  # Saturday rolls forward to Monday 3 February
    assert (derived.is_fcr, derived.is_world_class_call) == (False, True)


@pytest.mark.parametrize(
    ("call_at", "surveyed_at", "elapsed_hours"),
    [
        # Toronto falls back at 02:00 on 1 November 2026: 20 wall-clock hours are 21 hours.
        (dt.datetime(2026, 10, 31, 12, 0), dt.datetime(2026, 11, 1, 8, 0), 21),
        # and springs forward at 02:00 on 8 March 2026: 23.5 wall-clock hours are 22.5 hours.
        (dt.datetime(2026, 3, 7, 10, 0), dt.datetime(2026, 3, 8, 9, 30), 22.5),
    ],
)
def test_the_delay_across_a_change_of_daylight_saving_time_is_the_time_elapsed(call_at, surveyed_at, elapsed_hours):
    """Both times in the site's zone, as a live answer records them: the delay is real time, not wall-clock time."""
    toronto = ZoneInfo("America/Toronto")
    derived = derive_eligibility_inputs(
        country="CA",
        call_at=call_at.replace(tzinfo=toronto),
        surveyed_at=surveyed_at.replace(tzinfo=toronto),
        resolved=True,
        first_call=True,
        overall_sat=5,
        csr_sat=5,
        scale_max=5,
    )
    assert derived.delay_seconds == int(elapsed_hours * 3600)
