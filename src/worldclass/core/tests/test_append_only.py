import pytest
from django.db import IntegrityError, connection, transaction

from worldclass.core.append_only import AppendOnlyError
from worldclass.core.domain import record_audit_event
from worldclass.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_saving_an_existing_audit_event_is_refused():
    event = record_audit_event(actor="tester", action="import")
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_queryset_update_is_refused():
    record_audit_event(actor="tester", action="import")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(summary="rewritten")


def test_deleting_an_audit_event_is_refused():
    event = record_audit_event(actor="tester", action="import")
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_raw_sql_update_is_refused_by_the_database():
    record_audit_event(actor="tester", action="import")
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET summary = 'rewritten'")
    assert list(AuditEvent.objects.values_list("summary", flat=True)) == [""]
