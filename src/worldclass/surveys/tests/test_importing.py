import datetime as dt

import pytest
from django.db import connection

from worldclass.core.errors import AppError, Conflict
from worldclass.core.models import AuditEvent
from worldclass.directory.models import Organization, Person, Site
from worldclass.surveys.domain import importing
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import COLUMNS, REQUIRED_COLUMNS, SurveyMapping, parse_mapping
from worldclass.surveys.domain.sources import TabularFile
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.csvfiles import row, rows, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]


def load(tmp_path, records, name="surveys.csv", **kwargs):
    return import_surveys(path=write_csv(tmp_path / name, records), actor="tests", **kwargs)


def rejected(tmp_path, records, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        load(tmp_path, records, **kwargs)
    return caught.value


def problems(error: AppError) -> list[tuple[int | None, str | None]]:
    return [(d.line, d.field) for d in error.details]


# --- a good file ---------------------------------------------------------------------------------------------


def test_import_creates_surveys_and_reports_counts(tmp_path):
    report = load(tmp_path, rows(3))
    assert (report.rows_total, report.rows_created, report.rows_unchanged) == (3, 3, 0)
    assert report.summary() == "Imported 3 new surveys."
    assert SurveyResponse.objects.count() == 3


def test_chunks_grow_only_on_postgresql_whose_writes_overlap_the_reading(tmp_path, monkeypatch):
    asked = []
    batches = TabularFile.batches

    def recorded_batches(self, columns, chunk_rows, *, first_chunk_rows=None):
        asked.append((chunk_rows, first_chunk_rows))
        return batches(self, columns, chunk_rows, first_chunk_rows=first_chunk_rows)

    monkeypatch.setattr(TabularFile, "batches", recorded_batches)
    load(tmp_path, rows(2))
    first = importing.FIRST_CHUNK_ROWS if connection.vendor == "postgresql" else None
    assert asked == [(importing.CHUNK_ROWS, first)]


def test_import_derives_the_fields_the_rules_need(tmp_path):
    load(
        tmp_path,
        [row(call_at="2025-01-31T23:30:00-05:00", surveyed_at="2025-02-01T00:40:00-05:00", first_call="no")],
    )
    survey = SurveyResponse.objects.get()
    assert survey.call_at == dt.datetime(2025, 2, 1, 4, 30, tzinfo=dt.UTC)
    assert (survey.call_local_date, survey.survey_local_date) == (dt.date(2025, 1, 31), dt.date(2025, 2, 1))
    assert survey.call_month == dt.date(2025, 1, 1)
    assert survey.delay_seconds == 70 * 60
    assert survey.business_days_after_call == 1  # Saturday 1 February rolls forward to Monday 3 February
    assert (survey.is_fcr, survey.is_world_class_call) == (False, True)


def test_import_creates_the_roster(tmp_path):
    load(tmp_path, [row(), row(survey_id="s2", call_id="c2", csr="C2", site="hal", country="")])
    org = Organization.objects.get(code="acme")
    assert sorted(Site.objects.filter(organization=org).values_list("code", "country")) == [
        ("hal", ""),
        ("tor", "CA"),
    ]
    csr = Person.objects.get(code="C1")
    supervisor = Person.objects.get(code="S1")
    assert (csr.is_csr, csr.is_supervisor, csr.supervisor, csr.site.code) == (True, False, supervisor, "tor")
    assert (supervisor.is_csr, supervisor.is_supervisor) == (False, True)


def call_on(day: str, number: int, **changes) -> dict:
    """A row for a call at 10:00 on `day` (Toronto summer time), surveyed an hour later."""
    return row(
        survey_id=f"s{number}",
        call_id=f"c{number}",
        call_at=f"{day}T10:00:00-04:00",
        surveyed_at=f"{day}T11:00:00-04:00",
        **changes,
    )


def test_roster_follows_the_latest_call_even_across_files(tmp_path):
    load(tmp_path, [call_on("2025-03-12", 1, site="tor", supervisor="S1")], name="a.csv")
    load(tmp_path, [call_on("2025-05-01", 2, site="hal", supervisor="S2")], name="b.csv")
    # An older file loaded later does not move the CSR back.
    load(tmp_path, [call_on("2025-04-01", 3, site="tor", supervisor="S1")], name="c.csv")
    csr = Person.objects.get(code="C1")
    assert (csr.site.code, csr.supervisor.code) == ("hal", "S2")
    assert csr.roster_as_of == dt.datetime(2025, 5, 1, 14, 0, tzinfo=dt.UTC)
    # Each survey keeps its own attribution as of its call.
    assert SurveyResponse.objects.get(survey_id="s3").site.code == "tor"


def test_import_is_recorded_and_audited(tmp_path):
    report = load(tmp_path, rows(2))
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.status, batch.rows_total, batch.rows_created, batch.actor) == ("applied", 2, 2, "tests")
    assert batch.sha256 == report.sha256 and len(batch.sha256) == 64
    assert batch.organization.code == "acme"
    event = AuditEvent.objects.get(action="surveys.import")
    assert (event.input_sha256, event.counts["rows_created"]) == (report.sha256, 2)


