"""Cycles, categories, checklists and phases: set up and run by staff."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone

from worldclass.awards.domain.common import audit, require_staff
from worldclass.awards.french import CATEGORY_NAMES_FR, CHECKLIST_TEXTS_FR, cycle_name_fr
from worldclass.awards.models import DEFAULT_CRITERIA, Category, ChecklistItem, Criterion, Cycle, Phase
from worldclass.core.errors import AppError, Conflict, ErrorDetail

# The 17 published categories, in their published order.
DEFAULT_CATEGORIES = [
    "Omni-Channel",
    "Website (Self-Service)",
    "IVR (Self-Service)",
    "Email Channel",
    "Emerging Channels",
    "Quality Assurance Program",
    "Desktop Application(s)",
    "Recognition Program",
    "Career Development",
    "Call Handling Practice",
    "Escalation CSR Support",
    "Performance Management System",
    "CSR Coaching",
    "CSR Training Program",
    "CSR Selection Process",
    "Standard Operating Procedures",
    "Continuous Improvement Process",
]

# Checklist items every category starts with; staff add category-specific ones.
DEFAULT_CHECKLIST = [
    "The practice is in place in our contact center today (a pilot with pre- and post-pilot data counts).",
    "We have data showing that the practice improved or sustained FCR, contact resolution, Csat or Esat.",
    "We will continue to use the practice.",
    "The practice could be adopted by other contact centers.",
]


def example_deadlines(*, year: int) -> dict[str, dt.date]:
    """The published schedule shifted to another award year."""
    return {
        "application_deadline": dt.date(year, 9, 30),
        "checklist_deadline": dt.date(year, 10, 18),
        "interviews_start": dt.date(year, 10, 18),
        "interviews_end": dt.date(year, 11, 29),
        "finalists_deadline": dt.date(year, 12, 6),
        "story_deadline": dt.date(year, 12, 20),
        "winners_deadline": dt.date(year + 1, 2, 15),
    }


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise AppError(
            code="invalid",
            message=f"Unknown time zone {name!r}.",
            details=[ErrorDetail(message="Use an IANA time zone name such as America/Toronto.", field="time_zone")],
        ) from error


def create_cycle(
    *,
    user,
    year: int,
    time_zone: str = "America/Toronto",
    name: str = "",
    deadlines: dict[str, dt.date] | None = None,
    default_categories: bool = True,
    panel_size: int = 6,
) -> Cycle:
    """A new cycle with the published deadlines (or those given), the rubric and the 17 default categories."""
    require_staff(user)
    _check_time_zone(time_zone)
    dates = deadlines or example_deadlines(year=year)
    order = list(example_deadlines(year=year))
    for earlier, later in itertools.pairwise(order):
        if dates[earlier] > dates[later]:
            raise AppError(
                code="invalid",
                message="The deadlines must follow the five steps in order.",
                details=[ErrorDetail(message=f"{later} is before {earlier}.", field=later)],
            )
    with transaction.atomic():
        if Cycle.objects.filter(year=year).exists():
            raise Conflict(f"A cycle for {year} already exists.", code="duplicate_cycle")
        cycle = Cycle.objects.create(
            year=year,
            name=name or f"CX Best Practice Awards {year}-{year + 1}",
            name_fr="" if name else cycle_name_fr(year),
            time_zone=time_zone,
            panel_size=panel_size,
            **dates,
        )
        for position, (criterion, weight) in enumerate(DEFAULT_CRITERIA):
            Criterion.objects.create(cycle=cycle, name=criterion, weight=weight, position=position)
        if default_categories:
            for position, category_name in enumerate(DEFAULT_CATEGORIES, start=1):
                category = Category.objects.create(
                    cycle=cycle, name=category_name, name_fr=CATEGORY_NAMES_FR[category_name], position=position
                )
                _add_default_checklist(category)
        audit(user=user, action="create_cycle", obj=cycle, summary=f"Created {cycle.name}")
    return cycle


def _add_default_checklist(category: Category) -> None:
    ChecklistItem.objects.bulk_create(
        ChecklistItem(category=category, text=text, text_fr=CHECKLIST_TEXTS_FR[text], position=i)
        for i, text in enumerate(DEFAULT_CHECKLIST)
    )


def add_category(*, user, cycle: Cycle, name: str, name_fr: str = "") -> Category:
    """A new category with the default checklist; a default category's name brings its French name."""
    require_staff(user)
    name = name.strip()
    name_fr = name_fr.strip() or CATEGORY_NAMES_FR.get(name, "")
    if not name:
        raise AppError(code="invalid", message="A category needs a name.", details=[ErrorDetail("Required.", "name")])
    try:
        with transaction.atomic():
            position = (cycle.categories.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            category = Category.objects.create(cycle=cycle, name=name, name_fr=name_fr, position=position)
            _add_default_checklist(category)
            audit(user=user, action="add_category", obj=category, summary=f"Added category {name}")
    except IntegrityError as error:
        raise Conflict(f"The cycle already has a category named {name!r}.", code="duplicate_category") from error
    return category


def rename_category(*, user, category: Category, name: str, name_fr: str | None = None) -> Category:
    """A new name (and, when given, a new French name; None keeps the French name)."""
    require_staff(user)
    name = name.strip()
    if not name:
        raise AppError(code="invalid", message="A category needs a name.", details=[ErrorDetail("Required.", "name")])
    old = category.name
    try:
        with transaction.atomic():
            category.name = name
            if name_fr is not None:
                category.name_fr = name_fr.strip()
            category.save(update_fields=["name", "name_fr"])
            audit(user=user, action="rename_category", obj=category, summary=f"Renamed {old} to {name}")
    except IntegrityError as error:
        raise Conflict(f"The cycle already has a category named {name!r}.", code="duplicate_category") from error
    return category


def retire_category(*, user, category: Category) -> Category:
    """A retired category takes no new applications; its existing applications stay."""
    require_staff(user)
    with transaction.atomic():
        if category.retired_at is None:
            category.retired_at = timezone.now()
            category.save(update_fields=["retired_at"])
            audit(user=user, action="retire_category", obj=category, summary=f"Retired {category.name}")
    return category


def add_checklist_item(*, user, category: Category, text: str, text_fr: str = "") -> ChecklistItem:
    require_staff(user)
    text = text.strip()
    if not text:
        raise AppError(
            code="invalid", message="A checklist item needs text.", details=[ErrorDetail("Required.", "text")]
        )
    with transaction.atomic():
        position = (category.checklist_items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        item = ChecklistItem.objects.create(category=category, text=text, text_fr=text_fr.strip(), position=position)
        audit(user=user, action="add_checklist_item", obj=item, summary=f"{category.name}: {text[:80]}")
    return item


def set_phase(*, user, cycle: Cycle, phase: str) -> Cycle:
    """Move the panel to another phase; phases decide what judges see and do."""
    require_staff(user)
    if phase not in Phase.values:
        raise AppError(
            code="invalid", message=f"Unknown phase {phase!r}.", details=[ErrorDetail("Unknown phase.", "phase")]
        )
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        previous = locked.phase
        locked.phase = phase
        locked.save(update_fields=["phase"])
        audit(user=user, action="set_phase", obj=locked, summary=f"{previous} → {phase}")
    return locked
