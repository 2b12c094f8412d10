"""Reads behind the dashboards. Numbers come from `MonthlyRollup`, never from raw surveys (comments excepted)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, FloatField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, Lower, NullIf, RowNumber
from django.db.models.query import ModelIterable
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from worldclass.certification.queries import (
    all_editions,
    edition_of_year,
    latest_edition,
    level_rule_for,
    level_statuses,
    rollups_of,
)
from worldclass.core.database import Inlined
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.core.stats import wilson_interval, wilson_lower_bound_sql
from worldclass.directory.models import Organization, Person, Site
from worldclass.operations.queries import open_cases_for, sites_handling_cases_for
from worldclass.surveys.queries import customer_comments

if TYPE_CHECKING:
    from worldclass.certification.models import Edition, LevelRule, SurveyWindow

LEVELS = ["organization", "site", "supervisor", "csr"]
# (key, rollup count, label); every rate is among eligible surveys.
RATES = [
    ("wcc", "world_class", _("WCC")),
    ("fcr", "fcr", _("FCR")),
    ("resolved", "resolved", _("Resolved")),
    ("overall_top_box", "overall_top_box", _("Top-box overall")),
    ("csr_top_box", "csr_top_box", _("Top-box CSR")),
]
COUNT_FIELDS = ["eligible", "ineligible", *[count for _key, count, _label in RATES]]
# Who sits under each level on the drill-down, and which levels a leaderboard may rank within it.
CHILD_LEVEL = {"organization": "site", "site": "supervisor", "supervisor": "csr", "csr": None}
RANKABLE = {
    "organization": ["site", "supervisor", "csr"],
    "site": ["supervisor", "csr"],
    "supervisor": ["csr"],
    "csr": [],
}


@dataclass(frozen=True)
class Rate:
    """A proportion with its sample size and Wilson 95% interval, in percent."""

    successes: int
    trials: int
    percent: float | None = field(init=False)
    low: float | None = field(init=False)
    high: float | None = field(init=False)

    def __post_init__(self) -> None:
        bounds = wilson_interval(self.successes, self.trials)
        object.__setattr__(self, "percent", None if self.trials == 0 else 100 * self.successes / self.trials)
        object.__setattr__(self, "low", None if bounds is None else 100 * bounds[0])
        object.__setattr__(self, "high", None if bounds is None else 100 * bounds[1])

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.low is None else (self.low, self.high)


@dataclass
class Metrics:
    """One entity's counts over one month or period, with every rate."""

    eligible: int = 0
    ineligible: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counts(cls, values: dict) -> Metrics:
        return cls(
            eligible=values.get("eligible") or 0,
            ineligible=values.get("ineligible") or 0,
            counts={key: values.get(count) or 0 for key, count, _label in RATES},
        )

    @property
    def rates(self) -> dict[str, Rate]:
        return {key: Rate(self.counts.get(key, 0), self.eligible) for key, _count, _label in RATES}

    def rate(self, key: str) -> Rate:
        return Rate(self.counts.get(key, 0), self.eligible)


@dataclass
class Entity:
    """Something with a dashboard: an organization, a site, a supervisor or a CSR."""

    level: str
    obj: Organization | Site | Person

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def organization_id(self) -> int:
        return self.obj.id if self.level == "organization" else self.obj.organization_id

    def __str__(self) -> str:
        return str(self.obj)


def resolve_entity(*, level: str, pk: int) -> Entity:
    """The entity at `level` with id `pk` in the current tenant scope, or NotFound."""
    if level == "organization":
        found = Organization.objects.filter(pk=pk).first()
    elif level == "site":
        found = Site.objects.select_related("organization").filter(pk=pk).first()
    elif level in ("supervisor", "csr"):
        flag = {"supervisor": "is_supervisor", "csr": "is_csr"}[level]
        people = Person.objects.select_related("organization", "site", "supervisor")
        found = people.filter(pk=pk, **{flag: True}).first()
    else:
        raise NotFound(gettext("There is no dashboard of that level."))
    if found is None:
        raise NotFound(gettext("There is no such dashboard among those you may see."))
    return Entity(level, found)


def editions() -> list[Edition]:
    return list(all_editions())


def choose_edition(*, year: str | None) -> Edition:
    """The edition asked for, or the latest one."""
    if year:
        try:
            edition = edition_of_year(year=int(year))
        except ValueError:
            raise NotFound(gettext("There is no edition %(year)s.") % {"year": year}) from None
    else:
        edition = latest_edition()
    if edition is None:
        raise NotFound(
            gettext("There is no edition %(year)s.") % {"year": year} if year else gettext("No edition is defined yet.")
        )
    return edition