def test_booleans_accept_the_usual_spellings(tmp_path):
    spellings = ["yes", "Y", "TRUE", "1", "no", "n", "False", "0"]
    load(tmp_path, [row(survey_id=f"s{i}", resolved=s) for i, s in enumerate(spellings)])
    resolved = dict(SurveyResponse.objects.values_list("survey_id", "resolved"))
    assert [resolved[f"s{i}"] for i in range(8)] == [True] * 4 + [False] * 4


# --- bad files -----------------------------------------------------------------------------------------------

BAD_VALUES = [
    ("overall_sat", "6", "rating 6 is outside the scale 1..5"),
    ("csr_sat", "0", "rating 0 is outside the scale 1..5"),
    ("overall_sat", "five", "'five' is not a whole number on the scale 1..5"),
    ("resolved", "maybe", "'maybe' is not yes/no (accepted: yes/no, y/n, true/false, 1/0)"),
    ("first_call", "", "'' is not yes/no (accepted: yes/no, y/n, true/false, 1/0)"),
    (
        "call_at",
        "2025-03-12T10:00:00",
        "'2025-03-12T10:00:00' has no UTC offset (write e.g. 2025-01-31T14:05:00-05:00, or set [file] timezone in the "
        "mapping)",
    ),
    ("call_at", "12/03/2025 10:00", "'12/03/2025 10:00' is not an ISO 8601 timestamp with a UTC offset"),
    (
        "surveyed_at",
        "2025-02-30T10:00:00+00:00",
        "'2025-02-30T10:00:00+00:00' is not an ISO 8601 timestamp with a UTC offset",
    ),
    ("survey_id", "", "is empty"),
    ("call_id", "", "is empty"),
    ("csr", "", "is empty"),
    ("channel", "fax", "unknown channel 'fax' (expected phone, ivr, web)"),
    ("country", "XX", "unknown country code 'XX' (expected ISO 3166 alpha-2, or empty)"),
    ("org", "acme corp", "organization code 'acme corp' may only contain letters, digits, '-' and '_'"),
    ("survey_id", "x" * 65, "is longer than 64 characters"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_VALUES, ids=[f"{c}={v[:12]}" for c, v, _ in BAD_VALUES])
def test_each_kind_of_bad_value_is_reported_with_line_and_column(tmp_path, column, value, message):
    error = rejected(tmp_path, [row(survey_id="ok", call_id="ok"), row(**{column: value})])
    assert error.code == "invalid_file"
    assert [(d.line, d.field, d.message) for d in error.details] == [(3, column, message)]


ZONED = parse_mapping('[file]\ntimezone = "America/Toronto"\ndate_format = "%d/%m/%Y"\n')
ZONED_BAD_VALUES = [
    ("call_at", "31/01/2025 25:00", "'31/01/2025 25:00' is not an ISO 8601 timestamp or a date '%d/%m/%Y' with a time"),
    ("call_at", "2025-03-09 02:30", "'2025-03-09 02:30' does not exist in America/Toronto (the clocks went forward)"),
]


@pytest.mark.parametrize(
    ("column", "value", "message"), ZONED_BAD_VALUES, ids=[f"{c}={v}" for c, v, _ in ZONED_BAD_VALUES]
)
def test_a_bad_local_time_is_reported_with_the_mappings_zone_and_format(tmp_path, column, value, message):
    error = rejected(tmp_path, [row(survey_id="ok", call_id="ok"), row(**{column: value})], mapping=ZONED)
    assert [(d.line, d.field, d.message) for d in error.details] == [(3, column, message)]


@pytest.mark.parametrize(
    ("column", "value", "message", "mapping"),
    [(*bad, None) for bad in BAD_VALUES] + [(*bad, ZONED) for bad in ZONED_BAD_VALUES],
    ids=[f"{c}={v[:12]}" for c, v, _ in BAD_VALUES + ZONED_BAD_VALUES],
)
def test_errors_past_those_recorded_keep_the_same_english_message_without_its_wording(
    tmp_path, monkeypatch, column, value, message, mapping
):
    """Only the first errors carry the values that word them again; the others' message is made apart."""
    monkeypatch.setattr(importing, "ERRORS_WORDED", 0)
    error = rejected(tmp_path, [row(survey_id="ok", call_id="ok"), row(**{column: value})], mapping=mapping)
    assert [(d.line, d.field, d.message, d.wording()) for d in error.details] == [(3, column, message, {})]


def test_an_error_keeps_the_values_that_word_it_again(tmp_path):
    error = rejected(tmp_path, [row(channel="fax")])
    assert error.details[0].wording() == {
        "template": "unknown channel '{value}' (expected {expected})",
        "params": {"expected": "phone, ivr, web", "value": "fax"},
    }


def test_surveyed_before_call_is_reported(tmp_path):
    error = rejected(tmp_path, [row(call_at="2025-03-12T10:00:00-04:00", surveyed_at="2025-03-12T13:59:59+00:00")])
    assert [(d.line, d.field) for d in error.details] == [(2, "surveyed_at")]
    assert error.details[0].message.startswith("surveyed_at '2025-03-12T13:59:59+00:00' is before call_at")


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path):
    records = rows(6)
    records[1]["overall_sat"] = "9"
    records[3]["channel"] = "sms"
    records[3]["resolved"] = "?"
    records[5]["survey_id"] = ""
    error = rejected(tmp_path, records)
    assert problems(error) == [(3, "overall_sat"), (5, "channel"), (5, "resolved"), (7, "survey_id")]
    assert error.message == "3 bad line(s) in the file; nothing was imported."
    assert SurveyResponse.objects.count() == 0
    assert Organization.objects.count() == 0
    assert Person.objects.count() == 0


