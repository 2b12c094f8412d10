"""The staff's pages: cycles, categories, the panel, conflicts, rankings, winners, and staff's part of an
application's page with its moves, extensions, interviews and finalist selection."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards import forms, queries
from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import cycles as cycles_domain
from worldclass.awards.domain import decisions as decisions_domain
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.filters import ApplicationFilter
from worldclass.awards.models import Application, Cycle, Scorecard
from worldclass.awards.views.common import (
    application_or_404,
    application_url,
    deadlines,
    form_errors,
    found,
    login_required,
    run,
)

APPLICATIONS_PER_PAGE = 50


def _staff_only(request) -> None:
    if not is_certifier_staff(request.user):
        raise DjangoPermissionDenied(_("Only awards staff can do this."))


@login_required
def staff_cycles(request):
    """Staff: every cycle, and a form for the next one (with the published deadlines and categories)."""
    _staff_only(request)
    return render(request, "awards/staff_cycles.html", {"cycles": queries.all_cycles(), "form": forms.CycleForm()})


@login_required
@require_POST
def cycle_create(request):
    _staff_only(request)
    form = forms.CycleForm(request.POST)
    to = reverse("awards:staff_cycles")
    if not form.is_valid():
        return form_errors(request, form, to)
    return run(
        request,
        lambda: cycles_domain.create_cycle(user=request.user, **form.cleaned_data),
        success=_("Cycle created."),
        to=to,
    )


@login_required
def staff_cycle(request, pk: int):
    """Staff: run a cycle: phase, categories, panel, conflicts, applications and winners."""
    _staff_only(request)
    cycle = found(queries.get_cycle, pk=pk)
    categories = queries.categories_with_judges(cycle=cycle)
    # The same filters as the API's application list (category, status), on this cycle's applications.
    application_filter = ApplicationFilter(request.GET, queryset=queries.cycle_applications(cycle=cycle))
    applications = Paginator(list(application_filter.qs), APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    panel = queries.panel_of(cycle=cycle)
    panel_form = forms.JudgeForm()
    panel_form.fields["judge"].widget.choices = [
        (j.pk, j.username) for j in queries.judges() if j.pk not in {m.judge_id for m in panel}
    ]
    assign_form = forms.AssignForm()
    assign_form.fields["judge"].widget.choices = [(m.judge_id, m.judge.username) for m in panel]
    assign_form.fields["category"].widget.choices = [(c.pk, c.name) for c in categories if c.retired_at is None]
    return render(
        request,
        "awards/staff_cycle.html",
        {
            "cycle": cycle,
            "categories": categories,
            "applications": applications,
            "page": applications,
            "query": query.urlencode(),
            "application_statuses": Application.Status.choices,
            "chosen_category": request.GET.get("category", ""),
            "chosen_status": request.GET.get("status", ""),
            "panel": panel,
            "phase_form": forms.PhaseForm(initial={"phase": cycle.phase}),
            "panel_form": panel_form,
            "assign_form": assign_form,
            "conflicts": queries.conflicts_for_review(cycle=cycle),
            "review_form": forms.ConflictReviewForm(),
            "deadlines": deadlines(cycle),
            "decisions": queries.decisions_by_category(cycle=cycle),
        },
    )


def _staff_cycle_post(request, pk: int, build: Callable[[Cycle, dict], Callable[[], object]], form_class, success):
    _staff_only(request)
    cycle = found(queries.get_cycle, pk=pk)
    to = reverse("awards:staff_cycle", args=[cycle.pk])
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return form_errors(request, form, to)
    return run(request, build(cycle, form.cleaned_data if form else {}), success=success, to=to)


@login_required
@require_POST
def cycle_phase(request, pk: int):
    return _staff_cycle_post(
        request,
        pk,
        lambda c, d: lambda: cycles_domain.set_phase(user=request.user, cycle=c, phase=d["phase"]),
        forms.PhaseForm,
        _("Phase changed."),
    )


@login_required
@require_POST
def category_add(request, pk: int):
    return _staff_cycle_post(
        request,
        pk,
        lambda c, d: (
            lambda: cycles_domain.add_category(user=request.user, cycle=c, name=d["name"], name_fr=d["name_fr"])
        ),
        forms.NameForm,
        _("Category added."),
    )


def _category_post(request, pk: int, action, form_class, success):
    _staff_only(request)
    category = found(queries.get_category, pk=pk)
    to = reverse("awards:staff_cycle", args=[category.cycle_id])
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return form_errors(request, form, to)
    return run(request, lambda: action(category, form.cleaned_data if form else {}), success=success, to=to)


@login_required
@require_POST
def category_rename(request, pk: int):
    return _category_post(
        request,
        pk,
        lambda c, d: cycles_domain.rename_category(
            user=request.user, category=c, name=d["name"], name_fr=d["name_fr"] if "name_fr" in request.POST else None
        ),
        forms.NameForm,
        _("Category renamed."),
    )


@login_required
@require_POST
def category_retire(request, pk: int):
    return _category_post(
        request,
        pk,
        lambda c, d: cycles_domain.retire_category(user=request.user, category=c),
        None,
        _("Category retired."),
    )


@login_required
@require_POST
def checklist_item_add(request, pk: int):
    return _category_post(
        request,
        pk,
        lambda c, d: cycles_domain.add_checklist_item(
            user=request.user, category=c, text=d["text"], text_fr=d["text_fr"]
        ),
        forms.ChecklistItemForm,
        _("Checklist item added."),
    )


@login_required
@require_POST
def panel_add(request, pk: int):
    def build(cycle, data):
        return lambda: panel_domain.add_panel_member(
            user=request.user, cycle=cycle, judge=found(queries.get_user, pk=data["judge"])
        )

    return _staff_cycle_post(request, pk, build, forms.JudgeForm, _("Judge added to the panel."))


@login_required
@require_POST
def judge_assign(request, pk: int):
    def build(cycle, data):
        return lambda: panel_domain.assign_judge(
            user=request.user,
            category=found(queries.get_category, pk=data["category"], cycle=cycle),
            judge=found(queries.get_user, pk=data["judge"]),
        )

    return _staff_cycle_post(request, pk, build, forms.AssignForm, _("Judge assigned."))


@login_required
@require_POST
def notify_applicants(request, pk: int):
    return _staff_cycle_post(
        request,
        pk,
        lambda c, d: lambda: apps_domain.notify_applicants(user=request.user, cycle=c),
        None,
        _("Every applicant was notified."),
    )


@login_required
@require_POST
def conflict_review(request, pk: int):
    _staff_only(request)
    declaration = found(queries.get_conflict_declaration, pk=pk)
    to = request.POST.get("next") or reverse("awards:staff_cycles")
    if not to.startswith("/awards/"):
        to = reverse("awards:staff_cycles")
    form = forms.ConflictReviewForm(request.POST)
    if not form.is_valid():
        return form_errors(request, form, to)
    return run(
        request,
        lambda: panel_domain.review_conflict(user=request.user, declaration=declaration, **form.cleaned_data),
        success=_("Conflict reviewed."),
        to=to,
    )


@login_required
def staff_category(request, pk: int):
    """Staff: a category's ranking (weighted mean, normalized mean, spread between judges) and its winner."""
    _staff_only(request)
    category = found(queries.get_category, pk=pk)
    stage = queries.ranking_stage(cycle=category.cycle, requested=request.GET.get("stage"))
    decision = queries.category_decision(category=category)
    story = queries.story_of(application=decision.application) if decision else None
    return render(
        request,
        "awards/staff_category.html",
        {
            "category": category,
            "cycle": category.cycle,
            "stage": stage,
            "stages": Scorecard.Stage.choices,
            "rows": queries.category_ranking(category=category, stage=stage),
            "decision": decision,
            "story_form": forms.StoryEditForm(initial={"edited_story": story.edited_story}) if story else None,
        },
    )


