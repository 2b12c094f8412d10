"""Every malformed file is refused with a clear message naming its line, recorded, and never a traceback."""

import pytest

from worldclass.core.errors import AppError
from worldclass.surveys.domain import importing
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.malformed import CORPUS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]


@pytest.mark.parametrize(("name", "content", "message", "where"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_malformed_file_is_refused_and_recorded(tmp_path, name, content, message, where):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert (caught.value.message, [(d.line, d.field) for d in caught.value.details]) == (message, where)
    assert SurveyResponse.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.source_name, batch.errors[0]["message"]) == ("rejected", name, message)


@pytest.mark.parametrize(("name", "content", "message", "where"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_malformed_file_read_in_small_chunks_is_refused_alike(tmp_path, monkeypatch, name, content, message, where):
    """One row per chunk: the error comes while earlier chunks are being copied into the stage in the background."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AppError) as caught:
        import_surveys(path=path, actor="tests")
    assert (caught.value.message, [(d.line, d.field) for d in caught.value.details]) == (message, where)
    assert (SurveyResponse.objects.count(), ImportBatch.objects.get().status) == (0, "rejected")
