"""The daily integrity checks: the audit chain, and the stored surveys and rollups; each run is kept for staff."""

from __future__ import annotations

from dataclasses import dataclass

from worldclass.certification.models import CertificationRun
from worldclass.core.domain import verify_audit_chain
from worldclass.core.models import IntegrityCheck
from worldclass.surveys.domain.verification import MAX_PROBLEMS_KEPT, verify_surveys


@dataclass(frozen=True)
class IntegrityResult:
    """What one check found: whether all held, how many rows it read, a summary line and the named problems."""

    ok: bool
    checked: int
    summary: str
    problems: list[str]


def _record(*, kind: str, result: IntegrityResult) -> IntegrityResult:
    IntegrityCheck.objects.create(
        kind=kind, ok=result.ok, checked=result.checked, summary=result.summary, problems=result.problems
    )
    return result


def check_audit_chain() -> IntegrityResult:
    """Walk the audit chain (and the chain heads certification runs recorded) and keep the result."""
    anchors = [
        (f"certification run {run_id}", sequence, chain_hash)
        for run_id, sequence, chain_hash in CertificationRun.objects.filter(audit_chain_sequence__gt=0)
        .order_by("id")
        .values_list("id", "audit_chain_sequence", "audit_chain_hash")
    ]
    chain = verify_audit_chain(anchors=anchors)
    if chain.ok:
        summary = f"Audit chain intact: {chain.events:,} events, head #{chain.head.sequence} {chain.head.hash[:12]}."
    else:
        summary = f"Audit chain broken after {chain.events:,} intact events: {chain.problem}"
    return _record(
        kind=IntegrityCheck.Kind.AUDIT,
        result=IntegrityResult(
            ok=chain.ok, checked=chain.events, summary=summary, problems=[] if chain.ok else [chain.problem]
        ),
    )


def check_surveys() -> IntegrityResult:
    """Recompute every survey's checksum and every rollup from the surveys, and keep the result."""
    found = verify_surveys()
    if found.ok:
        summary = f"All {found.surveys:,} surveys match their checksums; all {found.rollups:,} rollups match them."
    else:
        shown = "" if found.problem_count <= MAX_PROBLEMS_KEPT else f" (the first {MAX_PROBLEMS_KEPT} are kept)"
        summary = (
            f"{found.problem_count:,} discrepancies in {found.surveys:,} surveys and {found.rollups:,} rollups{shown}."
        )
    return _record(
        kind=IntegrityCheck.Kind.SURVEYS,
        result=IntegrityResult(
            ok=found.ok, checked=found.surveys + found.rollups, summary=summary, problems=found.problems
        ),
    )
