"""Client exports loaded with a mapping file alone, then certified: the counts are exactly those the rules give."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from worldclass.core.errors import AppError
from worldclass.directory.models import Organization, Person, Site
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import COLUMNS, parse_mapping
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.csvfiles import rows, write_csv
from worldclass.surveys.tests.exports import (
    CALL_LOG_HEADER,
    CALL_LOG_MAPPING,
    TICKET_MAPPING,
    call_log_rows,
    ticket,
    write_ticket_csv,
    write_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
UTC = dt.UTC


def certify(edition: str, through: str) -> dict:
    out = StringIO()
    call_command("certify", "--edition", edition, "--through", through, "--json", stdout=out)
    return {
        (e["level"], e["id"]): (e["certified"], e["surveys"], e["meeting"])
        for e in json.loads(out.getvalue())["entities"]
    }


def refused(path, mapping_text: str) -> AppError:
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, mapping=parse_mapping(mapping_text), actor="tests")
    assert SurveyResponse.objects.count() == 0
    assert ImportBatch.objects.get().status == "rejected"
    return caught.value


# --- an xlsx call log: typed Date and Time cells, ratings 5.0, unanswered calls skipped ------------------------


def test_an_xlsx_call_log_loads_and_certifies(tmp_path):
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, call_log_rows())
    report = import_surveys(path=path, mapping=parse_mapping(CALL_LOG_MAPPING), actor="tests")
    assert report.summary() == 'Imported 30 new surveys; skipped 6 rows ([skip] "Answered (Y/N)" = "N").'
    assert certify("2013", "2025-03")[("csr", "c1")] == (True, 30, 27)


def test_xlsx_date_and_time_cells_are_joined_and_read_in_the_zone(tmp_path):
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, call_log_rows(months=[1], answered=1, unanswered=0))
    import_surveys(path=path, mapping=parse_mapping(CALL_LOG_MAPPING), actor="tests")
    survey = SurveyResponse.objects.get()
    assert (survey.call_at, survey.surveyed_at) == (
        dt.datetime(2025, 1, 6, 15, 0, tzinfo=UTC),
        dt.datetime(2025, 1, 6, 16, 30, tzinfo=UTC),
    )
    assert (survey.overall_sat, survey.csr_sat, survey.survey_id, survey.call_id) == (5, 5, "1-0", "1-0")


def test_names_set_the_roster_display_names(tmp_path):
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, call_log_rows(months=[1], answered=1, unanswered=0))
    import_surveys(path=path, mapping=parse_mapping(CALL_LOG_MAPPING), actor="tests")
    assert (Person.objects.get(code="c1").name, Site.objects.get(code="toronto").name) == (
        "Zoë Brûlé",
        "Toronto, Bay Street",
    )


def test_the_latest_import_sets_the_names(tmp_path):
    rows = call_log_rows(months=[1], answered=1, unanswered=0)
    import_surveys(
        path=write_xlsx(tmp_path / "a.xlsx", CALL_LOG_HEADER, rows), mapping=parse_mapping(CALL_LOG_MAPPING), actor="t"
    )
    rows[0][0], rows[0][8] = "renamed", "Zoë Brûlé-Martin"
    import_surveys(
        path=write_xlsx(tmp_path / "b.xlsx", CALL_LOG_HEADER, rows), mapping=parse_mapping(CALL_LOG_MAPPING), actor="t"
    )
    assert Person.objects.get(code="c1").name == "Zoë Brûlé-Martin"


def test_xlsx_errors_name_the_sheet_rows(tmp_path):
    rows = call_log_rows(months=[1], answered=3, unanswered=0)
    rows[1][4] = 4.5
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, rows, title_rows=2)
    error = refused(path, CALL_LOG_MAPPING)
    assert [(d.line, d.field, d.message) for d in error.details] == [
        (5, "overall_sat", "'4.5' is not a whole number on the scale 1..5"),
        (5, "csr_sat", "'4.5' is not a whole number on the scale 1..5"),
    ]


def test_an_unknown_sheet_is_refused_naming_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, call_log_rows(), sheet="Export")
    error = refused(path, CALL_LOG_MAPPING)
    assert error.message == "The workbook has no sheet 'Calls' (its sheets: 'Export')."


def test_an_xlsx_named_csv_is_refused_with_the_fix(tmp_path):
    path = write_xlsx(tmp_path / "calls.csv", CALL_LOG_HEADER, call_log_rows())
    error = refused(path, CALL_LOG_MAPPING.replace('sheet = "Calls"', ""))
    assert error.message == 'This is an Excel file: set [file] format = "xlsx" in the mapping (or name it .xlsx).'


def test_an_xlsx_named_csv_loads_with_the_format_set(tmp_path):
    path = write_xlsx(tmp_path / "calls.csv", CALL_LOG_HEADER, call_log_rows())
    mapping = parse_mapping(CALL_LOG_MAPPING.replace("[file]", '[file]\nformat = "xlsx"'))
    assert import_surveys(path=path, mapping=mapping, actor="tests").rows_created == 30


# --- a `;` ticket export in cp1252: day-first local times in Zurich, ratings 3,0, blank ratings skipped -----------


def test_a_semicolon_ticket_export_loads_and_certifies(tmp_path):
    rows = []
    for month in (1, 2, 3):
        for number in range(10):
            score = "3,0" if number < 9 else "2,0"
            rows.append(ticket(month * 100 + number, f"06.{month:02}.2025 10:00", f"06.{month:02}.2025 12:15", score))
        rows.append(ticket(month * 100 + 99, f"06.{month:02}.2025 10:00", "", ""))
    path = write_ticket_csv(tmp_path / "tickets.csv", rows)
    report = import_surveys(path=path, mapping=parse_mapping(TICKET_MAPPING), actor="tests")
    assert report.summary() == 'Imported 30 new surveys; skipped 3 rows ([skip] "Score" = "").'
    assert certify("2013", "2025-03")[("csr", "a1")] == (True, 30, 27)
    assert (Organization.objects.get().name, Site.objects.get().name, Person.objects.get(code="a1").name) == (
        "Helvetia Contact AG",
        "Zürich Hauptbahnhof",
        "Zoë Brûlé",
    )
    assert SurveyResponse.objects.filter(comment="très bien").count() == 30


def test_local_times_follow_daylight_saving_time(tmp_path):
    rows = [
        ticket(1, "28.03.2025 10:00", "28.03.2025 11:00"),  # CET, +01:00
        ticket(2, "31.03.2025 10:00", "31.03.2025 11:00"),  # CEST, +02:00
        ticket(3, "2025-07-01T10:00:00", "2025-07-01T11:00:00"),  # ISO 8601 is always accepted
    ]
    import_surveys(path=write_ticket_csv(tmp_path / "t.csv", rows), mapping=parse_mapping(TICKET_MAPPING), actor="t")
    assert dict(SurveyResponse.objects.values_list("survey_id", "call_at")) == {
        "T1": dt.datetime(2025, 3, 28, 9, 0, tzinfo=UTC),
        "T2": dt.datetime(2025, 3, 31, 8, 0, tzinfo=UTC),
        "T3": dt.datetime(2025, 7, 1, 8, 0, tzinfo=UTC),
    }


def test_a_local_time_in_the_spring_gap_is_refused_on_its_line(tmp_path):
    rows = [ticket(1, "29.03.2025 10:00", "29.03.2025 11:00"), ticket(2, "30.03.2025 02:30", "30.03.2025 04:00")]
    error = refused(write_ticket_csv(tmp_path / "t.csv", rows), TICKET_MAPPING)
    assert [(d.line, d.field, d.message) for d in error.details] == [
        (3, "call_at", "'30.03.2025 02:30' does not exist in Europe/Zurich (the clocks went forward)")
    ]


def test_an_autumn_ambiguous_local_time_takes_its_first_occurrence(tmp_path):
    rows = [ticket(1, "26.10.2025 02:30", "26.10.2025 02:45")]
    import_surveys(path=write_ticket_csv(tmp_path / "t.csv", rows), mapping=parse_mapping(TICKET_MAPPING), actor="t")
    survey = SurveyResponse.objects.get()
    assert (survey.call_at, survey.delay_seconds) == (dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC), 15 * 60)


def test_a_decimal_rating_that_is_not_whole_is_refused(tmp_path):
    error = refused(
        write_ticket_csv(tmp_path / "t.csv", [ticket(1, "06.01.2025 10:00", "06.01.2025 11:00", "2,5")]), TICKET_MAPPING
    )
    assert [(d.line, d.field) for d in error.details] == [(2, "overall_sat"), (2, "csr_sat")]


def test_a_file_in_another_encoding_than_the_mapping_says_is_refused_on_its_line(tmp_path):
    rows = [ticket(1, "06.01.2025 10:00", "06.01.2025 11:00"), ticket(2, "06.01.2025 10:00", "06.01.2025 11:00")]
    path = write_ticket_csv(tmp_path / "t.csv", rows)
    error = refused(path, TICKET_MAPPING.replace('encoding = "cp1252"', ""))
    assert error.message == "The file is not UTF-8 text: set [file] encoding in the mapping (for example cp1252)."


def test_a_header_split_on_the_wrong_delimiter_says_which_one_fits(tmp_path):
    path = write_ticket_csv(tmp_path / "t.csv", [ticket(1, "06.01.2025 10:00", "06.01.2025 11:00")])
    error = refused(path, TICKET_MAPPING.replace("[file]", '[file]\ndelimiter = ","'))
    assert error.details[0].message == (
        "the header has every column when split on ';': set [file] delimiter = \";\" in the mapping"
    )


def test_utf16_with_a_byte_order_mark_is_detected(tmp_path):
    rows = [ticket(1, "06.01.2025 10:00", "06.01.2025 11:00")]
    path = write_ticket_csv(tmp_path / "t.csv", rows, encoding="utf-16")
    report = import_surveys(path=path, mapping=parse_mapping(TICKET_MAPPING), actor="tests")
    assert (report.rows_created, Person.objects.get(code="a1").name) == (1, "Zoë Brûlé")


# --- an IVR export with a single "resolved on first contact" question ---------------------------------------

IVR_MAPPING = """
[constants]
org = "ivrco"
site = "main"
channel = "ivr"
supervisor = "team"
country = ""
comment = ""

