"""Call-record files: client exports through a mapping, and malformed files refused on their line and recorded."""

import datetime as dt

import pytest

from worldclass.core.errors import AppError
from worldclass.core.models import AuditEvent
from worldclass.directory.models import Organization
from worldclass.operations.domain.calls import import_calls_file, load_calls_mapping
from worldclass.operations.models import Call
from worldclass.operations.tests.malformed_calls import corpus
from worldclass.surveys.tests.exports import write_xlsx

pytestmark = pytest.mark.django_db

CASES = corpus()
NOW = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(("name", "content", "message", "where"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_calls_file_is_refused_and_recorded(unscoped, tmp_path, name, content, message, where):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AppError) as caught:
        import_calls_file(path=path, actor="tests", now=NOW)
    assert (caught.value.message, [(d.line, d.field) for d in caught.value.details]) == (message, where)
    assert (Call.objects.count(), Organization.objects.count()) == (0, 0)
    event = AuditEvent.objects.get(action="operations.calls_rejected")
    assert event.summary == f"{name}: {message}"


MAPPING = """
[file]
timezone = "Europe/Zurich"
date_format = "%d.%m.%Y"

[constants]
org = "helvetia"
site = "zrh"
country = "CH"
timezone = "Europe/Zurich"
language = "fr"
call_type = "support"

[columns]
call_id = "Anruf"
started_at = ["Datum", "Beginn"]
ended_at = ["Datum", "Ende"]
csr = "Agent"
supervisor = "Teamleiter"
customer_phone = "Telefon"

[skip]
"Status" = ["verpasst"]

[values.disposition]
"ok" = "answered"
"""
HEADER = ["Anruf", "Datum", "Beginn", "Ende", "Agent", "Teamleiter", "Telefon", "Status"]


def write(path, rows):
    path.write_text(";".join(HEADER) + "\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_call_log_loads_through_a_mapping(unscoped, tmp_path):
    mapping_path = tmp_path / "calls.toml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    path = write(
        tmp_path / "anrufe.csv",
        [
            ["A1", "31.03.2026", "10:00", "10:05", "c1", "s1", "+41 44 555 12 12", "ok"],
            ["A2", "27.03.2026", "10:00:30", "10:05", "c1", "s1", "+41 44 555 12 13", "ok"],
            ["A3", "27.03.2026", "10:00", "10:05", "c1", "s1", "", "verpasst"],
        ],
    )
    report = import_calls_file(path=path, actor="tests", now=NOW, mapping=load_calls_mapping(mapping_path))
    assert (report.rows_total, report.rows_created) == (2, 2)
    assert dict(Call.objects.values_list("call_id", "started_at")) == {
        "A1": dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC),
        "A2": dt.datetime(2026, 3, 27, 9, 0, 30, tzinfo=dt.UTC),
    }


def test_a_call_in_the_spring_gap_is_refused_on_its_line(unscoped, tmp_path):
    mapping_path = tmp_path / "calls.toml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    path = write(
        tmp_path / "anrufe.csv",
        [
            ["A1", "31.03.2026", "10:00", "10:05", "c1", "s1", "", "ok"],
            ["A2", "29.03.2026", "02:30", "03:05", "c1", "s1", "", "ok"],
        ],
    )
    with pytest.raises(AppError) as caught:
        import_calls_file(path=path, actor="tests", now=NOW, mapping=load_calls_mapping(mapping_path))
    assert [(d.line, d.field, d.message) for d in caught.value.details] == [
        (3, "started_at", "does not exist in Europe/Zurich (the clocks went forward)")
    ]
    assert Call.objects.count() == 0


def test_an_xlsx_call_log_names_its_sheet_rows(unscoped, tmp_path):
    mapping_path = tmp_path / "calls.toml"
    mapping_path.write_text(MAPPING.replace('date_format = "%d.%m.%Y"', ""), encoding="utf-8")
    day = dt.date(2026, 3, 31)
    path = write_xlsx(
        tmp_path / "calls.xlsx",
        HEADER,
        [
            ["A1", day, dt.time(10, 0), dt.time(10, 5), "c1", "s1", "", "ok"],
            ["A2", day, dt.time(10, 0), dt.time(9, 5), "c1", "s1", "", "ok"],
        ],
    )
    with pytest.raises(AppError) as caught:
        import_calls_file(path=path, actor="tests", now=NOW, mapping=load_calls_mapping(mapping_path))
    assert [(d.line, d.field, d.message) for d in caught.value.details] == [(3, "ended_at", "is before started_at")]