def level_rule(*, edition: Edition, level: str) -> LevelRule | None:
    """The edition's threshold and minimum sample for a level (organizations have none of their own)."""
    return level_rule_for(edition=edition, level=level)


def _sums() -> dict:
    return {name: Sum(name) for name in COUNT_FIELDS}


def monthly_metrics(*, entity: Entity, window: SurveyWindow) -> list[tuple[dt.date, Metrics]]:
    """The entity's counts and rates per call month, oldest first."""
    rows = (
        rollups_of(window=window, level=entity.level)
        .filter(entity_id=entity.id)
        .order_by("month")
        .values("month", *COUNT_FIELDS)
    )
    return [(row["month"], Metrics.from_counts(row)) for row in rows]


def latest_month(*, level: str, entity_ids, window: SurveyWindow) -> dt.date | None:
    """The most recent call month with a rollup for any of these entities."""
    return (
        rollups_of(window=window, level=level)
        .filter(entity_id__in=entity_ids)
        .aggregate(latest=Max("month"))
        .get("latest")
    )


def period_metrics(
    *, level: str, entity_ids, window: SurveyWindow, first: dt.date, last: dt.date
) -> dict[int, Metrics]:
    """Each entity's counts summed over the months first..last, in one query."""
    rows = (
        rollups_of(window=window, level=level)
        .filter(entity_id__in=entity_ids, month__gte=first, month__lte=last)
        .values("entity_id")
        .annotate(**_sums())
        .order_by()
    )
    return {row["entity_id"]: Metrics.from_counts(row) for row in rows}


def members(*, entity: Entity, level: str) -> QuerySet:
    """The entities of `level` under `entity` on the latest roster (sites of an organization, a site's CSRs...)."""
    if level not in RANKABLE[entity.level]:
        raise NotFound(gettext("This dashboard has no members of that level."))
    if level == "site":
        return Site.objects.filter(organization=entity.obj).select_related("organization")
    flag = Q(is_supervisor=True) if level == "supervisor" else Q(is_csr=True)
    where = {
        "organization": Q(organization=entity.obj),
        "site": Q(site=entity.obj),
        "supervisor": Q(supervisor=entity.obj),
    }[entity.level]
    return Person.objects.filter(flag & where).select_related("site", "supervisor")


@dataclass
class Period:
    """Call months first..last (inclusive), as the dashboards sum them."""

    first: dt.date
    last: dt.date

    @classmethod
    def ending(cls, *, last: dt.date, months: int) -> Period:
        return cls(first=(Month.of(last) - (months - 1)).first_day(), last=last)

    def __str__(self) -> str:
        first, last = Month.of(self.first), Month.of(self.last)
        return str(first) if first == last else f"{first} \u2013 {last}"


def data_period(
    *, level: str, entity_ids, window: SurveyWindow, months: int, through: dt.date | None = None
) -> Period | None:
    """Up to `months` months ending with `through` (default: the latest month with data), starting no earlier than
    the first month with data, so that a period never names months that hold nothing; None without data."""
    bounds = (
        rollups_of(window=window, level=level)
        .filter(entity_id__in=entity_ids)
        .aggregate(first=Min("month"), latest=Max("month"))
    )
    if bounds["latest"] is None:
        return None
    last = through or bounds["latest"]
    period = Period.ending(last=last, months=months)
    first = max(period.first, bounds["first"]) if bounds["first"] <= last else period.first
    return Period(first=first, last=last)


def default_period(
    *, entity: Entity, window: SurveyWindow, months: int, through: dt.date | None = None
) -> Period | None:
    """`months` months ending with `through`, or with the entity's latest month with data; None without data.
    Not clipped to the entity's first month: the tables below it sum its members, whose data may start earlier."""
    last = through or latest_month(level=entity.level, entity_ids=[entity.id], window=window)
    return None if last is None else Period.ending(last=last, months=months)


@dataclass
class Standing:
    """One entity on a leaderboard or member table."""

    obj: Site | Person
    metrics: Metrics
    rank: int | None = None
    status: MemberStatus | None = None


# A leaderboard's own order: the Wilson lower bound, then the sample size, then the name.
RANK_ORDER = (F("rank_low").desc(nulls_last=True), F("rank_trials").desc(), F("rank_name").asc(), F("id").asc())
# The rows in rank order are ordered by the rank the window computed, not by RANK_ORDER again: one key to sort by,
# where repeating the order made PostgreSQL run the ranking subqueries twice before their parameters were inlined
# (5,000 CSRs: 250 ms instead of 130).
BY_RANK = F("rank_position").asc()
# How a leaderboard may be shown besides its rank order: by name, or by sample size (largest first); ranks stay.
LEADERBOARD_SORTS = {
    "rank": (BY_RANK,),
    "name": (Lower("rank_name").asc(), F("id").asc()),
    "surveys": (F("rank_trials").desc(), BY_RANK),
}
# A member table may also put the best raw rate of the edition's metric first (members without surveys last).
MEMBER_SORTS = {**LEADERBOARD_SORTS, "rate": (F("rank_rate").desc(nulls_last=True), BY_RANK)}