[columns]
survey_id = "Session"
call_id = "Session"
csr = "Agent"
call_at = "CallEnd"
surveyed_at = "SurveyEnd"
resolved = "Resolved on first contact"
first_call = "Resolved on first contact"
overall_sat = "Q1"
csr_sat = "Q2"
"""


def test_one_column_feeds_resolved_and_first_call(tmp_path):
    path = tmp_path / "ivr.csv"
    path.write_text(
        "Session,Agent,CallEnd,SurveyEnd,Resolved on first contact,Q1,Q2\n"
        "s1,a1,2025-01-06T10:00:00Z,2025-01-06T10:20:00Z,1,5,5\n"
        "s2,a1,2025-01-06T10:00:00Z,2025-01-06T10:20:00Z,0,5,5\n",
        encoding="utf-8",
    )
    import_surveys(path=path, mapping=parse_mapping(IVR_MAPPING), actor="tests")
    assert sorted(SurveyResponse.objects.values_list("survey_id", "resolved", "first_call", "is_fcr")) == [
        ("s1", True, True, True),
        ("s2", False, False, False),
    ]


# --- reports ---------------------------------------------------------------------------------------------------


def test_an_export_without_survey_time_warns_that_nothing_is_eligible(tmp_path):
    path = tmp_path / "ivr.csv"
    path.write_text(
        "Session,Agent,CallEnd,SurveyEnd,Resolved on first contact,Q1,Q2\n"
        + "".join(f"s{i},a1,2025-01-06T10:00:00Z,2025-01-06T10:00:00Z,1,5,5\n" for i in range(4)),
        encoding="utf-8",
    )
    report = import_surveys(path=path, mapping=parse_mapping(IVR_MAPPING), actor="tests")
    assert report.eligibility_lines()[0] == (
        "Warning: 10 minutes to 72 hours after the call (edition 2008): 0 of 4 new surveys eligible; "
        "surveyed_at equals call_at on every row: this export has no survey time."
    )


def test_xlsx_rows_with_empty_leading_cells_keep_their_sheet_row_numbers(tmp_path):
    rows = call_log_rows(months=[1], answered=3, unanswered=0)
    rows[1][0] = None  # no Call Id: the row's first cell is empty
    header = ["", *CALL_LOG_HEADER]  # and the sheet's first column is empty throughout
    path = write_xlsx(tmp_path / "calls.xlsx", header, [[None, *values] for values in rows], title_rows=1)
    error = refused(path, CALL_LOG_MAPPING)
    assert [(d.line, d.field) for d in error.details] == [(4, "survey_id"), (4, "call_id")]


def test_an_export_without_a_comment_column_loads_with_empty_comments(tmp_path):
    columns = [c for c in COLUMNS if c != "comment"]
    path = write_csv(tmp_path / "no-comments.csv", rows(3), columns=columns)
    report = import_surveys(path=path, actor="tests")
    assert (report.rows_created, list(SurveyResponse.objects.values_list("comment", flat=True))) == (3, ["", "", ""])
