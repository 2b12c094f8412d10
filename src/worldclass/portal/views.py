"""Role-scoped dashboards: thin views over `portal.queries`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from worldclass.accounts.queries import organizations_visible_to
from worldclass.accounts.rules import can_view_organization, can_view_person, can_view_site, grants_for
from worldclass.certification.queries import site_statuses
from worldclass.core import exports
from worldclass.core.forms import integer_param, month_param
from worldclass.core.months import Month
from worldclass.core.page_cache import cached_until_data_changes
from worldclass.core.paging import page_of, query_without, query_without_page
from worldclass.core.tenancy import scope_for_user
from worldclass.portal import queries, tables
from worldclass.portal.forms import PeriodForm
from worldclass.portal.progress import compare_editions, progress_for
from worldclass.portal.rules import may_search, sees_organizations
from worldclass.portal.search import MIN_QUERY_LENGTH, search_directory

COMMENTS_PER_PAGE = 25
LEADERBOARD_PER_PAGE = 50
MEMBERS_PER_PAGE = 50
_CAN_VIEW = {
    "organization": can_view_organization,
    "site": can_view_site,
    "supervisor": can_view_person,
    "csr": can_view_person,
}


def _require_dashboards(request) -> None:
    if not grants_for(request.user).sees_dashboards:
        raise PermissionDenied


def _entity(request, level: str, pk: int) -> queries.Entity:
    """The entity, if it exists in the user's tenant scope (else 404) and the rules let them see it (else 403)."""
    _require_dashboards(request)
    entity = queries.resolve_entity(level=level, pk=pk)
    if not _CAN_VIEW[level](request.user, entity.obj):
        raise PermissionDenied
    return entity


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET)


def _edition(request):
    """The edition `?edition=` names (a year), else the latest."""
    return queries.choose_edition(year=request.GET.get("edition"))


def _period_context(request, form: PeriodForm) -> dict:
    """The picker and the other query parameters it must keep."""
    keep = [(key, value) for key, value in request.GET.items() if key not in ("through", "months", "page")]
    return {"period_form": form, "period_keep": keep}


def _status(form: PeriodForm) -> int:
    """A page whose query parameters hold a mistake answers 400 and shows the mistake in its period picker."""
    return 400 if form.errors else 200


def _month_param(request, name: str) -> dt.date | None:
    """A YYYY-MM query parameter as the month's first day; a malformed one is refused naming the parameter."""
    month = month_param(request.GET, name)
    return None if month is None else month.first_day()


@login_required
def home(request):
    """Send each user to the highest dashboard they may see: staff to all organizations, a CSR to their own."""
    grants = grants_for(request.user)
    if grants.all_organizations or len(grants.organization_ids) > 1:
        return redirect("portal:organizations")
    if grants.organization_ids:
        return redirect("portal:entity", level="organization", pk=next(iter(grants.organization_ids)))
    if grants.site_ids:
        if len(grants.site_ids) == 1:
            return redirect("portal:entity", level="site", pk=next(iter(grants.site_ids)))
        sites = queries.Site.objects.filter(id__in=grants.site_ids).select_related("organization")
        return render(request, "portal/my_sites.html", {"sites": sites})
    if grants.supervisor_person_id:
        return redirect("portal:entity", level="supervisor", pk=grants.supervisor_person_id)
    if grants.csr_person_id:
        return redirect("portal:entity", level="csr", pk=grants.csr_person_id)
    return redirect("home")


def _organization_standings(request, edition, form: PeriodForm):
    organizations = list(organizations_visible_to(request.user))
    window = edition.survey_window
    through, months = form.choice()
    period = queries.data_period(
        level="organization",
        entity_ids=[o.id for o in organizations],
        window=window,
        months=months,
        through=through and through.first_day(),
    )
    totals = (
        queries.period_metrics(
            level="organization",
            entity_ids=[o.id for o in organizations],
            window=window,
            first=period.first,
            last=period.last,
        )
        if period
        else {}
    )
    standings = [queries.Standing(obj=o, metrics=totals.get(o.id, queries.Metrics())) for o in organizations]
    return standings, period