def test_a_rejected_import_is_recorded_after_the_rollback(tmp_path):
    rejected(tmp_path, [row(overall_sat="7")])
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error_count, batch.rows_created) == ("rejected", 1, 0)
    assert batch.errors[1] == {"message": "rating 7 is outside the scale 1..5", "field": "overall_sat", "line": 2}
    assert AuditEvent.objects.filter(action="surveys.import_rejected").count() == 1


def test_line_numbers_count_physical_lines_of_multi_line_comments(tmp_path):
    error = rejected(tmp_path, [row(comment="first\nsecond\nthird"), row(survey_id="s2", csr_sat="8")])
    assert problems(error) == [(5, "csr_sat")]


def test_missing_columns_are_reported_on_line_1(tmp_path):
    path = write_csv(tmp_path / "short.csv", [row()], columns=[c for c in COLUMNS if c not in {"csr", "comment"}])
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert problems(caught.value) == [(1, "csr")]  # comment is optional


def test_a_clients_export_given_without_its_mapping_is_told_to_give_one(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Call Id,Date,Agent,Score\nA1,2025-03-12 10:00,Kim,5\n")
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert caught.value.details[0].message == (
        "the header has none of the interchange format's columns: if this is a client's own export, give its "
        "mapping (a saved mapping, or a mapping file; docs/import-format.md)"
    )


def test_a_survey_repeated_with_different_content_in_one_file_is_refused(tmp_path):
    error = rejected(tmp_path, [row(), row(call_id="c2", survey_id="s2"), row(csr_sat="4")])
    assert [(d.line, d.field, d.message) for d in error.details] == [
        (4, "survey_id", "survey 's1' appears again with different content (first at line 2)")
    ]


def test_a_file_refused_for_a_repeated_survey_leaves_no_roster_behind(tmp_path):
    """The repeat is found as the rows collide, after the roster was written: all of it is undone."""
    rejected(tmp_path, [row(), row(csr_sat="4")])
    assert (Person.objects.count(), Site.objects.count(), ImportBatch.objects.get().status) == (0, 0, "rejected")


def test_a_repeated_survey_is_listed_with_the_files_other_errors(tmp_path):
    error = rejected(tmp_path, [row(), row(survey_id="s2", call_id="c2", overall_sat="9"), row(csr_sat="4")])
    assert problems(error) == [(3, "overall_sat"), (4, "survey_id")]


def test_a_repeated_survey_is_listed_with_a_sites_other_country(tmp_path):
    error = rejected(tmp_path, [row(), row(survey_id="s2", call_id="c2", country="US"), row(csr_sat="4")])
    assert problems(error) == [(3, "country"), (4, "survey_id")]


def test_a_survey_repeated_identically_in_one_file_is_loaded_once(tmp_path):
    report = load(tmp_path, [row(), row(resolved="Y")])
    assert (report.rows_created, report.rows_unchanged) == (1, 1)


def test_a_site_with_two_countries_in_one_file_is_refused(tmp_path):
    error = rejected(tmp_path, [row(), row(survey_id="s2", country="US")])
    assert [(d.line, d.field) for d in error.details] == [(3, "country")]
    assert "site 'tor' has country 'US' here but 'CA' at line 2" in error.details[0].message


def test_a_site_given_another_country_in_a_later_chunk_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)
    error = rejected(tmp_path, [row(), row(survey_id="s2", country="CA"), row(survey_id="s3", country="US")])
    assert [(d.line, d.field) for d in error.details] == [(4, "country")]