def ranked_members(
    *, entity: Entity, level: str, window: SurveyWindow, period: Period, metric: str, sort: str = "rank"
) -> QuerySet:
    """The members of `level` under the entity ranked in the database: by the Wilson lower bound of `metric` over
    the period (so that three lucky surveys do not top the board), then the sample size, then the name; members
    without eligible surveys come last. Each carries its `rank_position`; the rows come in the `sort` order (an
    unknown one is the rank order). Sliced, it reads only the page it shows."""
    count = {key: count for key, count, _label in RATES}[metric]
    in_period = (
        rollups_of(window=window, level=level)
        .filter(entity_id=OuterRef("pk"), month__gte=period.first, month__lte=period.last)
        .order_by()
    )

    per_member = in_period.values("entity_id").annotate(trials=Sum("eligible"), successes=Sum(count))
    # The bound is computed inside the member's one aggregate subquery: Django repeats an annotation's whole
    # expression wherever it is referenced, so a bound over two summed subqueries ran ~30 of them per member.
    lower_bound = per_member.annotate(low=wilson_lower_bound_sql(F("successes"), F("trials"))).values("low")
    rate = per_member.annotate(rate=Cast(F("successes"), FloatField()) / NullIf(F("trials"), 0)).values("rate")
    return (
        members(entity=entity, level=level)
        # The rank's measures with their parameters inlined: a sort that repeats one (by sample size) is then the
        # window's own to PostgreSQL, which reads the rollups for it once (5,000 CSRs: 230 ms -> 150 ms).
        # Aliases, not annotations: they order the rows and are not selected, so that only the sort in use reads
        # the rollups (selecting the rate as well read them once more per member: 65 of 170 ms for 5,000 CSRs).
        .alias(
            rank_trials=Inlined(Coalesce(Subquery(per_member.values("trials")), 0)),
            rank_low=Inlined(Subquery(lower_bound)),
            rank_name=Coalesce(NullIf("name", Value("")), "code"),
            rank_rate=Subquery(rate),
        )
        .annotate(rank_position=Window(RowNumber(), order_by=list(RANK_ORDER)))
        .order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS["rank"]))
    )


def standings_of(
    *, members: list, level: str, window: SurveyWindow, period: Period, statuses: dict[int, MemberStatus] | None = None
):
    """Standings for members of `ranked_members` (a page of them), with their counts, their rank and (given the
    `member_statuses`) their certification status."""
    totals = period_metrics(
        level=level, entity_ids=[m.id for m in members], window=window, first=period.first, last=period.last
    )
    standings = []
    for member in members:
        metrics = totals.get(member.id, Metrics())
        standings.append(
            Standing(
                obj=member,
                metrics=metrics,
                rank=member.rank_position if metrics.eligible else None,
                status=None if statuses is None else statuses.get(member.id, MemberStatus(state=None)),
            )
        )
    return standings


def iter_standings(*, ranked: QuerySet, level: str, window: SurveyWindow, period: Period, chunk_size: int = 500):
    """`standings_of` for every member of a `ranked_members` query, counted a chunk at a time (the first one small),
    so that a download of thousands starts at once."""
    # One ordinary query for the ranking (a server-side cursor's fast-start plan was slower to its first row), whose
    # members are built as they are counted: building all 5,000 of a large organization first took 110 ms.
    members = iter(ModelIterable(ranked))
    size = min(50, chunk_size)
    while chunk := list(itertools.islice(members, size)):
        yield from standings_of(members=chunk, level=level, window=window, period=period)
        size = chunk_size


@dataclass
class MemberTable:
    """The members under an entity in the order asked for, unread until paged (a list when sorted by status), with
    every member's certification status."""

    members: QuerySet | list
    statuses: dict[int, MemberStatus]
    sort: str


MEMBER_TABLE_SORTS = ("rank", "name", "surveys", "rate", "status")


