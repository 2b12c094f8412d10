"""Stored certification runs: evaluate, keep the run and its certifications, audit it; replay a run to verify it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_scopes import scopes_disabled

from worldclass.certification.domain.evaluation import (
    EditionRules,
    Evaluation,
    evaluate_certifications,
    evaluate_rules,
)
from worldclass.certification.models import Certification, CertificationRun, Edition, Level
from worldclass.core.domain import record_audit_event
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.directory.models import Organization

CERTIFICATION_BATCH_SIZE = 5000


def run_certification(
    *,
    edition: Edition,
    through: Month,
    require_confidence: bool = False,
    actor: str,
    user=None,
    organization: Organization | None = None,
) -> CertificationRun:
    """Evaluate an edition through a month, store the run and its certifications, and audit it, all at once."""
    evaluation = evaluate_certifications(
        edition=edition, through=through, require_confidence=require_confidence, organization=organization
    )
    return store_run(evaluation=evaluation, edition=edition, actor=actor, user=user)


def store_run(*, evaluation: Evaluation, edition: Edition, actor: str, user=None) -> CertificationRun:
    """Store an evaluation as a run; certifications already found by an earlier run keep that run as `first_run`."""
    counts = evaluation.counts()
    with transaction.atomic():
        run = CertificationRun.objects.create(
            edition=edition,
            through_month=evaluation.through.first_day(),
            require_confidence=evaluation.require_confidence,
            actor=actor,
            user=user,
            rules_snapshot={**evaluation.rules.snapshot(), "organization": evaluation.organization},
            input_sha256=evaluation.input_sha256,
            result_sha256=evaluation.result_sha256(),
            counts=counts,
        )
        rows = [
            Certification(
                edition=edition,
                organization_id=entity.organization_pk,
                level=entity.level,
                entity_id=entity.entity_pk,
                site_id=entity.entity_pk if entity.level == Level.SITE else None,
                person_id=entity.entity_pk if entity.level in (Level.CSR, Level.SUPERVISOR) else None,
                achieved_month=achievement.month.first_day(),
                valid_through_month=achievement.valid_through.first_day(),
                window_start=achievement.window[0].first_day() if achievement.window else None,
                window_end=achievement.window[1].first_day() if achievement.window else None,
                surveys=achievement.surveys,
                meeting=achievement.meeting,
                first_run=run,
            )
            for entity in evaluation.entities
            for achievement in entity.achievements
        ]
        # Rows already found keep their first run; what is recomputed from the rollups is refreshed.
        Certification.objects.bulk_create(
            rows,
            batch_size=CERTIFICATION_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["edition", "level", "entity_id", "achieved_month"],
            update_fields=["valid_through_month", "window_start", "window_end", "surveys", "meeting"],
        )
        run.counts = {**counts, "achievements": len(rows)}
        run.save(update_fields=["counts"])
        record_audit_event(
            actor=actor,
            user=user,
            action="certification.run",
            object_type="certification_run",
            object_id=run.pk,
            summary=(
                f"Certified edition {edition.year} through {evaluation.through}"
                + (" (Wilson lower bound)" if evaluation.require_confidence else "")
                + (f" for {evaluation.organization}" if evaluation.organization else "")
            ),
            input_sha256=evaluation.input_sha256,
            counts=run.counts,
            details={"result_sha256": run.result_sha256, "rules": run.rules_snapshot},
        )
    # The evaluation travels with the run, so that callers can print it without evaluating twice.
    run.evaluation = evaluation
    return run


@dataclass(frozen=True)
class RunVerification:
    """The outcome of replaying a stored run with its stored rules."""

    run: CertificationRun
    evaluation: Evaluation
    input_matches: bool
    result_matches: bool


def verify_run(*, run_id: int) -> RunVerification:
    """Re-evaluate a stored run with its rules snapshot and compare the checksums of input and result."""
    run = CertificationRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"There is no certification run {run_id}.")
    snapshot = dict(run.rules_snapshot)
    organization_code = snapshot.pop("organization", None)
    organization = None
    if organization_code:
        with scopes_disabled():  # Runs are the certifier's, across organizations.
            organization = Organization.objects.filter(code=organization_code).first()
    evaluation = evaluate_rules(
        rules=EditionRules.from_snapshot(snapshot),
        through=Month.of(run.through_month),
        require_confidence=run.require_confidence,
        organization=organization,
    )
    return RunVerification(
        run=run,
        evaluation=evaluation,
        input_matches=evaluation.input_sha256 == run.input_sha256,
        result_matches=evaluation.result_sha256() == run.result_sha256,
    )
