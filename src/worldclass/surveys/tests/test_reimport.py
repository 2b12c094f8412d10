import pytest

from worldclass.core.models import AuditEvent
from worldclass.surveys.domain import importing
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import SurveyMapping
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.csvfiles import row, rows, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]


@pytest.fixture
def files_read(monkeypatch) -> list[str]:
    """The source names of the imports that read the file's rows, in order."""
    reads: list[str] = []
    real = importing._import_source

    def recording(**kwargs):
        reads.append(kwargs["source_name"])
        return real(**kwargs)

    monkeypatch.setattr(importing, "_import_source", recording)
    return reads


def test_the_same_file_and_mapping_again_is_no_change_without_reading_rows(tmp_path, files_read):
    path = write_csv(tmp_path / "surveys.csv", rows(3))
    first = import_surveys(path=path, actor="tests")
    again = import_surveys(path=path, actor="tests", source_name="again.csv")
    assert files_read == ["surveys.csv"]
    assert (again.status, again.rows_total, again.rows_created, again.rows_unchanged, again.organizations) == (
        "no_op",
        3,
        0,
        3,
        first.organizations,
    )
    assert again.summary() == "No change: all 3 rows were already loaded."
    assert SurveyResponse.objects.count() == 3


def test_a_short_circuited_re_import_is_recorded_and_audited(tmp_path, files_read):
    path = write_csv(tmp_path / "surveys.csv", rows(2))
    first = import_surveys(path=path, actor="tests")
    again = import_surveys(path=path, actor="tests", source_name="again.csv")
    batch = ImportBatch.objects.get(id=again.batch_id)
    event = AuditEvent.objects.get(object_type="surveys.importbatch", object_id=str(again.batch_id))
    assert (batch.status, batch.sha256, batch.source_name, batch.rows_unchanged) == (
        "no_op",
        first.sha256,
        "again.csv",
        2,
    )
    assert (event.action, event.summary, event.details["same_file_as_batch"]) == (
        "surveys.import",
        "again.csv: No change: all 2 rows were already loaded.",
        first.batch_id,
    )


def test_a_no_op_batch_short_circuits_the_next_re_import_too(tmp_path, files_read):
    path = write_csv(tmp_path / "surveys.csv", rows(2))
    import_surveys(path=path, actor="tests")
    import_surveys(path=path, actor="tests")
    third = import_surveys(path=path, actor="tests")
    assert (files_read, third.status) == (["surveys.csv"], "no_op")


def test_a_changed_mapping_is_not_short_circuited(tmp_path, files_read):
    path = write_csv(tmp_path / "surveys.csv", rows(2))
    import_surveys(path=path, actor="tests")
    report = import_surveys(path=path, actor="tests", mapping=SurveyMapping(values={"channel": {"Telephone": "phone"}}))
    assert (files_read, report.status, report.rows_unchanged) == (["surveys.csv", "surveys.csv"], "no_op", 2)


def test_a_rejected_file_is_read_again_when_re_imported(tmp_path, files_read):
    path = write_csv(tmp_path / "bad.csv", [row(overall_sat="eleven")])
    for _ in range(2):
        with pytest.raises(importing.AppError):
            import_surveys(path=path, actor="tests")
    assert files_read == ["bad.csv", "bad.csv"]


def test_a_different_file_is_read_in_full(tmp_path, files_read):
    import_surveys(path=write_csv(tmp_path / "a.csv", rows(2)), actor="tests")
    report = import_surveys(path=write_csv(tmp_path / "b.csv", rows(3)), actor="tests")
    assert (files_read, report.rows_created) == (["a.csv", "b.csv"], 1)


def test_a_file_read_with_skip_rules_is_read_again_so_its_report_counts_the_skipped_rows(tmp_path, files_read):
    records = [*rows(2), *rows(1, channel="email")]
    records[2]["survey_id"] = "s3"
    path = write_csv(tmp_path / "surveys.csv", records)
    mapping = SurveyMapping(skip={"channel": ("email",)})
    import_surveys(path=path, actor="tests", mapping=mapping)
    again = import_surveys(path=path, actor="tests", mapping=mapping)
    assert (files_read, again.rows_skipped) == (["surveys.csv", "surveys.csv"], 1)
