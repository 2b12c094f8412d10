"""An import report in words: English for the command line, the API and the audit; the reader's language on a page."""

from django.utils import translation

from worldclass.surveys.domain.reports import ImportReport, SkippedRows, describe_eligibility, describe_import


def report(**counts) -> ImportReport:
    return ImportReport(
        **{"batch_id": 1, "status": "applied", "source_name": "f.csv", "sha256": "0" * 64, **counts},
    )


def window(**changes) -> dict:
    return {
        "window": "10min-72h",
        "description": "10 minutes to 72 hours after the call",
        "description_fr": "De 10 minutes à 72 heures après l\u2019appel",
        "editions": [2008],
        "surveys": 3,
        "eligible": 1,
        "cause": {"code": "too_late_minutes", "surveys": 1, "minutes": 4320},
        **changes,
    }


def test_a_file_of_one_row_already_loaded_is_told_in_the_singular():
    found = report(rows_total=1, rows_created=0, rows_unchanged=1)
    assert found.summary() == "No change: its 1 row was already loaded."


def test_new_skipped_and_unchanged_rows_are_one_sentence():
    found = report(rows_total=1_250, rows_created=1_000, rows_unchanged=200, skipped=[SkippedRows("Answered", "N", 50)])
    assert found.summary() == (
        'Imported 1,000 new surveys; skipped 50 rows ([skip] "Answered" = "N"); 200 already loaded, unchanged.'
    )


def test_the_summary_is_english_whatever_the_active_language():
    with translation.override("fr"):
        summary = report(rows_total=2, rows_created=2, rows_unchanged=0).summary()
    assert summary == "Imported 2 new surveys."


def test_a_page_words_the_summary_in_french_with_french_numbers():
    with translation.override("fr"):
        summary = describe_import(report(rows_total=1_250, rows_created=1_250, rows_unchanged=0))
    assert summary == "1\xa0250 nouveaux sondages importés."


def test_a_cause_of_one_survey_is_told_in_the_singular():
    found = report(rows_total=3, rows_created=3, rows_unchanged=0, eligibility=[window()])
    assert found.eligibility_lines() == [
        "Warning: 10 minutes to 72 hours after the call (edition 2008): 1 of 3 new surveys eligible; "
        "1 survey was taken more than 4320 minutes after the call."
    ]


def test_a_cause_is_worded_in_french_for_a_french_page():
    found = report(rows_total=3, rows_created=3, rows_unchanged=0, eligibility=[window(cause=None, eligible=3)])
    with translation.override("fr"):
        findings = describe_eligibility(found)
    assert [(f.text, f.warning) for f in findings] == [
        ("De 10 minutes à 72 heures après l\u2019appel (édition 2008) : 3 nouveaux sondages admissibles sur 3.", False)
    ]
