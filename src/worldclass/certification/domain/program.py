"""Program years: which edition is in force for a calendar year, edits of editions, and publishing a registry year.

An edition is a rule set; a program year (a calendar year) names the edition in force for it. A year without a
`ProgramYear` row uses the latest edition. Once a stored run used an edition, its rules are frozen: the run's
certifications, its rules snapshot and its replay all depend on them, so staff add a new edition instead.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from worldclass.certification.domain.evaluation import EditionRules
from worldclass.certification.models import CertificationRun, Edition, Level, LevelRule, ProgramYear
from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound

FIRST_PROGRAM_YEAR = 2000
LAST_PROGRAM_YEAR = 2999
# What `update_edition` may change: the rules and their description (the year names the edition, it stays).
EDITABLE_EDITION_FIELDS = (
    "name",
    "metric",
    "comparison",
    "min_consecutive_months",
    "max_window_months",
    "validity_months",
    "survey_window",
    "organization_rule",
    "notes",
)


def edition_in_force(*, year: int) -> Edition:
    """The edition in force for a program year: the one staff set for it, else the latest edition."""
    editions = Edition.objects.select_related("survey_window").prefetch_related("level_rules")
    program_year = ProgramYear.objects.filter(year=year).values_list("edition_id", flat=True).first()
    edition = editions.filter(pk=program_year).first() if program_year else editions.order_by("-year").first()
    if edition is None:
        raise NotFound("There is no edition yet: add one before running a program year.", code="no_edition")
    return edition


def program_year_runs(*, year: int) -> QuerySet[CertificationRun]:
    """The stored runs made for a program year, newest first."""
    return (
        CertificationRun.objects.filter(program_year=year)
        .select_related("edition", "user")
        .order_by("-through_month", "-started_at", "-id")
    )


def latest_program_run(*, year: int) -> CertificationRun | None:
    """The program year's run through its latest month (the most recent of those): what publishing shows by default."""
    return program_year_runs(year=year).first()


def validate_program_year(year: Any, *, field_name: str = "year") -> int:
    """A program year as an int, or a clear error naming the field."""
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = None
    if number is None or not FIRST_PROGRAM_YEAR <= number <= LAST_PROGRAM_YEAR:
        raise AppError(
            code="invalid_year",
            message=f"Invalid program year {year!r}: expected a year from {FIRST_PROGRAM_YEAR} to {LAST_PROGRAM_YEAR}.",
            details=[ErrorDetail(message="not a program year", field=field_name)],
        )
    return number


def ensure_edition_rules_editable(*, edition: Edition) -> None:
    """Refuse to change an edition that a stored run used: add a new edition instead."""
    if edition.pk is None:
        return
    used_by = CertificationRun.objects.filter(edition_id=edition.pk).count()
    if used_by:
        raise Conflict(
            f"The rules of {edition.name} cannot change: {used_by} stored certification run(s) used them. "
            "Add a new edition and set it in force for the program year instead.",
            code="edition_in_use",
        )


def _edition_snapshot(edition: Edition) -> dict:
    return EditionRules.from_edition(
        Edition.objects.select_related("survey_window").prefetch_related("level_rules").get(pk=edition.pk)
    ).snapshot()


def record_edition_change(*, edition: Edition, created: bool, actor: str, user=None) -> None:
    """Audit an edition just created or changed (with its level rules), with the rules as they now stand."""
    record_audit_event(
        actor=actor,
        user=user,
        action="certification.edition_created" if created else "certification.edition_changed",
        object_type="edition",
        object_id=edition.pk,
        summary=f"{'Created' if created else 'Changed'} edition {edition.year} ({edition.name})",
        details={"rules": _edition_snapshot(edition)},
    )


