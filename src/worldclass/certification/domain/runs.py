"""Stored certification runs: evaluate, keep the run and its certifications, audit it; replay a run to verify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from worldclass.certification.domain.evaluation import (
    EditionRules,
    Evaluation,
    evaluate_certifications,
    evaluate_rules,
    without_cyclic_gc,
)
from worldclass.certification.domain.program import edition_in_force, set_program_year_edition, validate_program_year
from worldclass.certification.domain.rollups import last_rollup_id, rollup_survey_total
from worldclass.certification.models import Certification, CertificationRun, Edition, Level, ProgramYear, SurveyWindow
from worldclass.core.domain import audit_chain_head, lock_audit_chain, record_audit_event
from worldclass.core.errors import AppError, ErrorDetail, NotFound
from worldclass.core.months import Month
from worldclass.directory.models import Organization
from worldclass.directory.queries import get_organization_by_code
from worldclass.surveys.queries import last_survey_id

CERTIFICATION_BATCH_SIZE = 5000


def run_certification(
    *,
    edition: Edition,
    through: Month,
    require_confidence: bool = False,
    actor: str,
    user=None,
    organization: Organization | None = None,
    reuse_unchanged: bool = False,
) -> CertificationRun:
    """Evaluate an edition through a month that has ended, store the run and its certifications, and audit it, all
    at once.

    With `reuse_unchanged`, a stored run of the same question over the same input (`input_fingerprint`) is returned
    instead, with `reused=True` and no `evaluation`.
    """
    ensure_month_ended(through=through)
    fingerprint = input_fingerprint(
        edition=edition, through=through, require_confidence=require_confidence, organization=organization
    )
    if reuse_unchanged:
        earlier = (
            CertificationRun.objects.filter(edition=edition, program_year=None, input_fingerprint=fingerprint)
            .order_by("-id")
            .first()
        )
        if earlier is not None:
            earlier.reused, earlier.evaluation = True, None
            return earlier
    evaluation = evaluate_certifications(
        edition=edition, through=through, require_confidence=require_confidence, organization=organization
    )
    run = store_run(evaluation=evaluation, edition=edition, actor=actor, user=user, fingerprint=fingerprint)
    run.reused = False
    return run


def input_fingerprint(*, edition: Edition, through: Month, require_confidence: bool, organization=None) -> str:
    """A checksum of everything a run reads, computed from a few index entries, not from the rollups' rows.

    The rollups are a function of the surveys and the survey windows (they always equal a recomputation: the
    `verify-surveys` check). Surveys are append-only, so every write that changes a rollup (an import batch, a web
    answer, a rebuild after a window or data migration) also changes one of: the number of surveys counted in the
    rollups, the largest survey or rollup id, the windows' definitions, or the latest applied migration. With the
    edition's rules, the month, the option and the organization, that is the whole input.
    """
    windows = list(
        SurveyWindow.objects.order_by("id").values_list(
            "id", "code", "kind", "min_minutes", "max_minutes", "business_days"
        )
    )
    last_migration = MigrationRecorder.Migration.objects.aggregate(last=Max("id"))["last"]
    payload = {
        # The number of surveys as the rollups count them: COUNT(*) over the surveys took 60-90 ms a million rows,
        # most of a warm `certify`. It is needed beside the largest id: a survey can commit after one with a
        # larger id. A rebuild gives the rollups new ids.
        "surveys": [rollup_survey_total(window_id=windows[0][0]) if windows else 0, last_survey_id()],
        "rollups": last_rollup_id(),
        "windows": windows,
        "migration": last_migration,
        "rules": EditionRules.from_edition(edition).snapshot(),
        "through": str(through),
        "require_confidence": require_confidence,
        "organization": organization.code if organization is not None else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def run_program_year(
    *, year: int, through: Month, actor: str, user=None, require_confidence: bool = False
) -> CertificationRun:
    """Certify a program year through one of its months under the edition in force for the year; store and audit
    the run, recorded as the year's."""
    year, edition = check_program_year_run(year=year, through=through)
    evaluation = evaluate_certifications(edition=edition, through=through, require_confidence=require_confidence)
    with transaction.atomic():
        if not ProgramYear.objects.filter(year=year).exists():
            # The year's first run fixes its edition: an edition added later does not change a year under way.
            set_program_year_edition(year=year, edition=edition, actor=actor, user=user)
        return store_run(evaluation=evaluation, edition=edition, actor=actor, user=user, program_year=year)


def check_program_year_run(*, year, through: Month) -> tuple[int, Edition]:
    """What a program year's run through `through` would be, before it is made: the year and its edition in force.
    Refuses a year out of range, a month outside the year, and a month that has not ended."""
    year = validate_program_year(year)
    if through.year != year:
        raise AppError(
            code="through_outside_program_year",
            message=gettext("A run for program year %(year)s is made through one of its months, not %(through)s.")
            % {"year": year, "through": through},
            details=[
                ErrorDetail(
                    message=gettext("expected %(first)s to %(last)s") % {"first": f"{year}-01", "last": f"{year}-12"},
                    field="through",
                )
            ],
        )
    ensure_month_ended(through=through)
    return year, edition_in_force(year=year)


def ensure_month_ended(*, through: Month) -> None:
    """Refuse a run through a month that has not ended: its surveys are not all in, and its certificates would state
    a month that has not happened."""
    latest = Month.of(timezone.localdate()) - 1
    if through > latest:
        raise AppError(
            code="month_not_ended",
            message=gettext(
                "%(month)s has not ended: a run is made through a month that is over, %(latest)s at the latest."
            )
            % {"month": through, "latest": latest},
            details=[ErrorDetail(message=gettext("after %(latest)s") % {"latest": latest}, field="through")],
        )


