"""Re-importing a file already loaded: answered from the earlier batch, without reading a row.

Why this is sound. An APPLIED or NO_OP batch records a file that was validated and loaded all-or-nothing: every one
of its rows is in `SurveyResponse` (from that batch or an earlier one), and surveys are append-only (no update, no
delete: `AppendOnlyModel`, and the people, sites and organizations they point at are `PROTECT`ed). Loading the same
bytes (same SHA-256) read through the same mapping (same canonical `mapping.as_dict()`) therefore can only find every
row already present with the same content checksum: the outcome is "No change" whatever the database holds now. The
roster the file names was upserted by the earlier batch; roster updates follow the latest call seen (`as_of`), so the
same sightings again could not move anyone either. A different mapping, a different file, or a batch that was
rejected never matches, and the import then runs in full.

The short-circuit still records what happened as a full import would: a NO_OP batch and its audit event.
"""

from __future__ import annotations

import json

from django.db import transaction
from django_scopes import scopes_disabled

from worldclass.core.models import AuditEvent
from worldclass.surveys.domain.reports import ImportReport, audit_import
from worldclass.surveys.models import ImportBatch


def _canonical(mapping: dict) -> str:
    return json.dumps(mapping, sort_keys=True, separators=(",", ":"))


def find_loaded_batch(*, sha256: str, mapping: dict) -> ImportBatch | None:
    """The latest applied (or no-op) batch of the same file read through the same mapping, if any."""
    if mapping.get("skip"):
        # A [skip] rule's per-value counts belong in the report and are kept nowhere else: such a file is read again.
        return None
    wanted = _canonical(mapping)
    with scopes_disabled():
        candidates = ImportBatch.objects.filter(
            sha256=sha256, status__in=[ImportBatch.Status.APPLIED, ImportBatch.Status.NO_OP]
        ).order_by("-id")
        # The mapping is compared canonically in Python: JSON columns do not compare key order alike on every backend.
        return next((batch for batch in candidates if _canonical(batch.mapping) == wanted), None)


def record_unchanged_import(*, earlier: ImportBatch, actor: str, user, source_name: str, mapping: dict) -> ImportReport:
    """Record a NO_OP batch and its audit event for a re-import of `earlier`'s file; returns the ImportReport."""
    with scopes_disabled(), transaction.atomic():
        organizations = _organizations_of(earlier)
        batch = ImportBatch.objects.create(
            actor=actor,
            user=user,
            source_name=source_name,
            sha256=earlier.sha256,
            mapping=mapping,
            status=ImportBatch.Status.NO_OP,
            rows_total=earlier.rows_total,
            rows_created=0,
            rows_unchanged=earlier.rows_total,
            organization_id=earlier.organization_id,
        )
        report = ImportReport.of_batch(batch, organizations=organizations)
        audit_import(report=report, batch=batch, actor=actor, user=user, mapping=mapping, same_file_as_batch=earlier.id)
    return report


def _organizations_of(batch: ImportBatch) -> list[str]:
    """The organization codes the earlier batch reported (kept in its audit event)."""
    details = (
        AuditEvent.objects.filter(action="surveys.import", object_type="surveys.importbatch", object_id=str(batch.id))
        .values_list("details", flat=True)
        .first()
    )
    return list((details or {}).get("organizations", []))
