"""The daily integrity checks: the audit chain, and the stored surveys and rollups; each run is kept for staff."""

from __future__ import annotations

from dataclasses import dataclass

from django_scopes import scopes_disabled

from worldclass.certification.domain.rollups import COUNTS, rollup_discrepancies
from worldclass.certification.models import CertificationRun, MonthlyRollup
from worldclass.core.database import reads_in_one_snapshot
from worldclass.core.domain import verify_audit_chain
from worldclass.core.models import IntegrityCheck
from worldclass.surveys.domain.verification import MAX_PROBLEMS_KEPT, Findings, verify_survey_answers


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


def verify_rollups(*, findings: Findings) -> int:
    """Compare every stored monthly rollup with the rollups recomputed from the surveys, adding each mismatch to
    `findings`; returns the number of stored rollups checked."""
    # Counted and compared in one snapshot, so that an import committing meanwhile cannot make the two disagree.
    with reads_in_one_snapshot(), scopes_disabled():  # every organization's rollups: certifier back-office work
        checked = MonthlyRollup.objects.count()
        for rollup in rollup_discrepancies():
            label = f"rollup {rollup.level} {rollup.entity_id} {rollup.month:%Y-%m} (window {rollup.window_id})"
            stored, recomputed = rollup.stored, rollup.recomputed
            if recomputed is None:
                findings.add(f"{label}: stored, but no survey counts towards it")
            elif stored is None:
                counts = ", ".join(f"{c} {n}" for c, n in recomputed.items())
                findings.add(f"{label}: missing; the surveys give {counts}")
            else:
                differences = ", ".join(
                    f"{c} {stored[c]} (surveys give {recomputed[c]})" for c in COUNTS if stored[c] != recomputed[c]
                )
                findings.add(f"{label}: {differences}")
    return checked


def check_surveys() -> IntegrityResult:
    """Recompute every survey's checksum and every rollup from the surveys, and keep the result."""
    findings = Findings()
    surveys = verify_survey_answers(findings=findings)
    rollups = verify_rollups(findings=findings)
    if findings.ok:
        summary = f"All {surveys:,} surveys match their checksums; all {rollups:,} rollups match them."
    else:
        shown = "" if findings.problem_count <= MAX_PROBLEMS_KEPT else f" (the first {MAX_PROBLEMS_KEPT} are kept)"
        summary = f"{findings.problem_count:,} discrepancies in {surveys:,} surveys and {rollups:,} rollups{shown}."
    return _record(
        kind=IntegrityCheck.Kind.SURVEYS,
        result=IntegrityResult(ok=findings.ok, checked=surveys + rollups, summary=summary, problems=findings.problems),
    )
