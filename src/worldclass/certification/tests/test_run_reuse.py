"""A rerun of `certify` over an unchanged input returns the stored run; any change to what it reads evaluates again."""

from io import StringIO

import pytest
from django.core.management import call_command

from worldclass.certification.domain.rollups import add_survey_to_rollups, rebuild_rollups
from worldclass.certification.domain.runs import input_fingerprint, run_certification
from worldclass.certification.models import CertificationRun, Edition, SurveyWindow
from worldclass.core.months import Month
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.csvfiles import rows, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

MARCH = Month(2025, 3)


def certify(*args) -> str:
    out = StringIO()
    call_command("certify", "--edition", "2013", "--through", "2025-03", *args, stdout=out)
    return out.getvalue()


def fingerprint(**changes) -> str:
    question = {"edition": Edition.objects.get(year=2013), "through": MARCH, "require_confidence": False}
    return input_fingerprint(**{**question, **changes})


@pytest.fixture
def loaded(tmp_path):
    import_surveys(path=write_csv(tmp_path / "march.csv", rows(3)), actor="tests")


def test_an_unchanged_input_reuses_the_stored_run(loaded):
    certify()
    output = certify()
    run = CertificationRun.objects.get()
    assert output.splitlines()[0].startswith(
        f"Unchanged since run #{run.pk}: exploratory, edition 2013 through 2025-03."
    )


def test_force_evaluates_again(loaded):
    certify()
    output = certify("--force")
    assert (CertificationRun.objects.count(), output.startswith("level")) == (2, True)


def test_json_always_prints_a_fresh_evaluation(loaded):
    certify()
    certify("--json")
    assert CertificationRun.objects.count() == 2


def test_new_surveys_change_the_fingerprint(loaded, tmp_path):
    before = fingerprint()
    import_surveys(path=write_csv(tmp_path / "more.csv", rows(4)), actor="tests")
    assert fingerprint() != before


def test_a_no_op_import_leaves_the_fingerprint_alone(loaded, tmp_path):
    before = fingerprint()
    import_surveys(path=write_csv(tmp_path / "again.csv", rows(3)), actor="tests")
    assert fingerprint() == before


def test_a_changed_window_changes_the_fingerprint(loaded):
    before = fingerprint()
    window = SurveyWindow.objects.filter(business_days__isnull=False).order_by("id").first()
    window.description = "unchanged rules, new words"
    window.save()
    unchanged = fingerprint()
    window.business_days += 1
    window.save()
    rebuild_rollups(window=window)
    assert (unchanged == before, fingerprint() != before) == (True, True)


def test_the_question_is_part_of_the_fingerprint(loaded):
    assert len({fingerprint(), fingerprint(through=Month(2025, 4)), fingerprint(require_confidence=True)}) == 3


def test_a_changed_rule_evaluates_again(loaded):
    edition = Edition.objects.get(year=2013)
    first = run_certification(edition=edition, through=MARCH, actor="tests", reuse_unchanged=True)
    edition.validity_months += 1
    edition.save()
    second = run_certification(edition=edition, through=MARCH, actor="tests", reuse_unchanged=True)
    assert (second.reused, second.pk != first.pk) == (False, True)


def _survey_copy(survey, *, pk: int):
    """A copy of `survey` under another survey_id, stored with the id a slower writer would have been given, and
    counted in the rollups as the live path counts it."""
    copy = SurveyResponse.objects.get(pk=survey.pk)
    copy.pk, copy.id, copy.survey_id, copy._state.adding = pk, pk, f"{survey.survey_id}-{pk}", True
    copy.save()
    add_survey_to_rollups(survey=copy)
    return copy


def test_a_survey_committed_after_one_with_a_larger_id_changes_the_fingerprint(loaded):
    # Two writers: the one given the smaller id commits last, so the largest id does not move when it does.
    survey = SurveyResponse.objects.order_by("id").last()
    _survey_copy(survey, pk=survey.pk + 100)
    before = fingerprint()
    _survey_copy(survey, pk=survey.pk + 50)
    assert (SurveyResponse.objects.order_by("id").last().pk, fingerprint() != before) == (survey.pk + 100, True)


def test_a_rebuild_of_the_rollups_changes_the_fingerprint(loaded):
    before = fingerprint()
    rebuild_rollups()
    assert fingerprint() != before
