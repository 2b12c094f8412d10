"""Recording the audit trail as a hash chain, and verifying it; absolute URLs for links that leave the site
(certificates, QR codes, e-mails).

Each event carries a sequence number, the SHA-256 of the previous event (`prev_hash`) and the SHA-256 of its own
canonical content including `prev_hash` (`hash`). Changing, inserting or deleting any event breaks every later link,
so a rewrite by someone who bypassed the append-only triggers is found by walking the chain. Deleting only the newest
events leaves a shorter valid chain; certification runs record the head they were computed after, and the walk
checks those heads are still in the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from worldclass.core.models import AuditEvent

# Where `runserver` listens by default: the base URL when WORLDCLASS_PUBLIC_URL is not set (development only;
# `worldclass check --deploy` warns about it).
LOCAL_PUBLIC_URL = "http://127.0.0.1:8000"

GENESIS_HASH = "0" * 64
# The PostgreSQL advisory lock key that serializes appends to the chain (any constant unique in this database).
CHAIN_LOCK_KEY = 0x776F726C64636C  # "worldcl"


@dataclass(frozen=True)
class ChainHead:
    """The newest event of the chain: its sequence number and hash (0 and the genesis hash when empty)."""

    sequence: int
    hash: str


def _plain_json(value: dict[str, Any] | None) -> dict[str, Any]:
    """The value as the JSON column will give it back, so the hash computed now matches the one recomputed later."""
    return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder))


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_event_hash(event: AuditEvent) -> str:
    """The SHA-256 of an event's canonical content (every recorded field, its sequence and `prev_hash`)."""
    content = {
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
        "at": _instant(event.at),
        "actor": event.actor,
        "user_id": event.user_id,
        "action": event.action,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "input_sha256": event.input_sha256,
        "counts": event.counts,
        "details": event.details,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lock_audit_chain() -> None:
    """Hold the chain's lock until the current transaction ends, so that two writers cannot fork the chain.

    PostgreSQL: a transaction-level advisory lock. SQLite: transactions begin IMMEDIATE (settings), which already
    serializes writers. Call inside `transaction.atomic()`.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def audit_chain_head() -> ChainHead:
    """The newest event's sequence and hash."""
    # A constant statement: every audited write reads the head, and Django would compile the same query each time.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('sequence')}, {quote('hash')} FROM {quote(AuditEvent._meta.db_table)} "
            f"ORDER BY {quote('sequence')} DESC LIMIT 1"
        )
        newest = cursor.fetchone()
    return ChainHead(*newest) if newest else ChainHead(sequence=0, hash=GENESIS_HASH)


def record_audit_event(
    *,
    actor: str,
    action: str,
    user=None,
    organization=None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    input_sha256: str = "",
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event to the chain. Call inside the transaction of the action it records."""
    # No savepoint: an event that cannot be written must undo the action it records, not be skipped (and a live
    # survey answer saves two round trips).
    with transaction.atomic(savepoint=False):
        lock_audit_chain()
        head = audit_chain_head()
        event = AuditEvent(
            sequence=head.sequence + 1,
            prev_hash=head.hash,
            at=timezone.now(),
            actor=actor or "system",
            user=user,
            action=action,
            organization=organization,
            object_type=object_type,
            object_id=str(object_id),
            summary=summary,
            input_sha256=input_sha256,
            counts=_plain_json(counts),
            details=_plain_json(details),
        )
        event.hash = audit_event_hash(event)
        event.save()
        return event


def public_base_url() -> str:
    """The site's public base URL, without a trailing slash: the one setting every absolute link is built from."""
    return (settings.WORLDCLASS_PUBLIC_URL or LOCAL_PUBLIC_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """An absolute URL for a site path (as `reverse` returns it)."""
    return public_base_url() + path


def actor_label(user=None, fallback: str = "system") -> str:
    """The name recorded for an actor: the user's username, or the process name."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return fallback


@dataclass(frozen=True)
class ChainVerification:
    """The result of walking the chain: how many events were checked and the first broken link, if any."""

    events: int
    head: ChainHead
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_audit_chain(*, anchors: list[tuple[str, int, str]] | None = None) -> ChainVerification:
    """Walk the chain in sequence order and name the first broken link.

    `anchors` are (label, sequence, hash) heads recorded elsewhere (certification runs); each must still be in the
    chain with that hash, which catches a deletion of the newest events.
    """
    expected_prev, expected_sequence, count = GENESIS_HASH, 1, 0
    hashes_at_anchors = {sequence: None for _label, sequence, _hash in anchors or []}
    head = ChainHead(sequence=0, hash=GENESIS_HASH)
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        label = f"audit event #{event.sequence} (id {event.pk}, {event.action})"
        if event.sequence != expected_sequence:
            missing = f"#{expected_sequence}" + (
                f" to #{event.sequence - 1}" if event.sequence - 1 > expected_sequence else ""
            )
            return ChainVerification(count, head, f"audit event {missing} is missing: the chain jumps to {label}")
        if event.prev_hash != expected_prev:
            return ChainVerification(count, head, f"{label}: prev_hash does not match the previous event's hash")
        if audit_event_hash(event) != event.hash:
            return ChainVerification(count, head, f"{label}: its content does not match its hash (altered)")
        if event.sequence in hashes_at_anchors:
            hashes_at_anchors[event.sequence] = event.hash
        expected_prev, expected_sequence, count = event.hash, event.sequence + 1, count + 1
        head = ChainHead(sequence=event.sequence, hash=event.hash)
    for label, sequence, anchor_hash in anchors or []:
        if sequence and hashes_at_anchors.get(sequence) != anchor_hash:
            return ChainVerification(
                count, head, f"{label} recorded audit chain head #{sequence}, which is no longer in the chain"
            )
    return ChainVerification(count, head)
