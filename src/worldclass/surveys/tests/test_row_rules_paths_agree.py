"""The live path and the importer refuse the same bad survey with the same fields and messages (surveys.domain.rows)."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.core.errors import AppError
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.responses import record_survey_response
from worldclass.surveys.domain.rows import CHANNELS, FIRST_YEAR, LAST_YEAR, MAX_ID_LENGTH
from worldclass.surveys.tests.csvfiles import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q)))
in_range = st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2035, 1, 1))
out_of_range = st.one_of(
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(FIRST_YEAR - 1, 12, 30)),
    st.datetimes(min_value=dt.datetime(LAST_YEAR + 1, 1, 2), max_value=dt.datetime(2300, 1, 1)),
)
bad_ids = st.sampled_from(["", "x" * (MAX_ID_LENGTH + 1)])
# One defect per survey: the field it spoils and the value it gives it.
defects = st.one_of(
    st.tuples(st.just("survey_id"), bad_ids),
    st.tuples(st.just("call_id"), bad_ids),
    st.tuples(st.just("channel"), st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)).filter(
        lambda defect: defect[1] not in CHANNELS
    ),
    st.tuples(st.sampled_from(["overall_sat", "csr_sat"]), st.integers(-1000, 1000)).filter(
        lambda defect: not 1 <= defect[1] <= 5
    ),
    st.tuples(st.just("call_at"), out_of_range),
    st.tuples(st.just("delay"), st.timedeltas(min_value=dt.timedelta(days=-3), max_value=dt.timedelta(seconds=-1))),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(defect=defects, call_at=in_range, call_offset=offsets, survey_offset=offsets)
def test_a_bad_survey_is_refused_alike_live_and_in_a_file(people, defect, call_at, call_offset, survey_offset):
    field, bad = defect
    survey = {"survey_id": "s1", "call_id": "c1", "channel": "phone", "overall_sat": 4, "csr_sat": 5}
    delay = dt.timedelta(minutes=30)
    if field == "call_at":
        call_at = bad
    elif field == "delay":
        delay = bad
    else:
        survey[field] = bad
    call_at = call_at.replace(tzinfo=call_offset)
    surveyed_at = (call_at + delay).astimezone(survey_offset)

    with pytest.raises(AppError) as live:
        record_survey_response(
            **people,
            **survey,
            call_at=call_at,
            surveyed_at=surveyed_at,
            resolved=True,
            first_call=True,
            actor="tests",
        )
    with tempfile.TemporaryDirectory() as folder, pytest.raises(AppError) as imported:
        text = {name: str(value) for name, value in survey.items()}
        bad_row = row(**text, call_at=call_at.isoformat(), surveyed_at=surveyed_at.isoformat())
        import_surveys(path=write_csv(Path(folder) / "surveys.csv", [bad_row]), actor="tests")

    refused_live = [(d.field, d.message) for d in live.value.details]
    assert refused_live == [(d.field, d.message) for d in imported.value.details]
