"""Every malformed file is refused with a clear message naming its line, recorded, and never a traceback."""

import pytest

from worldclass.core.errors import AppError
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
