"""The importer's vectorised path and the live path derive the same eligibility inputs and flags for any row."""

import datetime as dt
import tempfile
import uuid
from dataclasses import asdict
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.surveys.domain.eligibility import EligibilityInputs, derive_eligibility_inputs
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.csvfiles import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
COUNTRIES = ["", "CA", "US", "EG", "IL", "SA"]
DERIVED = list(EligibilityInputs.__dataclass_fields__)


class _Rollback(Exception):
    """Undo one hypothesis example: survey rows are append-only, so they are rolled back, never deleted."""


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with the moment's own offset, with a fraction only when there is one (both parser paths)."""
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z") if moment.microsecond % 2 else text


offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q)))
surveys = st.fixed_dictionaries(
    {
        "country": st.sampled_from(COUNTRIES),
        "call_at": st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2035, 1, 1)),
        "call_offset": offsets,
        "survey_offset": offsets,
        "delay": st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=12)),
        "resolved": st.booleans(),
        "first_call": st.booleans(),
        "overall_sat": st.integers(min_value=1, max_value=5),
        "csr_sat": st.integers(min_value=1, max_value=5),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(examples=st.lists(surveys, min_size=1, max_size=12))
def test_import_and_live_answers_derive_the_same_inputs(examples):
    records, expected = [], {}
    for example in examples:
        survey_id = uuid.uuid4().hex
        call_at = example["call_at"].replace(tzinfo=example["call_offset"])
        surveyed_at = (call_at + example["delay"]).astimezone(example["survey_offset"])
        country = example["country"]
        records.append(
            row(
                survey_id=survey_id,
                call_id=survey_id,
                site=f"site-{country or 'none'}",
                country=country,
                call_at=iso(call_at),
                surveyed_at=iso(surveyed_at),
                resolved="yes" if example["resolved"] else "no",
                first_call="yes" if example["first_call"] else "no",
                overall_sat=str(example["overall_sat"]),
                csr_sat=str(example["csr_sat"]),
            )
        )
        live = derive_eligibility_inputs(
            country=country,
            call_at=call_at,
            surveyed_at=surveyed_at,
            resolved=example["resolved"],
            first_call=example["first_call"],
            overall_sat=example["overall_sat"],
            csr_sat=example["csr_sat"],
            scale_max=5,
        )
        expected[survey_id] = asdict(live)
    try:
        with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
            import_surveys(path=write_csv(Path(folder) / "surveys.csv", records), actor="tests")
            imported = {
                values["survey_id"]: {name: values[name] for name in DERIVED}
                for values in SurveyResponse.objects.filter(survey_id__in=list(expected)).values("survey_id", *DERIVED)
            }
            raise _Rollback
    except _Rollback:
        pass
    assert imported == expected
