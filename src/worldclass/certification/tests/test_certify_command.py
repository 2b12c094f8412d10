"""`worldclass certify`: the JSON shape, the table, errors, stored runs and their replay."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from worldclass.certification.models import Certification, CertificationRun, LevelRule, MonthlyRollup
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.models import AuditEvent
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db

JAN = Month(2025, 1)


def certify(*args) -> str:
    out = StringIO()
    call_command("certify", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def acme():
    organization = OrganizationFactory(code="acme")
    site = SiteFactory(organization=organization, code="east")
    person = PersonFactory(organization=organization, code="c1")
    rollup_months(entity=person, level="csr", start=JAN, eligible=[10, 10, 10], meeting=[9, 9, 9])
    rollup_months(entity=site, level="site", start=JAN, eligible=[300, 300, 300], meeting=[290, 290, 290])
    return organization


def test_certify_json_is_exactly_one_object_with_every_field(acme):
    output = json.loads(certify("--edition", "2013", "--through", "2025-03", "--json"))
    assert output == {
        "edition": "2013",
        "through": "2025-03",
        "entities": [
            {
                "level": "csr",
                "org": "acme",
                "id": "c1",
                "qualifies": True,
                "certified": True,
                "window": ["2025-01", "2025-03"],
                "surveys": 30,
                "meeting": 27,
                "rate": 0.9,
                "ci95": [0.7438, 0.9654],
                "certified_since": "2025-03",
                "valid_through": "2026-03",
            },
            {
                "level": "site",
                "org": "acme",
                "id": "east",
                "qualifies": True,
                "certified": True,
                "window": ["2025-01", "2025-03"],
                "surveys": 900,
                "meeting": 870,
                "rate": 0.9667,
                "ci95": [0.9528, 0.9766],
                "certified_since": "2025-03",
                "valid_through": "2026-03",
            },
            {
                "level": "organization",
                "org": "acme",
                "id": "acme",
                "qualifies": True,
                "certified": True,
                "window": ["2025-01", "2025-03"],
                "surveys": 900,
                "meeting": 870,
                "rate": 0.9667,
                "ci95": [0.9528, 0.9766],
                "certified_since": "2025-03",
                "valid_through": "2026-03",
            },
        ],
    }


def test_entity_without_a_window_has_nulls(acme):
    output = json.loads(certify("--edition", "2013", "--through", "2025-02", "--json"))
    assert output["entities"][0] == {
        "level": "csr",
        "org": "acme",
        "id": "c1",
        "qualifies": False,
        "certified": False,
        "window": None,
        "surveys": None,
        "meeting": None,
        "rate": None,
        "ci95": None,
        "certified_since": None,
        "valid_through": None,
    }


def test_certify_prints_a_table_and_the_run(acme):
    output = certify("--edition", "2013", "--through", "2025-03")
    lines = output.splitlines()
    assert lines[0].split() == [
        "level", "org", "id", "qualifies", "certified", "window", "surveys", "meeting", "rate", "95%", "CI", "since",
        "valid", "through",
    ]  # fmt: skip
    assert lines[1].split() == [
        "csr", "acme", "c1", "yes", "yes", "2025-01..2025-03", "30", "27", "90.00%", "74.4%-96.5%", "2025-03",
        "2026-03",
    ]  # fmt: skip
    assert f"Run {CertificationRun.objects.get().pk}: exploratory, edition 2013 through 2025-03." in output


def test_certify_stores_the_run_its_certifications_and_an_audit_event(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    run = CertificationRun.objects.get()
    with scopes_disabled():
        stored = list(Certification.objects.values_list("level", "achieved_month", "valid_through_month", "first_run"))
    event = AuditEvent.objects.get(action="certification.run")
    assert stored == [
        ("csr", JAN.first_day().replace(month=3), Month(2026, 3).first_day(), run.pk),
        ("organization", Month(2025, 3).first_day(), Month(2026, 3).first_day(), run.pk),
        ("site", Month(2025, 3).first_day(), Month(2026, 3).first_day(), run.pk),
    ]
    assert (run.counts["certified"], run.counts["achievements"], run.rules_snapshot["levels"]["csr"]) == (
        {"csr": 1, "supervisor": 0, "site": 1, "organization": 1},
        3,
        {"threshold_percent": "80.00", "min_surveys": 25},
    )
    assert (event.object_id, event.input_sha256, event.details["result_sha256"]) == (
        str(run.pk),
        run.input_sha256,
        run.result_sha256,
    )


def test_a_later_run_keeps_the_first_run_of_known_certifications(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    certify("--edition", "2013", "--through", "2025-04", "--json")
    first, _second = CertificationRun.objects.order_by("pk")
    with scopes_disabled():
        assert set(Certification.objects.values_list("first_run", flat=True)) == {first.pk}


def test_verify_run_reproduces_a_stored_run(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    run = CertificationRun.objects.get()
    output = certify("--verify-run", str(run.pk))
    assert output == f"Run {run.pk}: input matches, result matches ({run.result_sha256}).\n"


def test_verify_run_uses_the_stored_rules_not_the_current_ones(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    LevelRule.objects.filter(edition__year=2013, level="csr").update(threshold_percent=95)
    run = CertificationRun.objects.get()
    assert json.loads(certify("--verify-run", str(run.pk), "--json"))["result_matches"] is True


def test_verify_run_fails_when_the_result_differs(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    run = CertificationRun.objects.get()
    CertificationRun.objects.filter(pk=run.pk).update(result_sha256="0" * 64)
    with pytest.raises(CommandError, match="does not reproduce"):
        certify("--verify-run", str(run.pk))


def test_verify_run_of_an_unknown_run_is_an_error():
    with pytest.raises(CommandError, match="There is no certification run 999"):
        certify("--verify-run", "999")


def test_unknown_edition_is_a_clear_error():
    with pytest.raises(CommandError, match=r"There is no edition 2003\.") as raised:
        certify("--edition", "2003", "--through", "2025-06")
    assert "Known editions: 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015." in str(raised.value)


@pytest.mark.parametrize("month", ["2025-6", "2025-13", "June 2025"])
def test_malformed_month_is_a_clear_error(month):
    with pytest.raises(CommandError, match=f"Invalid month '{month}': expected YYYY-MM."):
        certify("--edition", "2013", "--through", month)


def test_unknown_organization_is_a_clear_error():
    with pytest.raises(CommandError, match=r"There is no organization 'nope'\."):
        certify("--edition", "2013", "--through", "2025-06", "--organization", "nope")


def test_missing_arguments_are_named():
    with pytest.raises(CommandError, match=r"certify needs --year YYYY \(or --edition YEAR\) and --through YYYY-MM\."):
        certify("--edition", "2013")


def test_certify_for_one_organization(acme):
    other = OrganizationFactory(code="other")
    rollup_months(
        entity=PersonFactory(organization=other, code="o1"), level="csr", start=JAN, eligible=[9] * 3, meeting=[9] * 3
    )
    output = json.loads(certify("--edition", "2013", "--through", "2025-03", "--json", "--organization", "other"))
    assert [(e["org"], e["id"]) for e in output["entities"]] == [("other", "o1")]
    run = CertificationRun.objects.get()
    assert json.loads(certify("--verify-run", str(run.pk), "--json"))["result_matches"] is True


def test_a_later_run_refreshes_counts_changed_by_late_surveys(acme):
    certify("--edition", "2013", "--through", "2025-03", "--json")
    first = CertificationRun.objects.get()
    with scopes_disabled():
        MonthlyRollup.objects.filter(level="csr", month=JAN.first_day()).update(eligible=11, world_class=10)
    certify("--edition", "2013", "--through", "2025-03", "--json")
    with scopes_disabled():
        stored = Certification.objects.get(level="csr")
    assert (stored.surveys, stored.meeting, stored.first_run_id) == (31, 28, first.pk)


def test_certify_without_data_lists_no_entities():
    output = json.loads(certify("--edition", "2015", "--through", "2025-06", "--json"))
    assert output == {"edition": "2015", "through": "2025-06", "entities": []}