def test_sites_of_one_code_in_two_organizations_may_be_in_two_countries(tmp_path):
    report = load(tmp_path, [row(), row(survey_id="s2", org="globex", country="US")])
    assert report.rows_created == 2


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert caught.value.code == "invalid_file"


# --- idempotence and conflicts -------------------------------------------------------------------------------


def test_reimporting_the_same_file_is_a_reported_no_op(tmp_path):
    load(tmp_path, rows(3))
    report = load(tmp_path, rows(3))
    assert (report.status, report.rows_created, report.rows_unchanged) == ("no_op", 0, 3)
    assert report.summary() == "No change: all 3 rows were already loaded."
    assert SurveyResponse.objects.count() == 3


def test_same_answers_spelled_differently_are_the_same_content(tmp_path):
    load(tmp_path, [row(resolved="yes", channel="phone", call_at="2025-03-12T10:00:00-04:00")])
    report = load(tmp_path, [row(resolved="Y", channel="PHONE", call_at="2025-03-12T10:00:00.000-0400")], name="b.csv")
    assert report.rows_unchanged == 1


def test_partial_overlap_adds_only_the_new_rows(tmp_path):
    load(tmp_path, rows(3))
    report = load(tmp_path, rows(5), name="more.csv")
    assert (report.rows_created, report.rows_unchanged) == (2, 3)
    assert report.summary() == "Imported 2 new surveys; 3 already loaded, unchanged."
    assert SurveyResponse.objects.count() == 5


