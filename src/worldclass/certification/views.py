"""The certifier's run pages: start a run, read it (counts, changes since the previous run), replay it. Issuing
its certificates is the certificates app's page. Certifier staff only; every change is a confirmed POST calling one
domain function, which audits it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from worldclass.accounts.decorators import certifier_staff_required
from worldclass.certification import run_queries
from worldclass.certification.domain.program import (
    FIRST_PROGRAM_YEAR,
    LAST_PROGRAM_YEAR,
    publish_registry_year,
    validate_program_year,
)
from worldclass.certification.domain.runs import check_program_year_run, run_program_year, verify_run
from worldclass.certification.filters import CertificationRunFilter
from worldclass.certification.models import CertificationRun
from worldclass.certification.queries import program_year_status
from worldclass.core.domain import actor_label
from worldclass.core.errors import AppError
from worldclass.core.exports import Table, csv_response
from worldclass.core.forms import MonthField
from worldclass.core.paging import page_of, query_without_page

RUNS_PER_PAGE = 50
# Changes named on a run's page, of each kind: a first run of 100,000 CSRs gains them all (a page of megabytes); the
# CSV lists every one.
CHANGES_SHOWN = 100
CHANGE_COLUMNS = ["change", "level", "name", "code", "organization"]


class RunForm(forms.Form):
    """A program year and a month of it. The page words its refusals for its reader; the command line keeps the
    domain's English ones (`parse_month`, `validate_program_year`)."""

    year = forms.IntegerField(
        label=gettext_lazy("Program year"),
        help_text=gettext_lazy("The calendar year; its edition in force sets the rules."),
        widget=forms.TextInput,
    )
    through = MonthField(
        label=gettext_lazy("Through month"),
        help_text=gettext_lazy("YYYY-MM, a month of the program year: the month the certification is evaluated at."),
    )

    def clean_year(self):
        try:
            return validate_program_year(self.cleaned_data["year"])
        except AppError:
            raise forms.ValidationError(
                _("Enter a program year from %(first)s to %(last)s."),
                code="invalid_year",
                params={"first": FIRST_PROGRAM_YEAR, "last": LAST_PROGRAM_YEAR},
            ) from None


def _add_app_error(form: forms.Form, error: AppError) -> None:
    fields = [detail.field for detail in error.details if detail.field in form.fields]
    if fields:
        for field in fields:
            form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


def _run_or_404(pk: int) -> CertificationRun:
    run = run_queries.find_run(pk=pk)
    if run is None:
        raise Http404
    return run


@certifier_staff_required
@require_GET
def runs(request):
    """Every stored run, newest first, and the form to start one."""
    runs = CertificationRunFilter(request.GET, queryset=run_queries.runs())
    page = page_of(request, runs.qs, per_page=RUNS_PER_PAGE)
    return render(
        request,
        "certification/runs.html",
        {"page": page, "form": RunForm(), "filters": runs.form, "query": query_without_page(request)},
        status=400 if runs.errors else 200,
    )


@certifier_staff_required
@require_http_methods(["GET", "POST"])
def run_new(request):
    """Confirm, then make, a program year's run: the GET shows what will be evaluated under which edition; the POST
    evaluates, stores and audits it."""
    data = request.POST if request.method == "POST" else request.GET
    form = RunForm(data)
    if not form.is_valid():
        return render(request, "certification/run_new.html", {"form": form}, status=400)
    year, through = form.cleaned_data["year"], form.cleaned_data["through"]
    try:
        if request.method == "POST":
            run = run_program_year(year=year, through=through, actor=actor_label(request.user), user=request.user)
            messages.success(request, _("Run %(id)s is stored.") % {"id": run.pk})
            return redirect("certification:run", pk=run.pk)
        year, edition = check_program_year_run(year=year, through=through)
    except AppError as error:
        _add_app_error(form, error)
        return render(request, "certification/run_new.html", {"form": form}, status=error.status)
    return render(
        request, "certification/run_new.html", {"form": form, "year": year, "through": through, "edition": edition}
    )


@certifier_staff_required
@require_GET
def run_detail(request, pk: int):
    """A run: its counts per level, who gained or lapsed since the previous run (the first of each, all of them in
    the CSV), its certificates."""
    run = _run_or_404(pk)
    changes = run_queries.run_changes(run=run)
    return render(
        request,
        "certification/run_detail.html",
        {
            "run": run,
            "levels": run_queries.level_counts(run=run),
            "changes": changes,
            "gained_shown": changes.gained[:CHANGES_SHOWN],
            "lapsed_shown": changes.lapsed[:CHANGES_SHOWN],
            "certificates": run_queries.certificate_progress(run=run),
            "status": program_year_status(year=run.program_year) if run.program_year else None,
        },
    )


@certifier_staff_required
@require_GET
def run_changes_csv(request, pk: int):
    """Everyone who gained or lost a certification at the run since the previous one, as CSV."""
    run = _run_or_404(pk)
    changes = run_queries.run_changes(run=run)
    rows = [
        [change, entity.level, entity.name, entity.code, entity.organization]
        for change, entities in (("gained", changes.gained), ("lapsed", changes.lapsed))
        for entity in entities
    ]
    table = Table(title=_("Changes of run %(id)s") % {"id": run.pk}, columns=CHANGE_COLUMNS, rows=rows)
    return csv_response(table, filename=f"run-{run.pk}-changes.csv")


@certifier_staff_required
@require_GET
def run_verify(request, pk: int):
    """Replay the run with its stored rules and compare checksums, as `certify --verify-run` does."""
    run = _run_or_404(pk)
    try:
        verification = verify_run(run_id=run.pk)
    except AppError as error:
        messages.error(request, error.message)
        return redirect("certification:run", pk=run.pk)
    return render(request, "certification/run_verify.html", {"run": run, "verification": verification})


@certifier_staff_required
@require_http_methods(["GET", "POST"])
def run_publish(request, pk: int):
    """Confirm, then publish, the run as its program year's public registry."""
    run = _run_or_404(pk)
    if not run.program_year:
        messages.error(request, _("Only a program year's run can be published; this one explored an edition."))
        return redirect("certification:run", pk=run.pk)
    if request.method == "POST":
        try:
            publish_registry_year(year=run.program_year, run=run, actor=actor_label(request.user), user=request.user)
        except AppError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The registry of %(year)s now shows run %(id)s.") % {"year": run.program_year, "id": run.pk}
            )
        return redirect("certification:run", pk=run.pk)
    return render(
        request,
        "certification/run_publish.html",
        {"run": run, "status": program_year_status(year=run.program_year)},
    )
