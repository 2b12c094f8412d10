import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from worldclass.certification.models import MonthlyRollup
from worldclass.core.errors import AppError, Conflict
from worldclass.core.models import AuditEvent
from worldclass.surveys.domain.responses import record_survey_response
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
TORONTO_WINTER = dt.timezone(dt.timedelta(hours=-5))
TORONTO_SUMMER = dt.timezone(dt.timedelta(hours=-4))


def record(people, **changes):
    call_at = dt.datetime(2025, 3, 12, 10, 0, tzinfo=TORONTO_WINTER)
    values = dict(
        survey_id="w1",
        call_id="c1",
        channel="web",
        call_at=call_at,
        surveyed_at=call_at + dt.timedelta(minutes=30),
        resolved=True,
        first_call=True,
        overall_sat=5,
        csr_sat=5,
        actor="tests",
    )
    values.update(changes)
    return record_survey_response(**people, **values)


def test_a_new_survey_is_created_with_its_derived_fields(people):
    survey, created = record(people)
    assert created is True
    assert (survey.delay_seconds, survey.is_fcr, survey.is_world_class_call) == (1800, True, True)
    assert survey.call_month == dt.date(2025, 3, 1)


def test_the_same_answers_again_return_the_existing_survey(people):
    first, _ = record(people)
    again, created = record(people)
    assert (again.pk, created) == (first.pk, False)
    assert SurveyResponse.objects.count() == 1


def test_a_new_surveys_audit_event_carries_what_it_came_from(people):
    survey, _ = record(people, source={"invitation": 7})
    event = AuditEvent.objects.get(action="surveys.record_response")
    assert (event.object_id, event.input_sha256, event.details) == (
        str(survey.pk),
        survey.content_sha256,
        {"invitation": 7},
    )


def test_the_same_answers_again_add_no_audit_event(people):
    record(people)
    record(people)
    assert AuditEvent.objects.filter(action="surveys.record_response").count() == 1


def test_different_answers_for_a_recorded_survey_are_a_conflict(people):
    record(people)
    with pytest.raises(Conflict):
        record(people, csr_sat=4)
    assert SurveyResponse.objects.get().csr_sat == 5


def test_recording_updates_every_windows_rollups(people):
    record(people)
    counts = sorted(
        MonthlyRollup.objects.filter(level="csr", entity_id=people["csr"].pk).values_list("window__code", "eligible")
    )
    assert counts == [("10min-24h", 1), ("10min-72h", 1), ("2-business-days", 1)]


def test_a_survey_nine_minutes_59_after_the_call_is_ineligible_under_minute_windows(people):
    call_at = dt.datetime(2025, 3, 12, 10, 0, tzinfo=TORONTO_WINTER)
    record(people, call_at=call_at, surveyed_at=call_at + dt.timedelta(minutes=9, seconds=59))
    rows = dict(
        MonthlyRollup.objects.filter(level="csr", entity_id=people["csr"].pk).values_list("window__code", "ineligible")
    )
    assert rows == {"10min-24h": 1, "10min-72h": 1, "2-business-days": 0}


def test_delay_across_a_dst_change_uses_the_real_elapsed_time(people):
    # Saturday 23:30 EST to Sunday 23:40 EDT (clocks went forward on 9 March 2025): 23 h 10 min, not 24 h 10 min.
    call_at = dt.datetime(2025, 3, 8, 23, 30, tzinfo=TORONTO_WINTER)
    surveyed_at = dt.datetime(2025, 3, 9, 23, 40, tzinfo=TORONTO_SUMMER)
    survey, _ = record(people, call_at=call_at, surveyed_at=surveyed_at)
    assert survey.delay_seconds == 23 * 3600 + 10 * 60
    eligible = MonthlyRollup.objects.get(level="csr", entity_id=people["csr"].pk, window__code="10min-24h").eligible
    assert eligible == 1


def test_local_dates_use_each_timestamps_own_offset(people):
    call_at = dt.datetime(2025, 1, 31, 23, 30, tzinfo=TORONTO_WINTER)  # 1 February in UTC
    surveyed_at = dt.datetime(2025, 2, 1, 6, 0, tzinfo=dt.UTC)
    survey, _ = record(people, call_at=call_at, surveyed_at=surveyed_at)
    assert (survey.call_local_date, survey.survey_local_date, survey.call_month) == (
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 1),
        dt.date(2025, 1, 1),
    )


def test_invalid_answers_are_refused(people):
    with pytest.raises(AppError) as caught:
        record(people, overall_sat=6, channel="fax")
    assert sorted(d.field for d in caught.value.details) == ["channel", "overall_sat"]


def test_the_factory_creates_surveys_with_rollups():
    survey = create_survey_response(resolved=False)
    rollup = MonthlyRollup.objects.get(level="csr", entity_id=survey.csr_id, window__code="10min-24h")
    assert (rollup.eligible, rollup.world_class, rollup.resolved) == (1, 0, 0)


def test_raw_sql_cannot_update_a_survey():
    survey = create_survey_response()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE surveys_surveyresponse SET csr_sat = 1 WHERE id = %s", [survey.pk])
    assert SurveyResponse.objects.get(pk=survey.pk).csr_sat == 5