def test_a_changed_answer_is_a_conflict_and_nothing_is_written(tmp_path):
    first = load(tmp_path, rows(2))
    changed = rows(4)
    changed[1]["overall_sat"] = "1"
    with pytest.raises(Conflict) as caught:
        load(tmp_path, changed, name="changed.csv")
    assert [(d.line, d.field) for d in caught.value.details] == [(3, "survey_id")]
    assert SurveyResponse.objects.count() == 2
    # Append-only: the stored answers are the original ones, from the first batch.
    survey = SurveyResponse.objects.get(survey_id="s2")
    assert (survey.overall_sat, survey.import_batch_id) == (5, first.batch_id)
    assert ImportBatch.objects.filter(status="rejected").count() == 1


def test_a_stored_survey_repeated_with_other_answers_is_a_conflict_on_the_line_that_differs(tmp_path):
    load(tmp_path, [row()])
    with pytest.raises(Conflict) as caught:
        load(tmp_path, [row(), row(csr_sat="4")], name="again.csv")
    assert [(d.line, d.field) for d in caught.value.details] == [(3, "survey_id")]


def test_an_import_never_updates_an_existing_survey(tmp_path):
    first = load(tmp_path, rows(2))
    before = list(SurveyResponse.objects.values_list("id", "import_batch_id", "created_at", "content_sha256"))
    load(tmp_path, rows(3), name="again.csv")
    after = list(
        SurveyResponse.objects.filter(import_batch_id=first.batch_id).values_list(
            "id", "import_batch_id", "created_at", "content_sha256"
        )
    )
    assert after == before


def test_the_same_survey_id_in_two_organizations_is_two_surveys(tmp_path):
    report = load(tmp_path, [row(), row(org="globex")])
    assert report.rows_created == 2


# --- mapping -------------------------------------------------------------------------------------------------


def test_mapping_renames_columns_and_maps_values(tmp_path):
    renamed = {"survey_id": "SurveyID", "resolved": "Resolved?", "overall_sat": "OSAT"}
    records = [
        {renamed.get(k, k): v for k, v in row(resolved="Oui", channel="Telephone").items()},
    ]
    columns = [renamed.get(c, c) for c in COLUMNS]
    mapping = SurveyMapping(
        columns=renamed, values={"resolved": {"Oui": "yes", "Non": "no"}, "channel": {"Telephone": "phone"}}
    )
    path = write_csv(tmp_path / "client.csv", records, columns=columns)
    report = import_surveys(path=path, mapping=mapping, actor="tests")
    survey = SurveyResponse.objects.get()
    assert (report.rows_created, survey.resolved, survey.channel) == (1, True, "phone")


@pytest.mark.parametrize(
    ("scale", "overall", "csr", "world_class"),
    [
        ((1, 10), "10", "10", True),
        ((1, 10), "10", "9", False),
        ((0, 10), "10", "10", True),
        ((0, 10), "0", "10", False),
    ],
)
def test_rating_scales_take_the_top_box_at_their_highest_point(tmp_path, scale, overall, csr, world_class):
    mapping = SurveyMapping(scale_min=scale[0], scale_max=scale[1])
    load(tmp_path, [row(overall_sat=overall, csr_sat=csr)], mapping=mapping)
    survey = SurveyResponse.objects.get()
    assert (survey.rating_scale_min, survey.rating_scale_max, survey.is_world_class_call) == (*scale, world_class)


def test_a_rating_outside_a_mapped_scale_is_reported(tmp_path):
    error = rejected(tmp_path, [row(overall_sat="11")], mapping=SurveyMapping(scale_min=0, scale_max=10))
    assert [d.message for d in error.details] == ["rating 11 is outside the scale 0..10"]