def store_run(
    *,
    evaluation: Evaluation,
    edition: Edition,
    actor: str,
    user=None,
    program_year: int | None = None,
    fingerprint: str = "",
) -> CertificationRun:
    """Store an evaluation as a run; certifications already found by an earlier run keep that run as `first_run`."""
    counts = evaluation.counts()
    with transaction.atomic(), without_cyclic_gc():
        # The chain lock keeps the head read here the one this run's own audit event links to.
        lock_audit_chain()
        head = audit_chain_head()
        run = CertificationRun.objects.create(
            audit_chain_sequence=head.sequence,
            audit_chain_hash=head.hash,
            edition=edition,
            program_year=program_year,
            through_month=evaluation.through.first_day(),
            require_confidence=evaluation.require_confidence,
            actor=actor,
            user=user,
            rules_snapshot={**evaluation.rules.snapshot(), "organization": evaluation.organization},
            input_sha256=evaluation.input_sha256,
            result_sha256=evaluation.result_sha256(),
            counts=counts,
            input_fingerprint=fingerprint,
        )
        stored = _store_certifications(evaluation=evaluation, edition=edition, run=run)
        run.counts = {**counts, "achievements": stored}
        run.save(update_fields=["counts"])
        record_audit_event(
            actor=actor,
            user=user,
            action="certification.run",
            object_type="certification_run",
            object_id=run.pk,
            summary=(
                (f"Program year {program_year}: " if program_year else "Exploratory run: ")
                + f"certified edition {edition.year} through {evaluation.through}"
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


_CERTIFICATION_COLUMNS = [
    "edition_id",
    "organization_id",
    "level",
    "entity_id",
    "site_id",
    "person_id",
    "achieved_month",
    "valid_through_month",
    "window_start",
    "window_end",
    "surveys",
    "meeting",
    "first_run_id",
]
# What a later run refreshes on a known certification; `first_run` stays the run that first found it.
_REFRESHED_COLUMNS = ["valid_through_month", "window_start", "window_end", "surveys", "meeting"]
_UNIQUE_COLUMNS = ["edition_id", "level", "entity_id", "achieved_month"]


def _certification_values(*, evaluation: Evaluation, edition: Edition, run: CertificationRun):
    for entity in evaluation.entities:
        person = entity.level in (Level.CSR, Level.SUPERVISOR)
        for achievement in entity.achievements:
            yield (
                edition.pk,
                entity.organization_pk,
                entity.level,
                entity.entity_pk,
                entity.entity_pk if entity.level == Level.SITE else None,
                entity.entity_pk if person else None,
                achievement.month.first_day(),
                achievement.valid_through.first_day(),
                achievement.window[0].first_day() if achievement.window else None,
                achievement.window[1].first_day() if achievement.window else None,
                achievement.surveys,
                achievement.meeting,
                run.pk,
            )


def _store_certifications(*, evaluation: Evaluation, edition: Edition, run: CertificationRun) -> int:
    """Upsert one row per entity and achievement month: COPY into a temporary table and one INSERT .. ON CONFLICT
    on PostgreSQL (hundreds of thousands of rows in about a second), the ORM's bulk upsert elsewhere."""
    values = list(_certification_values(evaluation=evaluation, edition=edition, run=run))
    if connection.vendor != "postgresql":
        Certification.objects.bulk_create(
            [Certification(**dict(zip(_CERTIFICATION_COLUMNS, row, strict=True))) for row in values],
            batch_size=CERTIFICATION_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=[name.removesuffix("_id") if name == "edition_id" else name for name in _UNIQUE_COLUMNS],
            update_fields=_REFRESHED_COLUMNS,
        )
        return len(values)
    # The PostgreSQL-only path: SQLite deployments never load the driver.
    from psycopg import sql

    table = sql.Identifier(Certification._meta.db_table)
    columns = sql.SQL(", ").join(map(sql.Identifier, _CERTIFICATION_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE certification_incoming (edition_id bigint, organization_id bigint, level text,"
            " entity_id bigint, site_id bigint, person_id bigint, achieved_month date, valid_through_month date,"
            " window_start date, window_end date, surveys integer, meeting integer, first_run_id bigint)"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy(sql.SQL("COPY certification_incoming ({}) FROM STDIN").format(columns)) as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(
            sql.SQL(
                "INSERT INTO {table} AS existing ({columns}) SELECT {columns} FROM certification_incoming"
                " ON CONFLICT ({unique}) DO UPDATE SET {refresh}"
                # Unchanged rows are left alone: a rerun over the same rollups writes nothing.
                " WHERE ({current}) IS DISTINCT FROM ({incoming})"
            ).format(
                table=table,
                columns=columns,
                unique=sql.SQL(", ").join(map(sql.Identifier, _UNIQUE_COLUMNS)),
                refresh=sql.SQL(", ").join(
                    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name)) for name in _REFRESHED_COLUMNS
                ),
                current=sql.SQL(", ").join(
                    sql.SQL("existing.{}").format(sql.Identifier(name)) for name in _REFRESHED_COLUMNS
                ),
                incoming=sql.SQL(", ").join(
                    sql.SQL("EXCLUDED.{}").format(sql.Identifier(name)) for name in _REFRESHED_COLUMNS
                ),
            )
        )
        cursor.execute("DROP TABLE certification_incoming")
    return len(values)


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
        organization = get_organization_by_code(code=organization_code)
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
