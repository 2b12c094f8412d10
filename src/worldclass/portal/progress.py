"""Progress toward certification and the what-if comparison, on the engine's rules (see docs/dashboards.md)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from worldclass.certification.domain.evaluation import METRIC_COLUMNS, EntityResult
from worldclass.certification.domain.rules import Window, meets_threshold, qualifying_window
from worldclass.certification.queries import Level, all_editions, entity_status, rollups_of
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.core.stats import beta_binomial_pmf
from worldclass.portal.queries import Entity

if TYPE_CHECKING:
    from worldclass.certification.models import Edition, LevelRule

# How many past months give the entity's usual monthly volume.
VOLUME_MONTHS = 6
# How many past months (with the current one) inform the entity's rate in the beta-binomial model.
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class Progress:
    """Where an entity stands under an edition at a month, and what the rest of the month may bring."""

    edition: Edition
    rule: LevelRule | None
    month: Month
    status: EntityResult | None
    window_first: Month
    window_last: Month
    window_surveys: int
    window_meeting: int
    min_surveys: int | None
    more_surveys_needed: int
    expected_more_surveys: int
    planned_more_surveys: int
    meeting_needed: int | None
    probability: float | None

    @property
    def required_rate(self) -> float | None:
        """The share of the planned further surveys that must meet the metric, in percent."""
        if self.meeting_needed is None or self.planned_more_surveys == 0:
            return None
        return 100 * self.meeting_needed / self.planned_more_surveys


def _counts(*, entity: Entity, edition: Edition, through: Month) -> tuple[Month, list[int], list[int]] | None:
    """The entity's eligible and qualifying counts per month from its first month of data through `through`."""
    column = METRIC_COLUMNS[edition.metric]
    rows = list(
        rollups_of(window=edition.survey_window_id, level=entity.level)
        .filter(entity_id=entity.id, month__lte=through.first_day())
        .values_list("month", "eligible", column)
    )
    if not rows:
        return None
    first = Month.of(min(month for month, _e, _m in rows))
    length = through - first + 1
    eligible, meeting = [0] * length, [0] * length
    for month, surveys, hits in rows:
        index = Month.of(month) - first
        eligible[index], meeting[index] = surveys, hits
    return first, eligible, meeting


def _window(*, edition: Edition, rule: LevelRule, eligible: list[int], meeting: list[int]) -> Window | None:
    """The edition's qualifying window ending at the last month, as the engine's rules define it."""
    return qualifying_window(
        eligible=eligible,
        meeting=meeting,
        end=len(eligible) - 1,
        min_months=edition.min_consecutive_months,
        max_months=edition.max_window_months,
        min_surveys=rule.min_surveys,
    )


def _qualifies(*, edition: Edition, rule: LevelRule, eligible: list[int], meeting: list[int]) -> bool:
    window = _window(edition=edition, rule=rule, eligible=eligible, meeting=meeting)
    return window is not None and meets_threshold(
        meeting=window.meeting,
        surveys=window.surveys,
        threshold_percent=rule.threshold_percent,
        comparison=edition.comparison,
    )


def _with_more(values: list[int], more: int) -> list[int]:
    return [*values[:-1], values[-1] + more]


def _fewest_hits(
    *, edition: Edition, rule: LevelRule, eligible: list[int], meeting: list[int], more: int
) -> int | None:
    """The fewest of `more` further surveys this month that must meet the metric for the month to qualify (0 when
    it qualifies anyway), or None when even all of them would not do. Qualifying is monotone in hits: bisect."""

    def qualifies(hits: int) -> bool:
        return _qualifies(
            edition=edition, rule=rule, eligible=_with_more(eligible, more), meeting=_with_more(meeting, hits)
        )

    if not qualifies(more):
        return None
    low, high = 0, more
    while low < high:
        middle = (low + high) // 2
        if qualifies(middle):
            high = middle
        else:
            low = middle + 1
    return low


def progress_for(*, entity: Entity, edition: Edition, through: Month) -> Progress | None:
    """The entity's status at `through` and its chances by the end of that month; None without data."""
    counts = _counts(entity=entity, edition=edition, through=through)
    if counts is None:
        return None
    first, eligible, meeting = counts
    try:
        status = entity_status(edition=edition, level=entity.level, entity_id=entity.id, through=through)
    except NotFound:
        status = None
    rule = None if entity.level == Level.ORGANIZATION else edition.level_rules.filter(level=entity.level).first()
    # The window now: the qualifying one when the sample is reached, else the longest one allowed so far.
    length = min(edition.max_window_months, len(eligible))
    found = None if rule is None else _window(edition=edition, rule=rule, eligible=eligible, meeting=meeting)
    start = found.start if found else len(eligible) - length
    window_surveys, window_meeting = sum(eligible[start:]), sum(meeting[start:])
    previous = [e for e in eligible[-1 - VOLUME_MONTHS : -1] if e]
    usual = int(statistics.median(previous)) if previous else 0
    expected_more = max(0, usual - eligible[-1])
    more_needed = 0 if rule is None else max(0, rule.min_surveys - window_surveys)
    planned = max(more_needed, expected_more)
    meeting_needed = probability = None
    if rule is not None:
        meeting_needed = _fewest_hits(edition=edition, rule=rule, eligible=eligible, meeting=meeting, more=planned)
        history_surveys = sum(eligible[-HISTORY_MONTHS:])
        history_meeting = sum(meeting[-HISTORY_MONTHS:])
        alpha, beta = 1 + history_meeting, 1 + history_surveys - history_meeting
        needed = _fewest_hits(edition=edition, rule=rule, eligible=eligible, meeting=meeting, more=expected_more)
        probability = (
            0.0
            if needed is None
            else sum(
                beta_binomial_pmf(k=hits, n=expected_more, alpha=alpha, beta=beta)
                for hits in range(needed, expected_more + 1)
            )
        )
    return Progress(
        edition=edition,
        rule=rule,
        month=through,
        status=status,
        window_first=first + start,
        window_last=through,
        window_surveys=window_surveys,
        window_meeting=window_meeting,
        min_surveys=rule.min_surveys if rule else None,
        more_surveys_needed=more_needed,
        expected_more_surveys=expected_more,
        planned_more_surveys=planned,
        meeting_needed=meeting_needed,
        probability=probability,
    )


@dataclass(frozen=True)
class EditionStanding:
    edition: Edition
    rule: LevelRule | None
    status: EntityResult | None


def compare_editions(*, entity: Entity, through: Month) -> list[EditionStanding]:
    """The same entity evaluated under every edition at the same month."""
    standings = []
    for edition in all_editions().prefetch_related("level_rules"):
        rule = next((r for r in edition.level_rules.all() if r.level == entity.level), None)
        try:
            status = entity_status(edition=edition, level=entity.level, entity_id=entity.id, through=through)
        except NotFound:
            status = None
        standings.append(EditionStanding(edition=edition, rule=rule, status=status))
    return standings
