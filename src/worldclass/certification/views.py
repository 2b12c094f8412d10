"""The certifier's run pages: start a run, read it (counts, changes since the previous run), replay it. Issuing
its certificates is the certificates app's page. Certifier staff only; every change is a confirmed POST calling one
domain function, which audits it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from worldclass.accounts.decorators import certifier_staff_required
from worldclass.certification import run_queries
from worldclass.certification.domain.evaluation import parse_month
from worldclass.certification.domain.runs import run_certification, verify_run
from worldclass.certification.models import CertificationRun, Edition
from worldclass.core.domain import actor_label
from worldclass.core.errors import AppError

RUNS_PER_PAGE = 50


class RunForm(forms.Form):
    edition = forms.ModelChoiceField(
        queryset=Edition.objects.order_by("-year"), label=gettext_lazy("Edition"), to_field_name="year"
    )
    through = forms.CharField(
        label=gettext_lazy("Through month"),
        max_length=7,
        help_text=gettext_lazy("YYYY-MM: the month the certification is evaluated at."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def clean_through(self):
        try:
            return parse_month(self.cleaned_data["through"].strip(), field_name="through")
        except AppError as error:
            raise forms.ValidationError(error.message) from error


def _run_or_404(pk: int) -> CertificationRun:
    run = run_queries.find_run(pk=pk)
    if run is None:
        raise Http404
    return run


@certifier_staff_required
@require_GET
def runs(request):
    """Every stored run, newest first, and the form to start one."""
    page = Paginator(run_queries.runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "certification/runs.html", {"page": page, "form": RunForm()})


@certifier_staff_required
@require_http_methods(["GET", "POST"])
def run_new(request):
    """Confirm, then make, a run: the GET shows what will be evaluated; the POST evaluates, stores and audits it."""
    data = request.POST if request.method == "POST" else request.GET
    form = RunForm(data)
    if not form.is_valid():
        return render(request, "certification/run_new.html", {"form": form}, status=400)
    edition, through = form.cleaned_data["edition"], form.cleaned_data["through"]
    if request.method == "POST":
        try:
            run = run_certification(
                edition=edition, through=through, actor=actor_label(request.user), user=request.user
            )
        except AppError as error:
            form.add_error(None, error.message)
            return render(request, "certification/run_new.html", {"form": form}, status=error.status)
        messages.success(request, _("Run %(id)s is stored.") % {"id": run.pk})
        return redirect("certification:run", pk=run.pk)
    return render(request, "certification/run_new.html", {"form": form, "edition": edition, "through": through})


@certifier_staff_required
@require_GET
def run_detail(request, pk: int):
    """A run: its counts per level, who gained or lapsed since the previous run, its certificates."""
    run = _run_or_404(pk)
    return render(
        request,
        "certification/run_detail.html",
        {
            "run": run,
            "levels": run_queries.level_counts(run=run),
            "changes": run_queries.run_changes(run=run),
            "certificates": run_queries.certificate_progress(run=run),
        },
    )


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