@login_required
@cached_until_data_changes
def organizations(request):
    """The organizations the user may see, with their counts over the last months."""
    if not sees_organizations(request.user):
        raise PermissionDenied
    edition = _edition(request)
    form = _period_form(request)
    standings, period = _organization_standings(request, edition, form)
    if request.GET.get("format") in ("csv", "xlsx"):
        table = tables.standings_table(title=_("Organizations"), standings=standings, with_rank=False)
        return _download(table, request.GET["format"], "organizations")
    return render(
        request,
        "portal/organizations.html",
        {
            "standings": standings,
            "period": period,
            "edition": edition,
            "editions": queries.editions(),
            "rates": queries.RATES,
            "query": request.GET.urlencode(),
            **_period_context(request, form),
        },
        status=_status(form),
    )


def _chart_data(*, months, edition, rule) -> dict:
    metric = edition.metric
    return {
        "labels": [str(Month.of(month)) for month, _m in months],
        "metric": metric,
        "series": [
            {
                "key": key,
                "label": str(label),
                "values": [m.rate(key).percent for _month, m in months],
                "low": [m.rate(key).low for _month, m in months],
                "high": [m.rate(key).high for _month, m in months],
            }
            for key, _count, label in queries.RATES
        ],
        "threshold": float(rule.threshold_percent) if rule else None,
        "thresholdLabel": _("Threshold %(edition)s") % {"edition": edition.year},
    }


@login_required
@cached_until_data_changes
def entity(request, level: str, pk: int):
    """One entity's dashboard: monthly rates with intervals, the trend chart and the entities under it."""
    target = _entity(request, level, pk)
    edition = _edition(request)
    window = edition.survey_window
    rule = queries.level_rule(edition=edition, level=level)
    months = queries.monthly_metrics(entity=target, window=window)
    child_level = queries.CHILD_LEVEL[level]
    form = _period_form(request)
    through, period_months = form.choice()
    period = queries.default_period(
        entity=target, window=window, months=period_months, through=through and through.first_day()
    )
    members_page = _members_page(request, target, child_level, edition, period) if child_level and period else None
    return render(
        request,
        "portal/entity.html",
        {
            "entity": target,
            "edition": edition,
            "editions": queries.editions(),
            "rule": rule,
            "months": list(reversed(months)),
            "chart": _chart_data(months=months, edition=edition, rule=rule),
            "child_level": child_level,
            "children": members_page.object_list if members_page else [],
            "members_page": members_page,
            "members_sort": _member_sort(request),
            "sort_query": query_without(request, "sort", "page"),
            "query": query_without_page(request),
            "period": period,
            "rates": queries.RATES,
            "rankable": queries.RANKABLE[level],
            **_period_context(request, form),
        },
        status=_status(form),
    )


def _member_sort(request) -> str:
    sort = request.GET.get("sort", "rank")
    return sort if sort in queries.MEMBER_TABLE_SORTS else "rank"


def _members_page(request, target: queries.Entity, child_level: str, edition, period):
    """One page of the entity's members in the order asked for, each with its counts and certification status."""
    table = queries.member_table(
        entity=target, level=child_level, edition=edition, period=period, sort=_member_sort(request)
    )
    page = page_of(request, table.members, per_page=MEMBERS_PER_PAGE)
    page.object_list = queries.standings_of(
        members=list(page.object_list),
        level=child_level,
        window=edition.survey_window,
        period=period,
        statuses=table.statuses,
    )
    return page


@login_required
def recovery(request, level: str, pk: int):
    """The dashboard's service-recovery panel, fetched by the page once it has loaded (empty for those who do not
    handle cases)."""
    target = _entity(request, level, pk)
    panel = queries.recovery_panel(user=request.user, entity=target, now=timezone.now())
    return render(request, "portal/_recovery.html", {"recovery": panel})


def _through(target: queries.Entity, edition, form: PeriodForm) -> Month | None:
    """The month asked for, or the entity's latest month with data under the edition's window."""
    asked, _months = form.choice()
    if asked is not None:
        return asked
    latest = queries.latest_month(level=target.level, entity_ids=[target.id], window=edition.survey_window)
    return None if latest is None else Month.of(latest)


