import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from worldclass.awards.tests.factories import UserFactory, staff_user
from worldclass.certification.domain.integrity import check_audit_chain, check_surveys
from worldclass.certification.domain.runs import run_certification
from worldclass.certification.models import CertificationRun, Edition, MonthlyRollup
from worldclass.certification.tests.factories import MonthlyRollupFactory
from worldclass.core.domain import audit_chain_head, record_audit_event
from worldclass.core.models import AuditEvent, IntegrityCheck
from worldclass.core.months import Month
from worldclass.core.tests.tampering import tamper
from worldclass.surveys.domain import verification
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.csvfiles import row, write_csv
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = pytest.mark.django_db

KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _import(tmp_path, records):
    return import_surveys(path=write_csv(tmp_path / "surveys.csv", records), actor="tests")


def _survey_pk(survey_id: str) -> int:
    with scopes_disabled():
        return SurveyResponse.objects.get(survey_id=survey_id).pk


def test_imported_and_live_surveys_verify(tmp_path):
    _import(
        tmp_path,
        [
            row(survey_id="s1", call_id="c1"),
            row(survey_id="s2", call_id="c2", call_at="2025-03-12T23:30:00+05:30", surveyed_at="2025-03-13T00:10Z"),
            row(
                survey_id="s3", call_id="c3", call_at="2025-03-31T23:59:00-09:30", surveyed_at="2025-04-02T08:00+14:00"
            ),
            row(
                survey_id="s4", call_id="c4", call_at="2025-03-12T10:00:00+05:17", surveyed_at="2025-03-12T11:00+05:17"
            ),
        ],
    )
    create_survey_response(call_at=dt.datetime(2025, 3, 12, 23, 50, tzinfo=KOLKATA), comment="très bien\nmerci")
    result = check_surveys()
    assert (result.ok, result.problems) == (True, [])


def test_a_live_answer_across_a_change_of_daylight_saving_time_verifies():
    """A live answer records both times in the site's zone; its stored delay is the real time between them, which
    is what verification recomputes from the stored instants."""
    toronto = ZoneInfo("America/Toronto")
    survey = create_survey_response(
        call_at=dt.datetime(2026, 10, 31, 12, 35, tzinfo=toronto),
        surveyed_at=dt.datetime(2026, 11, 1, 8, 53, tzinfo=toronto),
    )
    assert survey.delay_seconds == 21 * 3600 + 18 * 60
    result = check_surveys()
    assert (result.ok, result.problems) == (True, [])