def test_a_mapped_column_missing_from_the_file_names_both_names(tmp_path):
    error = rejected(tmp_path, [row()], mapping=SurveyMapping(columns={"csr": "Agent"}))
    assert [(d.line, d.field, d.message) for d in error.details] == [
        (1, "csr", "missing column 'Agent' (mapped to csr)")
    ]


def test_many_errors_start_with_a_summary_per_column_and_reason(tmp_path):
    records = rows(60, overall_sat="5.5")
    records[7]["channel"] = "fax"
    error = rejected(tmp_path, records)
    assert error.message == (
        "61 errors on 60 line(s); nothing was imported. First a summary per column and reason (2 kind(s)), "
        "then every error."
    )
    assert [(d.line, d.field, d.message) for d in error.details[:2]] == [
        (None, "overall_sat", "60 errors: is not a whole number (first at lines 2, 3, 4, 5, 6)"),
        (None, "channel", "1 error: unknown channel (first at line 9)"),
    ]
    assert len(error.details) == 2 + 61
    assert ImportBatch.objects.get().error_count == 61


def test_integral_decimal_ratings_are_integers(tmp_path):
    load(tmp_path, [row(overall_sat="5.0", csr_sat="4.00")])
    assert SurveyResponse.objects.values_list("overall_sat", "csr_sat").get() == (5, 4)


def test_a_rating_written_5_0_is_the_same_content_as_5(tmp_path):
    load(tmp_path, [row()], name="a.csv")
    report = load(tmp_path, [row(overall_sat="5.0")], name="b.csv")
    assert (report.rows_created, report.rows_unchanged) == (0, 1)


def test_a_semicolon_file_is_detected_from_its_header(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text(";".join(COLUMNS) + "\n" + ";".join(row(comment="x, y").values()) + "\n", encoding="utf-8")
    import_surveys(path=path, actor="tests")
    assert SurveyResponse.objects.get().comment == "x, y"


def test_a_wide_header_is_checked_in_linear_time(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join([f"x{i}" for i in range(100_000)]) + "\n", encoding="utf-8")
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert [d.field for d in caught.value.details] == [None, *REQUIRED_COLUMNS]  # the mapping's hint, then each


def test_skipped_rows_are_counted_per_rule_and_value(tmp_path):
    path = tmp_path / "export.csv"
    records = [
        {**row(survey_id=f"s{i}", call_id=f"c{i}"), "Answered": answered, "Rating": rating}
        for i, (answered, rating) in enumerate([("Y", "5"), ("N", ""), ("N", "5"), ("Y", ""), ("X", "5")])
    ]
    for record in records:
        record["overall_sat"] = record["csr_sat"] = record["Rating"] or "5"
    write_csv(path, records, columns=[*COLUMNS, "Answered", "Rating"])
    mapping = parse_mapping('[skip]\n"Answered" = ["N", "X"]\n"Rating" = [""]\n')
    report = import_surveys(path=path, mapping=mapping, actor="tests")
    assert report.summary() == (
        'Imported 1 new survey; skipped 4 rows ([skip] "Answered" = "N": 2, [skip] "Answered" = "X": 1, '
        '[skip] "Rating" = "": 1).'
    )
    assert SurveyResponse.objects.get().survey_id == "s0"


def test_columns_named_like_the_readers_own_are_ordinary_columns(tmp_path):
    path = tmp_path / "export.csv"
    write_csv(
        path,
        [{**row(), "row_index": "7", "__skip_rule": "x"}],
        columns=[*COLUMNS, "row_index", "__skip_rule"],
    )
    mapping = parse_mapping('[columns]\ncall_id = "row_index"\n[skip]\n"__skip_rule" = ["y"]\n')
    import_surveys(path=path, mapping=mapping, actor="tests")
    assert SurveyResponse.objects.get().call_id == "7"