def _entity_through(request, level: str, pk: int):
    """The entity, the edition, the period form and the month the progress pages read (None without data)."""
    target, edition, form = _entity(request, level, pk), _edition(request), _period_form(request)
    return target, edition, form, _through(target, edition, form)


def _site_statuses(request, target: queries.Entity, edition, through: Month) -> list[tuple]:
    """(site, status) for the organization's sites the user may see, by name; status None without data."""
    statuses = {
        result.entity_pk: result
        for result in site_statuses(edition=edition, organization_id=target.id, through=through)
    }
    sites = queries.Site.objects.filter(organization_id=target.id).order_by("name")
    return [(site, statuses.get(site.id)) for site in sites if can_view_site(request.user, site)]


@login_required
@cached_until_data_changes
def progress(request, level: str, pk: int):
    """Progress toward certification under one edition: status, window, what is still needed, and the chances."""
    target, edition, form, through = _entity_through(request, level, pk)
    result = None if through is None else progress_for(entity=target, edition=edition, through=through)
    sites = _site_statuses(request, target, edition, through) if level == "organization" and through else []
    return render(
        request,
        "portal/progress.html",
        {
            "entity": target,
            "edition": edition,
            "editions": queries.editions(),
            "progress": result,
            "rankable": queries.RANKABLE[level],
            "extra_params": [("through", str(through))] if request.GET.get("through") else [],
            "is_current_month": through == Month.of(timezone.localdate()),
            "sites": sites,
            **_period_context(request, form),
        },
        status=_status(form),
    )


@login_required
@cached_until_data_changes
def editions(request, level: str, pk: int):
    """What-if: the same entity under every edition, side by side."""
    target, edition, form, through = _entity_through(request, level, pk)
    standings = [] if through is None else compare_editions(entity=target, through=through)
    if request.GET.get("format") in ("csv", "xlsx"):
        table = tables.editions_table(title=_("Editions"), standings=standings)
        return _download(table, request.GET["format"], f"{level}-{target.obj.code}-editions")
    return render(
        request,
        "portal/editions.html",
        {
            "entity": target,
            "edition": edition,
            "through": through,
            "standings": standings,
            "rankable": queries.RANKABLE[level],
            "query": request.GET.urlencode(),
            **_period_context(request, form),
        },
        status=_status(form),
    )


def _leaderboard(request, target, edition, form: PeriodForm):
    ranked_level = request.GET.get("of") or (queries.RANKABLE[target.level] or [None])[-1]
    if ranked_level not in queries.RANKABLE[target.level]:
        raise Http404
    window = edition.survey_window
    through, months = form.choice()
    period = queries.default_period(
        entity=target, window=window, months=months, through=through and through.first_day()
    )
    ranked = (
        queries.ranked_members(
            entity=target,
            level=ranked_level,
            window=window,
            period=period,
            metric=edition.metric,
            sort=request.GET.get("sort", "rank"),
        )
        if period
        else None
    )
    return ranked_level, period, ranked


def _standings(ranked, *, ranked_level, period, edition) -> list:
    if ranked is None or period is None:
        return []
    return queries.standings_of(members=list(ranked), level=ranked_level, window=edition.survey_window, period=period)


@login_required
@cached_until_data_changes
def leaderboard(request, level: str, pk: int):
    """Members under the entity ranked by the Wilson lower bound of the edition's metric."""
    target = _entity(request, level, pk)
    edition = _edition(request)
    form = _period_form(request)
    ranked_level, period, ranked = _leaderboard(request, target, edition, form)
    sort = request.GET.get("sort", "rank")
    # The database ranks, sorts and pages: a board of thousands reads only the members it shows.
    page = page_of(request, ranked if ranked is not None else [], per_page=LEADERBOARD_PER_PAGE)
    page.object_list = _standings(page.object_list, ranked_level=ranked_level, period=period, edition=edition)
    return render(
        request,
        "portal/leaderboard.html",
        {
            "entity": target,
            "edition": edition,
            "editions": queries.editions(),
            "rule": queries.level_rule(edition=edition, level=ranked_level),
            "ranked_level": ranked_level,
            "period": period,
            "page": page,
            "sort": sort,
            "rates": queries.RATES,
            "rankable": queries.RANKABLE[level],
            "query": query_without_page(request),
            **_period_context(request, form),
        },
        status=_status(form),
    )