@pytest.mark.django_db(transaction=True)
def test_an_answer_changed_around_the_trigger_is_named(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1", overall_sat="2"), row(survey_id="s2", call_id="c2")])
    pk = _survey_pk("s1")
    tamper("surveys_surveyresponse", "UPDATE surveys_surveyresponse SET overall_sat = 4 WHERE id = %s", [pk])
    assert check_surveys().problems == [
        f"survey s1 of acme (id {pk}): the stored answers do not match their content_sha256"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_derived_column_changed_around_the_trigger_is_named(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1")])
    pk = _survey_pk("s1")
    tamper(
        "surveys_surveyresponse", "UPDATE surveys_surveyresponse SET business_days_after_call = 9 WHERE id = %s", [pk]
    )
    assert check_surveys().problems[0] == (
        f"survey s1 of acme (id {pk}): business_days_after_call do not follow from the stored answers"
    )


@pytest.mark.django_db(transaction=True)
def test_business_days_changed_in_a_later_chunk_are_named(tmp_path, monkeypatch):
    """Business days are counted for a chunk of rows at once, each in its own site's country."""
    monkeypatch.setattr(verification, "_CHUNK", 2)
    _import(
        tmp_path,
        [
            row(survey_id="s1", call_id="c1"),
            row(survey_id="s2", call_id="c2", site="paris", country="FR", supervisor="S2", csr="C2"),
            row(
                survey_id="s3", call_id="c3", call_at="2025-03-14T10:00:00-04:00", surveyed_at="2025-03-17T09:00-04:00"
            ),
            row(survey_id="s4", call_id="c4", site="paris", country="FR", supervisor="S2", csr="C2"),
            row(survey_id="s5", call_id="c5"),
        ],
    )
    pk = _survey_pk("s4")
    tamper(
        "surveys_surveyresponse", "UPDATE surveys_surveyresponse SET business_days_after_call = 1 WHERE id = %s", [pk]
    )
    assert check_surveys().problems == [
        f"survey s4 of acme (id {pk}): business_days_after_call do not follow from the stored answers"
    ]


def test_a_changed_rollup_is_named(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1")])
    with scopes_disabled():
        rollup = MonthlyRollup.objects.filter(level="site").order_by("window_id").first()
        MonthlyRollup.objects.filter(pk=rollup.pk).update(world_class=0)
    assert check_surveys().problems == [
        f"rollup site {rollup.entity_id} 2025-03 (window {rollup.window_id}): world_class 0 (surveys give 1)"
    ]


def test_a_deleted_rollup_is_named(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1")])
    with scopes_disabled():
        rollup = MonthlyRollup.objects.filter(level="csr").order_by("window_id").first()
        MonthlyRollup.objects.filter(pk=rollup.pk).delete()
    assert check_surveys().problems == [
        f"rollup csr {rollup.entity_id} 2025-03 (window {rollup.window_id}): missing; the surveys give eligible 1, "
        "ineligible 0, world_class 1, fcr 1, resolved 1, overall_top_box 1, csr_top_box 1"
    ]


def test_a_rollup_no_survey_counts_towards_is_named(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1")])
    with scopes_disabled():
        site = MonthlyRollup.objects.filter(level="site").first()
        extra = MonthlyRollupFactory(
            organization=site.organization, level="site", entity_id=site.entity_id, month=dt.date(2025, 1, 1)
        )
    assert check_surveys().problems == [
        f"rollup site {site.entity_id} 2025-01 (window {extra.window_id}): stored, but no survey counts towards it"
    ]


def test_discrepancies_are_named_in_the_rollups_order(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1")])
    with scopes_disabled():
        csr = MonthlyRollup.objects.filter(level="csr").order_by("window_id").first()
        site = MonthlyRollup.objects.filter(level="site").order_by("window_id").first()
        MonthlyRollup.objects.filter(pk=site.pk).update(fcr=0)
        MonthlyRollup.objects.filter(pk=csr.pk).delete()
    assert [problem.split(":")[0] for problem in check_surveys().problems] == [
        f"rollup csr {csr.entity_id} 2025-03 (window {csr.window_id})",
        f"rollup site {site.entity_id} 2025-03 (window {site.window_id})",
    ]


def test_the_check_counts_the_surveys_and_the_stored_rollups(tmp_path):
    _import(tmp_path, [row(survey_id="s1", call_id="c1"), row(survey_id="s2", call_id="c2")])
    with scopes_disabled():
        rollups = MonthlyRollup.objects.count()
    assert (rollups, check_surveys().checked) == (12, 2 + 12)


@pytest.mark.django_db(transaction=True)
def test_a_reimport_after_tampering_reports_no_change_and_verification_catches_it(tmp_path):
    """The import compares checksums only; the daily verification is the defence (surveys/domain/verification.py)."""
    records = [row(survey_id="s1", call_id="c1", overall_sat="2")]
    _import(tmp_path, records)
    pk = _survey_pk("s1")
    tamper("surveys_surveyresponse", "UPDATE surveys_surveyresponse SET overall_sat = 1 WHERE id = %s", [pk])
    assert _import(tmp_path, records).status == "no_op"
    assert check_surveys().problems == [
        f"survey s1 of acme (id {pk}): the stored answers do not match their content_sha256"
    ]


@pytest.mark.django_db(transaction=True)
def test_verify_surveys_command_exits_non_zero_and_names_each_mismatch(tmp_path, capsys):
    _import(tmp_path, [row(survey_id="s1", call_id="c1", csr_sat="3")])
    pk = _survey_pk("s1")
    tamper("surveys_surveyresponse", "UPDATE surveys_surveyresponse SET csr_sat = 4 WHERE id = %s", [pk])
    with pytest.raises(CommandError):
        call_command("verify-surveys")
    assert (
        capsys.readouterr().err
        == f"survey s1 of acme (id {pk}): the stored answers do not match their content_sha256\n"
    )


def test_each_check_is_kept_for_staff(tmp_path):
    record_audit_event(actor="tests", action="one")
    check_audit_chain()
    check_surveys()
    assert list(IntegrityCheck.objects.order_by("id").values_list("kind", "ok", "checked")) == [
        ("audit", True, 1),
        ("surveys", True, 0),
    ]


def test_a_certification_run_records_the_chain_head_it_was_computed_after():
    record_audit_event(actor="tests", action="before")
    head = audit_chain_head()
    run = run_certification(edition=Edition.objects.get(year=2015), through=Month(2025, 3), actor="tests")
    stored = CertificationRun.objects.get(pk=run.pk)
    run_event = AuditEvent.objects.get(action="certification.run")
    assert (stored.audit_chain_sequence, stored.audit_chain_hash, run_event.prev_hash) == (
        head.sequence,
        head.hash,
        head.hash,
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_events_after_a_run_is_caught_through_the_run():
    record_audit_event(actor="tests", action="before")
    before = AuditEvent.objects.get(action="before")
    run = run_certification(edition=Edition.objects.get(year=2015), through=Month(2025, 3), actor="tests")
    tamper("core_auditevent", "DELETE FROM core_auditevent WHERE sequence >= %s", [before.sequence])
    assert check_audit_chain().problems == [
        f"certification run {run.pk} recorded audit chain head #{before.sequence}, which is no longer in the chain"
    ]


def test_staff_see_the_latest_checks(client):
    record_audit_event(actor="tests", action="one")
    check_audit_chain()
    client.force_login(staff_user())
    response = client.get("/operations/integrity/")
    assert (response.status_code, [c.kind for c in response.context["checks"]]) == (200, ["audit"])


def test_other_users_are_refused_the_integrity_page(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/operations/integrity/").status_code == 403
