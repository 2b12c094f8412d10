"""Operations pages: the customer's survey, reports, the audit page, cases, the interviewer and QA consoles."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.autoreload import file_changed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_scopes import scopes_disabled

from worldclass.core.errors import AppError, PermissionDenied
from worldclass.core.exports import Table, csv_response
from worldclass.core.forms import month_param
from worldclass.core.months import Month
from worldclass.core.paging import page_of, query_without_page
from worldclass.operations import access, queries
from worldclass.operations.domain import invitations as invitation_domain
from worldclass.operations.domain.recovery import update_case
from worldclass.operations.forms import CaseForm, CaseListForm, InterviewForm, ReviewForm, SurveyForm, labelled_answers
from worldclass.operations.models import Channel, Invitation, RecoveryCase


def _forbidden(request, message: str | None = None):
    return render(
        request,
        "operations/refused.html",
        {"title": _("Not allowed"), "message": message or _("You do not have access to this page.")},
        status=403,
    )


CASES_PER_PAGE = 50


def _month(request, *, sites) -> Month:
    """The ?month=YYYY-MM asked for, else the latest month with calls at these sites, else the current month; a
    malformed one is refused as an invalid query (a 400 page naming it), as the dashboards' period picker does."""
    asked = month_param(request.GET, "month")
    if asked is not None:
        return asked
    latest = queries.latest_call_month(site_ids=[site.pk for site in sites])
    return Month.of(latest or timezone.now().date())


def _visible_site(request, site_id: int):
    sites = {site.pk: site for site in access.visible_sites(request.user)}
    if site_id not in sites:
        raise Http404
    return sites[site_id]


# --- the customer's survey ----------------------------------------------------------------------------------

LINK_PAGES = {
    "unknown_link": (404, "unknown"),
    "used_link": (409, "used"),
    "expired_link": (410, "expired"),
    "not_open": (409, "not_open"),
}


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Say the page's language in its header too: LocaleMiddleware would name the request's, not the survey's."""
    response["Content-Language"] = language
    return response


def _link_page(request, code: str, language: str | None = None):
    status, kind = LINK_PAGES[code]
    language = language or translation.get_language()
    with translation.override(language):
        return _in_language(render(request, "operations/survey_closed.html", {"kind": kind}, status=status), language)


@functools.lru_cache(maxsize=8)
def _thanks_page(language: str) -> str:
    """The page after the answers, the same for every customer in a language: rendered once per process, without
    the request (so the template may not use it)."""
    with translation.override(language):
        return render_to_string("operations/survey_thanks.html")


@receiver(file_changed)
@receiver(setting_changed)
def _forget_thanks_pages(**kwargs) -> None:
    # As Django's cached template loader does: an edited template or catalogue under runserver, or a test's
    # settings, show on the next answer. Returning None leaves the reload decision to the other receivers.
    _thanks_page.cache_clear()


