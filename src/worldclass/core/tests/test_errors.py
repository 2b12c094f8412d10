from worldclass.core.errors import AppError, ErrorDetail


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
