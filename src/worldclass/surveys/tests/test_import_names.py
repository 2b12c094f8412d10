"""The optional name columns of an import: org_name, site_name, supervisor_name, csr_name."""

import pytest

from worldclass.core.errors import AppError
from worldclass.core.models import AuditEvent
from worldclass.directory.models import Organization, Person, Site
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import COLUMNS, NAME_COLUMNS, parse_mapping
from worldclass.surveys.tests.csvfiles import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

NAMED = {
    "org_name": "Acme Insurance",
    "site_name": "Toronto East",
    "supervisor_name": "Sam Supervisor",
    "csr_name": "Casey Agent",
}


def load(tmp_path, records, columns=COLUMNS + NAME_COLUMNS, **kwargs):
    return import_surveys(path=write_csv(tmp_path / "surveys.csv", records, columns), actor="tests", **kwargs)


def names():
    return (
        Organization.objects.get(code="acme").name,
        Site.objects.get(code="tor").name,
        Person.objects.get(code="S1").name,
        Person.objects.get(code="C1").name,
    )


def test_name_columns_name_the_roster(tmp_path):
    load(tmp_path, [row(**NAMED)])
    assert names() == ("Acme Insurance", "Toronto East", "Sam Supervisor", "Casey Agent")


def test_the_last_non_empty_name_in_the_file_wins(tmp_path):
    load(
        tmp_path,
        [
            row(**NAMED),
            row(survey_id="s2", call_id="c2", **{**NAMED, "site_name": "Toronto Downtown", "csr_name": ""}),
        ],
    )
    assert names() == ("Acme Insurance", "Toronto Downtown", "Sam Supervisor", "Casey Agent")


def test_a_file_without_names_keeps_the_names_staff_gave(tmp_path):
    load(tmp_path, [row(**NAMED)])
    load(tmp_path, [row(survey_id="s2", call_id="c2")], columns=COLUMNS)
    assert names() == ("Acme Insurance", "Toronto East", "Sam Supervisor", "Casey Agent")


def test_renames_are_counted_in_the_import_audit(tmp_path):
    load(tmp_path, [row(**NAMED)])
    assert AuditEvent.objects.get(action="surveys.import").counts["names_changed"] == 4


def test_a_name_too_long_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    with pytest.raises(AppError) as error:
        load(tmp_path, [row(**NAMED), row(survey_id="s2", call_id="c2", **{**NAMED, "site_name": "x" * 201})])
    assert ([(d.line, d.field) for d in error.value.details], Site.objects.count()) == ([(3, "site_name")], 0)


def test_a_mapping_renames_a_name_column(tmp_path):
    mapping = parse_mapping('[columns]\ncsr_name = "Agent Name"\n')
    record = {**row(), "Agent Name": "Casey Agent"}
    load(tmp_path, [record], columns=[*COLUMNS, "Agent Name"], mapping=mapping)
    assert Person.objects.get(code="C1").name == "Casey Agent"
