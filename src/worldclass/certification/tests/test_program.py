"""Program years: the edition in force, runs made for a year, frozen editions, publishing, and their audit."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from worldclass.certification.domain.program import (
    publish_registry_year,
    set_program_year_edition,
    unpublish_registry_year,
    update_edition,
)
from worldclass.certification.domain.runs import run_certification, run_program_year
from worldclass.certification.models import CertificationRun, Edition, LevelRule, ProgramYear
from worldclass.certification.queries import edition_in_force, latest_program_run
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.errors import AppError, Conflict, NotFound
from worldclass.core.models import AuditEvent
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

JAN = Month(2025, 1)


@pytest.fixture
def csr():
    person = PersonFactory(organization=OrganizationFactory(code="acme"), code="c1")
    rollup_months(entity=person, level="csr", start=JAN, eligible=[30, 30, 30], meeting=[29, 29, 29])
    return person


def test_history_keeps_its_own_editions():
    assert [(p.year, p.edition.year) for p in ProgramYear.objects.order_by("year")] == [
        (year, year) for year in range(2008, 2016)
    ]


def test_a_year_without_a_program_year_uses_the_latest_edition():
    assert edition_in_force(year=2025) == Edition.objects.order_by("-year").first()


def test_a_run_for_2025_uses_the_edition_in_force(csr):
    set_program_year_edition(year=2025, edition=Edition.objects.get(year=2013), actor="staff")
    run = run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    assert (run.program_year, run.edition.year, run.counts["certified"]["csr"]) == (2025, 2013, 1)


def test_the_first_run_of_a_year_fixes_its_edition(csr):
    run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    newer = Edition.objects.create(
        year=2016,
        name="2016 test edition",
        metric="fcr",
        comparison="gte",
        min_consecutive_months=3,
        survey_window=Edition.objects.get(year=2015).survey_window,
        organization_rule="none",
    )
    assert (edition_in_force(year=2025).year, edition_in_force(year=2026)) == (2015, newer)


def test_a_run_through_a_month_of_another_year_is_refused(csr):
    with pytest.raises(AppError) as error:
        run_program_year(year=2025, through=Month(2026, 1), actor="staff")
    assert (error.value.code, CertificationRun.objects.count()) == ("through_outside_program_year", 0)


def test_a_run_through_a_month_that_has_not_ended_is_refused(csr):
    this_month = Month.of(timezone.localdate())
    with pytest.raises(AppError) as error:
        run_program_year(year=this_month.year, through=this_month, actor="staff")
    assert (error.value.code, error.value.details[0].message, CertificationRun.objects.count()) == (
        "month_not_ended",
        f"after {this_month - 1}",
        0,
    )


def test_an_exploratory_run_through_a_month_to_come_is_refused(csr):
    with pytest.raises(AppError) as error:
        run_certification(
            edition=Edition.objects.get(year=2013), through=Month.of(timezone.localdate()) + 1, actor="staff"
        )
    assert (error.value.code, CertificationRun.objects.count()) == ("month_not_ended", 0)


def test_setting_the_edition_in_force_is_audited():
    set_program_year_edition(year=2026, edition=Edition.objects.get(year=2013), actor="staff")
    event = AuditEvent.objects.get(action="certification.program_year_edition")
    assert (event.object_id, event.details["edition"], edition_in_force(year=2026).year) == ("2026", 2013, 2013)


def test_changing_an_edition_used_by_a_run_is_refused(csr):
    edition = Edition.objects.get(year=2013)
    run_certification(edition=edition, through=Month(2025, 3), actor="staff")
    with pytest.raises(Conflict) as error:
        update_edition(edition=edition, level_rules={"csr": (Decimal("50"), 5)}, actor="staff")
    assert (error.value.code, LevelRule.objects.get(edition=edition, level="csr").threshold_percent) == (
        "edition_in_use",
        Decimal("80.00"),
    )


def test_changing_an_unused_edition_is_audited():
    edition = Edition.objects.get(year=2013)
    update_edition(edition=edition, changes={"min_consecutive_months": 4}, actor="staff")
    event = AuditEvent.objects.get(action="certification.edition_changed")
    assert (event.object_id, event.details["rules"]["min_consecutive_months"]) == (str(edition.pk), 4)


def test_an_edition_change_to_an_unknown_field_is_refused():
    with pytest.raises(AppError) as error:
        update_edition(edition=Edition.objects.get(year=2013), changes={"year": 2030}, actor="staff")
    assert [detail.field for detail in error.value.details] == ["year"]


def test_publishing_pins_the_latest_run_of_the_year(csr):
    run_program_year(year=2025, through=Month(2025, 2), actor="staff")
    latest = run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    program_year = publish_registry_year(year=2025, actor="staff")
    assert (program_year.published_run, latest_program_run(year=2025)) == (latest, latest)
    assert AuditEvent.objects.filter(action="certification.registry_published", object_id="2025").count() == 1


def test_publishing_a_year_without_a_run_is_refused():
    with pytest.raises(NotFound):
        publish_registry_year(year=2024, actor="staff")


def test_publishing_another_years_run_is_refused(csr):
    run = run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    with pytest.raises(Conflict):
        publish_registry_year(year=2026, run=run, actor="staff")


def test_unpublishing_clears_the_published_run(csr):
    run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    publish_registry_year(year=2025, actor="staff")
    program_year = unpublish_registry_year(year=2025, actor="staff")
    assert (program_year.published_run, program_year.published_at) == (None, None)


def certify(*args) -> str:
    out = StringIO()
    call_command("certify", *args, stdout=out)
    return out.getvalue()


def test_certify_year_stores_a_run_of_the_program_year(csr):
    output = certify("--year", "2025", "--through", "2025-03")
    run = CertificationRun.objects.get()
    assert (run.program_year, run.edition.year) == (2025, 2015)
    assert f"Run {run.pk}: program year 2025, edition 2015 through 2025-03." in output


def test_certify_through_the_current_month_says_it_has_not_ended(csr):
    this_month = Month.of(timezone.localdate())
    with pytest.raises(CommandError) as error:
        certify("--edition", "2013", "--through", str(this_month))
    assert f"{this_month} has not ended" in str(error.value)


def test_certify_edition_stays_an_exploratory_run(csr):
    certify("--edition", "2013", "--through", "2025-03")
    assert CertificationRun.objects.get().program_year is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "20x5", "--through", "2025-03"], "Invalid program year '20x5'"),
        (["--year", "2025", "--edition", "2013", "--through", "2025-03"], "not both"),
        (["--year", "2025"], "--through: required"),
        (["--year", "2025", "--through", "2025-03", "--organization", "acme"], "only with --edition"),
    ],
)
def test_certify_year_bad_arguments_name_the_problem(args, message):
    with pytest.raises(CommandError) as error:
        certify(*args)
    assert message in str(error.value)