@login_required
@require_POST
def decide(request, pk: int):
    """Staff decide the winner of the application's category."""
    _staff_only(request)
    application = application_or_404(request, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    return run(
        request,
        lambda: decisions_domain.decide_winner(
            user=request.user,
            category=application.category,
            application=application,
            reason=form.cleaned_data.get("reason", ""),
        ),
        success=_("Winner decided."),
        to=reverse("awards:staff_category", args=[application.category_id]),
    )


@login_required
@require_POST
def edit_story(request, pk: int):
    _staff_only(request)
    decision = found(queries.get_winner_decision, pk=pk)
    to = reverse("awards:staff_category", args=[decision.category_id])
    form = forms.StoryEditForm(request.POST)
    if not form.is_valid():
        return form_errors(request, form, to)
    return run(
        request,
        lambda: decisions_domain.edit_published_story(
            user=request.user, decision=decision, text=form.cleaned_data["edited_story"]
        ),
        success=_("Edited story saved."),
        to=to,
    )


@login_required
@require_POST
def publish(request, pk: int):
    _staff_only(request)
    decision = found(queries.get_winner_decision, pk=pk)
    return run(
        request,
        lambda: decisions_domain.publish_winner(user=request.user, decision=decision),
        success=_("Winner published."),
        to=reverse("awards:staff_category", args=[decision.category_id]),
    )


def application_section(section: queries.StaffSection) -> dict:
    """Staff's part of an application's page: the forms to move, extend and interview, and the history."""
    move_form = forms.MoveForm(auto_id="move_%s")
    move_form.fields["category"].widget.choices = [(c.pk, c.name) for c in section.other_open_categories]
    return {
        "move_form": move_form,
        "extension_form": forms.ExtensionForm(auto_id="extension_%s"),
        "interview_form": forms.InterviewForm(auto_id="interview_%s"),
        "moves": section.moves,
        "extensions": section.extensions,
        "interviews": section.interviews,
        "all_scorecards": section.scorecards,
        "decision": section.decision,
    }


def _staff_application_post(request, pk: int, form_class, build, success):
    _staff_only(request)
    application = application_or_404(request, pk)
    to = application_url(pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return form_errors(request, form, to)
    return run(request, build(application, form.cleaned_data if form else {}), success=success, to=to)


@login_required
@require_POST
def move(request, pk: int):
    def build(application, data):
        return lambda: apps_domain.move_application(
            user=request.user,
            application=application,
            to_category=found(queries.get_category, pk=data["category"]),
            reason=data["reason"],
        )

    return _staff_application_post(
        request, pk, forms.MoveForm, build, _("Application moved; the applicant is notified.")
    )


@login_required
@require_POST
def extension(request, pk: int):
    return _staff_application_post(
        request,
        pk,
        forms.ExtensionForm,
        lambda a, d: lambda: apps_domain.grant_extension(user=request.user, application=a, **d),
        _("Extension granted."),
    )


@login_required
@require_POST
def interview(request, pk: int):
    return _staff_application_post(
        request,
        pk,
        forms.InterviewForm,
        lambda a, d: lambda: apps_domain.schedule_interview(user=request.user, application=a, **d),
        _("Interview scheduled."),
    )


@login_required
@require_POST
def interview_notes(request, pk: int):
    _staff_only(request)
    interview_row = found(queries.get_interview, pk=pk)
    to = application_url(interview_row.application_id)
    return run(
        request,
        lambda: apps_domain.record_interview_notes(
            user=request.user, interview=interview_row, notes=request.POST.get("notes", "")
        ),
        success=_("Notes saved."),
        to=to,
    )


@login_required
@require_POST
def finalist(request, pk: int):
    return _staff_application_post(
        request,
        pk,
        None,
        lambda a, d: (
            lambda: apps_domain.set_finalist(
                user=request.user, application=a, finalist=request.POST.get("finalist") == "1"
            )
        ),
        _("Finalist selection saved."),
    )