def update_edition(
    *,
    edition: Edition,
    changes: dict[str, Any] | None = None,
    level_rules: dict[str, tuple[Any, int]] | None = None,
    actor: str,
    user=None,
) -> Edition:
    """Change an edition's rules (fields, and level -> (threshold percent, minimum surveys)), audited; refused once
    a stored run used the edition."""
    changes = changes or {}
    level_rules = level_rules or {}
    unknown = sorted(set(changes) - set(EDITABLE_EDITION_FIELDS))
    bad_levels = sorted(set(level_rules) - {Level.CSR, Level.SUPERVISOR, Level.SITE})
    if unknown or bad_levels:
        raise AppError(
            code="invalid_edition_change",
            message="Only an edition's rules can change, and level rules exist for csr, supervisor and site.",
            details=[ErrorDetail(message="cannot be changed", field=name) for name in unknown]
            + [ErrorDetail(message="no rule of its own", field=f"level_rules.{level}") for level in bad_levels],
        )
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        ensure_edition_rules_editable(edition=edition)
        for name, value in changes.items():
            setattr(edition, name, value)
        edition.full_clean()
        edition.save()
        for level, (threshold_percent, min_surveys) in level_rules.items():
            rule = LevelRule(edition=edition, level=level, threshold_percent=threshold_percent, min_surveys=min_surveys)
            existing = LevelRule.objects.filter(edition=edition, level=level).first()
            if existing is not None:
                rule.pk = existing.pk
            rule.full_clean(validate_unique=False)
            rule.save()
        record_edition_change(edition=edition, created=False, actor=actor, user=user)
    return edition


def set_program_year_edition(*, year: int, edition: Edition, actor: str, user=None) -> ProgramYear:
    """Set the edition in force for a program year (runs already made keep the edition they used), audited."""
    year = validate_program_year(year)
    with transaction.atomic():
        program_year = ProgramYear.objects.select_for_update().filter(year=year).first()
        previous = program_year.edition if program_year else None
        if program_year is None:
            program_year = ProgramYear.objects.create(year=year, edition=edition)
        else:
            program_year.edition = edition
            program_year.save(update_fields=["edition"])
        record_audit_event(
            actor=actor,
            user=user,
            action="certification.program_year_edition",
            object_type="program_year",
            object_id=year,
            summary=f"Program year {year}: edition {edition.year} in force"
            + (f" (was {previous.year})" if previous and previous.pk != edition.pk else ""),
            details={"edition": edition.year, "previous_edition": previous.year if previous else None},
        )
    return program_year


def publish_registry_year(*, year: int, actor: str, user=None, run: CertificationRun | None = None) -> ProgramYear:
    """Publish a program year's registry: the public registry lists the certifications of `run` (by default the
    year's latest run, see `latest_program_run`). Publishing again with a newer run replaces what is shown. Audited."""
    year = validate_program_year(year)
    with transaction.atomic():
        if run is None:
            run = latest_program_run(year=year)
            if run is None:
                raise NotFound(
                    f"There is no certification run for program year {year} to publish: run the year first.",
                    code="no_program_run",
                )
        elif run.program_year != year:
            raise Conflict(
                f"Run {run.pk} was not made for program year {year}, so it cannot be its registry.",
                code="run_not_of_program_year",
            )
        program_year = ProgramYear.objects.select_for_update().filter(year=year).first()
        if program_year is None:
            program_year = ProgramYear(year=year, edition=run.edition)
        program_year.published_run = run
        program_year.published_at = timezone.now()
        program_year.published_by = user
        program_year.save()
        record_audit_event(
            actor=actor,
            user=user,
            action="certification.registry_published",
            object_type="program_year",
            object_id=year,
            summary=f"Published the registry of {year}: run {run.pk}, edition {run.edition.year}, "
            f"through {run.through_month:%Y-%m}",
            details={"run": run.pk, "edition": run.edition.year, "through": f"{run.through_month:%Y-%m}"},
        )
    return program_year


def unpublish_registry_year(*, year: int, actor: str, user=None) -> ProgramYear:
    """Take a program year's platform certifications off the public registry (history stays), audited."""
    year = validate_program_year(year)
    with transaction.atomic():
        program_year = ProgramYear.objects.select_for_update().filter(year=year, published_run__isnull=False).first()
        if program_year is None:
            raise NotFound(f"The registry of {year} is not published.", code="registry_not_published")
        run_id = program_year.published_run_id
        program_year.published_run = None
        program_year.published_at = None
        program_year.published_by = None
        program_year.save()
        record_audit_event(
            actor=actor,
            user=user,
            action="certification.registry_unpublished",
            object_type="program_year",
            object_id=year,
            summary=f"Unpublished the registry of {year} (was run {run_id})",
            details={"run": run_id},
        )
    return program_year
