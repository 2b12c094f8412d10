from django.utils import translation

from worldclass.core.errors import AppError, ErrorDetail, worded_phrase
from worldclass.core.i18n import in_active_language_worded


def test_error_body_names_line_and_field():
    error = AppError(
        code="invalid_file",
        message="The file has 1 invalid row.",
        details=[ErrorDetail(message="must be 1..5", field="overall_sat", line=3)],
    )
    assert error.as_dict() == {
        "error": {
            "code": "invalid_file",
            "message": "The file has 1 invalid row.",
            "details": [{"message": "must be 1..5", "field": "overall_sat", "line": 3}],
        }
    }


def test_error_text_lists_each_detail_with_its_line():
    error = AppError(code="x", message="Bad.", details=[ErrorDetail(message="empty", field="csr", line=7)])
    assert str(error) == "Bad.\n  line 7, csr: empty"


def test_a_worded_error_keeps_its_english_message_and_its_template_for_the_record():
    detail = ErrorDetail.worded("is longer than {limit} characters", field="csr", line=4, limit=64)
    error = AppError.worded("{count:,} bad line(s).", code="invalid_file", details=[detail], count=1200)
    assert (error.as_dict()["error"]["message"], error.as_stored_dict()) == (
        "1,200 bad line(s).",
        {
            "code": "invalid_file",
            "message": "1,200 bad line(s).",
            "template": "{count:,} bad line(s).",
            "params": {"count": 1200},
            "details": [
                {
                    "message": "is longer than 64 characters",
                    "field": "csr",
                    "line": 4,
                    "template": "is longer than {limit} characters",
                    "params": {"limit": 64},
                }
            ],
        },
    )


def test_a_worded_phrase_is_filled_inside_its_message():
    detail = ErrorDetail.worded(
        "2 errors: {reason}", reason=worded_phrase("is outside the scale {low}..{high}", low=1, high=5)
    )
    assert detail.message == "2 errors: is outside the scale 1..5"


def test_a_stored_message_is_worded_in_the_active_language_with_its_numbers():
    stored = AppError.worded("{bad_lines:,} bad line(s) in the file; nothing was imported.", code="x", bad_lines=1200)
    with translation.override("fr"):
        worded = in_active_language_worded(stored.as_stored_dict())
    assert worded == "1\xa0200 ligne(s) en erreur dans le fichier ; rien n\u2019a été importé."


def test_a_translation_that_does_not_fit_its_values_keeps_the_english_message(monkeypatch):
    monkeypatch.setattr("worldclass.core.i18n.gettext", lambda template: "{missing} ligne(s)")
    stored = {"message": "3 bad line(s).", "template": "{count} bad line(s).", "params": {"count": 3}}
    assert in_active_language_worded(stored) == "3 bad line(s)."


def test_a_message_stored_without_a_template_is_shown_as_stored():
    with translation.override("fr"):
        assert in_active_language_worded({"message": "an old refusal"}) == "an old refusal"