def _comment_filters(request) -> queries.CommentFilters:
    month = _month_param(request, "month")
    csr_id = integer_param(request.GET, "csr")
    return queries.CommentFilters(
        unresolved=request.GET.get("unresolved") == "1",
        low_rating=request.GET.get("low") == "1",
        month=month,
        csr_id=csr_id,
    )


@login_required
@cached_until_data_changes
def comments(request, level: str, pk: int):
    """Customers' verbatim comments on the entity's calls, filtered and paginated."""
    target = _entity(request, level, pk)
    filters = _comment_filters(request)
    page = page_of(request, queries.comments(entity=target, filters=filters), per_page=COMMENTS_PER_PAGE)
    csrs = (
        []
        if level == "csr"
        else list(queries.members(entity=target, level="csr").select_related(None).only("id", "code", "name"))
    )
    return render(
        request,
        "portal/comments.html",
        {
            "entity": target,
            "filters": filters,
            "page": page,
            "csrs": csrs,
            "query": query_without_page(request),
            "rankable": queries.RANKABLE[level],
        },
    )


EXPORTABLE = ["months", "members", "leaderboard", "comments"]


def _download(table: exports.Table, fmt: str, stem: str, *, stream_within=None):
    return exports.download(table, fmt=fmt, stem=stem, stream_within=stream_within)


@login_required
@cached_until_data_changes
def export(request, level: str, pk: int, table: str, fmt: str):
    """Any of the entity's tables as CSV or XLSX, with the same filters as the page."""
    target = _entity(request, level, pk)
    edition = _edition(request)
    window = edition.survey_window
    stem = f"{level}-{target.obj.code}-{table}"
    if table == "months":
        data = tables.months_table(title=_("Months"), months=queries.monthly_metrics(entity=target, window=window))
    elif table == "members":
        child_level = queries.CHILD_LEVEL[level]
        through, months = _period_form(request).choice()
        period = queries.default_period(
            entity=target, window=window, months=months, through=through and through.first_day()
        )
        if child_level is None:
            raise Http404
        standings = []
        if period:
            member_table = queries.member_table(
                entity=target, level=child_level, edition=edition, period=period, sort=request.GET.get("sort", "rank")
            )
            standings = queries.standings_of(
                members=list(member_table.members),
                level=child_level,
                window=window,
                period=period,
                statuses=member_table.statuses,
            )
        data = tables.standings_table(title=_("Members"), standings=standings, with_rank=False, with_status=True)
    elif table == "leaderboard":
        ranked_level, period, ranked = _leaderboard(request, target, edition, _period_form(request))
        standings = (
            queries.iter_standings(ranked=ranked, level=ranked_level, window=window, period=period)
            if ranked is not None and period is not None
            else []
        )
        data = tables.standings_table(title=_("Leaderboard"), standings=standings, with_rank=True)
        # A leaderboard of thousands of CSRs starts downloading at once.
        return _download(data, fmt, stem, stream_within=scope_for_user(request.user))
    elif table == "comments":
        responses = queries.comments(entity=target, filters=_comment_filters(request))
        data = tables.comments_table(title=_("Comments"), responses=responses.iterator(chunk_size=2000))
        # Comments can run to many thousands: stream them, reading inside the user's tenant scope.
        return _download(data, fmt, stem, stream_within=scope_for_user(request.user))
    else:
        raise Http404
    return _download(data, fmt, stem)


@login_required
def search(request):
    """Staff, organization admins and site managers find an organization, site, supervisor or CSR by name or code."""
    if not may_search(request.user):
        raise PermissionDenied
    results = search_directory(user=request.user, text=request.GET.get("q", ""))
    return render(request, "portal/search.html", {"results": results, "min_length": MIN_QUERY_LENGTH})