def member_table(*, entity: Entity, level: str, edition: Edition, period: Period, sort: str) -> MemberTable:
    """The members of `level` under the entity for its dashboard table: sorted by rank, name, surveys or rate in the
    database (a page reads only its rows), or by certification status; an unknown sort is the rank order."""
    sort = sort if sort in MEMBER_TABLE_SORTS else "rank"
    ranked = ranked_members(
        entity=entity, level=level, window=edition.survey_window, period=period, metric=edition.metric, sort=sort
    )
    statuses = member_statuses(entity=entity, level=level, edition=edition, period=period)
    members = sort_by_status(members=list(ranked), statuses=statuses) if sort == "status" else ranked
    return MemberTable(members=members, statuses=statuses, sort=sort)


class CertificationState:
    """Where a member stands under the edition at the period's last month, in the order a table sorts them."""

    CERTIFIED = "certified"
    IN_PROGRESS = "in_progress"
    NOT_QUALIFYING = "not_qualifying"
    ORDER = (CERTIFIED, IN_PROGRESS, NOT_QUALIFYING, None)
    LABELS = {
        CERTIFIED: pgettext_lazy("certification status", "Certified"),
        IN_PROGRESS: pgettext_lazy("certification status", "In progress"),
        NOT_QUALIFYING: pgettext_lazy("certification status", "Not qualifying"),
    }


@dataclass(frozen=True)
class MemberStatus:
    """A member's certification state and, when certified, the last month it is certified through."""

    state: str | None
    valid_through: str | None = None

    @property
    def label(self) -> str:
        return str(CertificationState.LABELS.get(self.state, "\u2013"))


def member_status(*, result, rule: LevelRule | None) -> MemberStatus:
    """A member's state from its evaluation (`certification.queries.level_statuses`): certified; in progress while
    its window holds fewer eligible surveys than the edition's minimum sample (or it meets the metric, awaiting the
    certificate); otherwise not qualifying. No evaluation (no survey data, or a level the edition does not evaluate):
    no state."""
    if result is None:
        return MemberStatus(state=None)
    if result.certified:
        return MemberStatus(state=CertificationState.CERTIFIED, valid_through=result.valid_through)
    below_minimum = rule is not None and (result.surveys or 0) < rule.min_surveys
    if result.qualifies or below_minimum:
        return MemberStatus(state=CertificationState.IN_PROGRESS)
    return MemberStatus(state=CertificationState.NOT_QUALIFYING)


def member_statuses(*, entity: Entity, level: str, edition: Edition, period: Period) -> dict[int, MemberStatus]:
    """Every evaluated member of `level` under the entity, by id, at the period's last month (one evaluation of
    just those members: a supervisor's page does not evaluate the organization's thousands of CSRs)."""
    rule = level_rule_for(edition=edition, level=level)
    results = level_statuses(
        edition=edition,
        organization_id=entity.organization_id,
        level=level,
        through=Month.of(period.last),
        entity_ids=list(members(entity=entity, level=level).values_list("id", flat=True)),
    )
    return {result.entity_pk: member_status(result=result, rule=rule) for result in results}


def sort_by_status(*, members: list, statuses: dict[int, MemberStatus]) -> list:
    """Members (in rank order) with the certified first, then those in progress, not qualifying, without data."""
    order = {state: index for index, state in enumerate(CertificationState.ORDER)}
    return sorted(members, key=lambda member: order[statuses.get(member.id, MemberStatus(state=None)).state])


@dataclass(frozen=True)
class CommentFilters:
    unresolved: bool = False
    low_rating: bool = False
    month: dt.date | None = None
    csr_id: int | None = None


def comments(*, entity: Entity, filters: CommentFilters) -> QuerySet:
    """Customers' verbatim comments about the entity's calls, newest first (low rating: see surveys.queries)."""
    return customer_comments(
        level=entity.level,
        entity=entity.obj,
        unresolved=filters.unresolved,
        low_rating=filters.low_rating,
        month=filters.month,
        csr_id=filters.csr_id,
    )


@dataclass
class RecoveryPanel:
    """Open service-recovery cases of the sites under a dashboard entity that the user manages."""

    cases: list
    open_count: int
    overdue_count: int


def recovery_panel(*, user, entity: Entity, now, limit: int = 10) -> RecoveryPanel | None:
    """The site or organization dashboard's follow-up cases; None where the user does not handle cases."""
    if entity.level not in ("site", "organization"):
        return None
    if entity.level == "site":
        managed = sites_handling_cases_for(user=user, site_id=entity.id)
    else:
        managed = sites_handling_cases_for(user=user, organization_id=entity.id)
    site_ids = [site.pk for site in managed]
    if not site_ids:
        return None
    cases = open_cases_for(site_ids=site_ids, now=now)
    return RecoveryPanel(
        cases=cases[:limit], open_count=len(cases), overdue_count=sum(1 for case in cases if case.is_overdue)
    )