def _survey_language(request, invitation) -> str:
    """The language the customer switched to (`?lang=`), else the invitation's."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else invitation.language


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """A customer's single-use survey page, in the customer's language; the customer may switch to the other."""
    now = timezone.now()
    refusal = None
    if request.method == "POST":
        answers = SurveyForm(request.POST)
        if answers.is_valid():
            # Recording reads the invitation once, locked; a refusal is shown below, in the customer's language.
            try:
                invitation = invitation_domain.submit_web_answers(token=token, data=answers.cleaned_data, now=now)
            except AppError as error:
                refusal = error
            else:
                language = _survey_language(request, invitation)
                return _in_language(HttpResponse(_thanks_page(language)), language)
    try:
        invitation = invitation_domain.invitation_for_token(token)
    except AppError as error:
        return _link_page(request, error.code)
    language = _survey_language(request, invitation)
    if refusal is not None and refusal.code in LINK_PAGES:
        return _link_page(request, refusal.code, language)
    with translation.override(language):
        try:
            invitation_domain.check_invitation_open(invitation, now=now)
        except AppError as error:
            return _link_page(request, error.code, language)
        form = SurveyForm(request.POST or None)
        if refusal is not None:
            form.add_error(None, refusal.message)
        response = render(
            request,
            "operations/survey.html",
            {
                "form": form,
                "site": invitation.site,
                "language": language,
                "other_languages": [(code, name) for code, name in settings.LANGUAGES if code != language],
            },
            status=400 if request.method == "POST" else 200,
        )
    return _in_language(response, language)


# --- reports ------------------------------------------------------------------------------------------------


@login_required
def operations_home(request):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    sites = access.visible_sites(request.user)
    month = _month(request, sites=sites)
    rows = queries.site_rows(sites=sites, month=month.first_day())
    return render(
        request,
        "operations/home.html",
        {"rows": rows, "month": month, "previous": month - 1, "next": month + 1},
    )


@login_required
def integrity(request):
    """The latest results of the daily integrity checks, for certifier staff."""
    if not access.is_certifier_staff(request.user):
        return _forbidden(request)
    return render(request, "operations/integrity.html", {"checks": queries.latest_integrity_checks()})


@login_required
def site_report(request, site_id: int):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    site = _visible_site(request, site_id)
    month = _month(request, sites=[site])
    rows = queries.csr_rows(site=site, month=month.first_day())
    summary = queries.site_rows(sites=[site], month=month.first_day())[0]
    return render(
        request,
        "operations/site_report.html",
        {
            "site": site,
            "rows": rows,
            "summary_list": [summary],
            "month": month,
            "previous": month - 1,
            "next": month + 1,
        },
    )


@login_required
def site_export(request, site_id: int):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    site = _visible_site(request, site_id)
    month = _month(request, sites=[site])
    columns = [
        "level", "name", "calls", "selected", "invited_web", "invited_ivr", "invited_phone", "completed",
        "response_rate", "response_rate_low95", "response_rate_high95", "median_minutes_to_survey", "cases",
        "open_cases", "quota", "quota_progress",
    ]  # fmt: skip
    summary = queries.site_rows(sites=[site], month=month.first_day())
    rows = []
    for level, level_rows in (("site", summary), ("csr", queries.csr_rows(site=site, month=month.first_day()))):
        for row in level_rows:
            interval = row.response_interval
            rows.append(
                [
                    level,
                    row.label,
                    row.calls,
                    row.selected,
                    row.invited["web"],
                    row.invited["ivr"],
                    row.invited["phone"],
                    row.completed,
                    _fmt(row.response_rate),
                    _fmt(interval[0] if interval else None),
                    _fmt(interval[1] if interval else None),
                    _fmt(row.median_minutes_to_survey, 1),
                    row.cases,
                    row.open_cases,
                    row.quota or "",
                    _fmt(row.quota_progress),
                ]
            )
    table = Table(title=f"{site.code} {month}", columns=columns, rows=rows)
    return csv_response(table, filename=f"operations-{site.code}-{month}.csv")


def _fmt(value, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


@login_required
def site_audit(request, site_id: int):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    site = _visible_site(request, site_id)
    return render(request, "operations/site_audit.html", {"site": site, **queries.audit_page_data(site=site)})


# --- service recovery ---------------------------------------------------------------------------------------


@login_required
def cases(request):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    sites = access.visible_sites(request.user)
    form = CaseListForm(request.GET, sites=sites)
    found = queries.cases_for(site_ids=[s.pk for s in sites], now=timezone.now(), filters=form.filters())
    page = page_of(request, found, per_page=CASES_PER_PAGE)
    return render(
        request,
        "operations/cases.html",
        {"cases": page, "page": page, "form": form, "query": query_without_page(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id: int):
    if not access.can_see_operations(request.user):
        return _forbidden(request)
    site_ids = {s.pk for s in access.visible_sites(request.user)}
    with scopes_disabled():
        case = RecoveryCase.objects.select_related("site", "owner", "response").filter(pk=case_id).first()
    if case is None or case.site_id not in site_ids:
        raise Http404
    form = CaseForm(request.POST or None, initial={"status": case.status, "outcome": case.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            # The case belongs to a site the user may see (checked above); the write runs outside the user scope.
            with scopes_disabled():
                update_case(case_id=case.pk, user=request.user, now=timezone.now(), **form.cleaned_data)
        except AppError as error:
            form.add_error(None, str(error))
        else:
            return redirect("operations:case_detail", case_id=case.pk)
    case.is_overdue = queries.is_overdue(case, now=timezone.now())
    case.reason_worded = queries.case_reason(case)
    return render(request, "operations/case_detail.html", {"case": case, "form": form})


# --- phone interviewers and QA ------------------------------------------------------------------------------


@login_required
def interviewer_queue(request):
    if not access.can_interview(request.user):
        return _forbidden(request)
    with scopes_disabled():
        queue = list(invitation_domain.interviewer_queue(now=timezone.now())[:50])
    quality = [q for q in queries.interviewer_quality() if q.username == request.user.username]
    return render(request, "operations/interviewer_queue.html", {"queue": queue, "quality": quality})


@login_required
@require_http_methods(["GET", "POST"])
def interview(request, invitation_id: int):
    if not access.can_interview(request.user):
        return _forbidden(request)
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("call", "site", "call__csr")
            .filter(pk=invitation_id, channel=Channel.PHONE)
            .first()
        )
    if invitation is None:
        raise Http404
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        callback_at = data.get("callback_at")
        if callback_at is not None and timezone.is_naive(callback_at):
            callback_at = callback_at.replace(tzinfo=dt.UTC)
        try:
            invitation_domain.record_interview(
                invitation_id=invitation.pk,
                interviewer=request.user,
                outcome=data["outcome"],
                data=data,
                callback_at=callback_at,
                now=timezone.now(),
            )
        except AppError as error:
            form.add_error(None, str(error))
        else:
            return redirect("operations:interviewer_queue")
    with translation.override(invitation.language):
        script = SurveyForm()
        script_text = [str(field.label) for field in script]
        greeting = _(
            "Hello, I am calling on behalf of %(site)s about your recent call. Do you have two minutes for a short "
            "survey?"
        ) % {"site": invitation.site.name or invitation.site.code}
    return render(
        request,
        "operations/interview.html",
        {"invitation": invitation, "form": form, "script": script_text, "greeting": greeting},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def qa_list(request):
    if not access.can_review_interviews(request.user):
        return _forbidden(request)
    with scopes_disabled():
        due = invitation_domain.qa_sample()
    return render(request, "operations/qa_list.html", {"due": due, "quality": queries.interviewer_quality()})


@login_required
@require_http_methods(["GET", "POST"])
def qa_review(request, invitation_id: int):
    if not access.can_review_interviews(request.user):
        return _forbidden(request)
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("call", "site", "interviewer")
            .filter(pk=invitation_id, channel=Channel.PHONE, status=Invitation.Status.COMPLETED)
            .first()
        )
    if invitation is None:
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_domain.record_review(
                invitation_id=invitation.pk, reviewer=request.user, now=timezone.now(), **form.cleaned_data
            )
        except PermissionDenied as error:
            return _forbidden(request, error.message)
        except AppError as error:
            form.add_error(None, str(error))
        else:
            return redirect("operations:qa_list")
    return render(
        request,
        "operations/qa_review.html",
        {"invitation": invitation, "form": form, "answers": labelled_answers(invitation.answers)},
    )
