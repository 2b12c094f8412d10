import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.core.domain import GENESIS_HASH, audit_event_hash, record_audit_event, verify_audit_chain
from worldclass.core.models import AuditEvent
from worldclass.core.tests.tampering import tamper

pytestmark = pytest.mark.django_db

# Text a database can store: no NUL, no lone surrogate (neither UTF-8 nor PostgreSQL can hold one).
STORABLE = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


def _record(count: int) -> list[AuditEvent]:
    return [record_audit_event(actor="tester", action=f"step{i}", counts={"rows": i}) for i in range(1, count + 1)]


def test_each_event_links_to_the_previous_one():
    first, second, third = _record(3)
    assert [(e.sequence, e.prev_hash) for e in (first, second, third)] == [
        (1, GENESIS_HASH),
        (2, first.hash),
        (3, second.hash),
    ]


def test_the_stored_hash_is_the_hash_of_the_stored_content():
    event = record_audit_event(actor="tester", action="import", counts={"share": 0.5}, details={"b": [1, "x"]})
    assert AuditEvent.objects.get(pk=event.pk).hash == audit_event_hash(AuditEvent.objects.get(pk=event.pk))


@settings(max_examples=25, deadline=None)
@given(
    details=st.dictionaries(
        st.text(STORABLE, max_size=8),
        st.one_of(
            st.integers(-(2**53), 2**53),
            st.text(STORABLE, max_size=20),
            st.booleans(),
            st.none(),
        ),
        max_size=4,
    ),
    summary=st.text(STORABLE, max_size=40),
)
def test_any_recorded_content_verifies(details, summary):
    record_audit_event(actor="tester", action="anything", summary=summary, details=details)
    assert verify_audit_chain().ok is True


def test_an_intact_chain_verifies():
    _record(4)
    result = verify_audit_chain()
    assert (result.ok, result.events, result.head.sequence) == (True, 4, 4)


@pytest.mark.django_db(transaction=True)
def test_a_row_rewritten_around_the_trigger_is_named():
    events = _record(4)
    tamper("core_auditevent", "UPDATE core_auditevent SET summary = 'nothing happened' WHERE id = %s", [events[1].pk])
    result = verify_audit_chain()
    assert (result.ok, result.problem) == (
        False,
        f"audit event #2 (id {events[1].pk}, step2): its content does not match its hash (altered)",
    )


@pytest.mark.django_db(transaction=True)
def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link():
    events = _record(3)
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.summary = "forged"
    forged_hash = audit_event_hash(forged)
    tamper(
        "core_auditevent",
        "UPDATE core_auditevent SET summary = 'forged', hash = %s WHERE id = %s",
        [forged_hash, events[0].pk],
    )
    assert verify_audit_chain().problem == (
        f"audit event #2 (id {events[1].pk}, step2): prev_hash does not match the previous event's hash"
    )


@pytest.mark.django_db(transaction=True)
def test_a_deleted_row_is_named():
    events = _record(4)
    tamper("core_auditevent", "DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    assert verify_audit_chain().problem == (
        f"audit event #3 is missing: the chain jumps to audit event #4 (id {events[3].pk}, step4)"
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_the_newest_events_is_caught_by_a_recorded_head():
    events = _record(3)
    tamper("core_auditevent", "DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    result = verify_audit_chain(anchors=[("certification run 7", 3, events[2].hash)])
    assert result.problem == "certification run 7 recorded audit chain head #3, which is no longer in the chain"


@pytest.mark.django_db(transaction=True)
def test_verify_audit_command_exits_non_zero_naming_the_broken_link():
    events = _record(2)
    tamper("core_auditevent", "UPDATE core_auditevent SET actor = 'someone else' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError) as raised:
        call_command("verify-audit")
    assert str(raised.value) == (
        "Audit chain broken after 0 intact events: "
        f"audit event #1 (id {events[0].pk}, step1): its content does not match its hash (altered)"
    )


def test_verify_audit_command_reports_an_intact_chain(capsys):
    events = _record(2)
    call_command("verify-audit")
    assert capsys.readouterr().out == f"Audit chain intact: 2 events, head #2 {events[1].hash[:12]}.\n"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    writers, events_each = 4, 15
    start = threading.Barrier(writers)
    failures = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(events_each):
                with transaction.atomic():
                    record_audit_event(actor=f"writer{writer}", action=f"step{n}")
        except Exception as error:  # reported below, with the test's own assertion
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify_audit_chain()
    assert (failures, result.ok, result.events) == ([], True, writers * events_each)
