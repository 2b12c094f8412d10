"""The staff's pages: cycles, categories, the panel, conflicts, rankings, winners, and staff's part of an
application's page with its moves, extensions, interviews and finalist selection."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards import forms, queries
from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import cycles as cycles_domain
from worldclass.awards.domain import decisions as decisions_domain
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.filters import ApplicationFilter
from worldclass.awards.models import Application, Cycle, Scorecard, WinnerDecision
from worldclass.awards.views.common import (
    application_or_404,
    application_url,
    deadlines,
    found,
    login_required,
    post_form,
    run,
)
from worldclass.core.i18n import in_active_language

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
    return post_form(
        request,
        forms.CycleForm,
        to=reverse("awards:staff_cycles"),
        action=lambda data: cycles_domain.create_cycle(user=request.user, **data),
        success=_("Cycle created."),
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
    assign_form.fields["category"].widget.choices = [
        (c.pk, in_active_language(c)) for c in categories if c.retired_at is None
    ]
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


# A staff POST about one cycle, category, application or winner decision: how to find it, and the page to go back to.
_TARGETS = {
    "cycle": (
        lambda request, pk: found(queries.get_cycle, pk=pk),
        lambda cycle: reverse("awards:staff_cycle", args=[cycle.pk]),
    ),
    "category": (
        lambda request, pk: found(queries.get_category, pk=pk),
        lambda category: reverse("awards:staff_cycle", args=[category.cycle_id]),
    ),
    "application": (application_or_404, lambda application: application_url(application.pk)),
    "decision": (
        lambda request, pk: found(queries.get_winner_decision, pk=pk),
        lambda decision: reverse("awards:staff_category", args=[decision.category_id]),
    ),
}


def _post_about(kind: str, request, pk: int, form_class, action: Callable[..., object], success: str):
    """Staff only; find the `kind` (a key of `_TARGETS`) and call `action(user=, <kind>=, **form data)`."""
    _staff_only(request)
    find, back = _TARGETS[kind]
    target = find(request, pk)
    return post_form(
        request,
        form_class,
        to=back(target),
        action=lambda data: action(user=request.user, **{kind: target}, **data),
        success=success,
    )


def _staff_action(kind: str, action: Callable[..., object], form_class=None, *, success: str):
    """The POST view of `_post_about`: one domain function on one cycle, category, application or decision."""

    @login_required
    @require_POST
    def view(request, pk: int):
        return _post_about(kind, request, pk, form_class, action, success)

    return view


def _add_panel_member(*, user, cycle: Cycle, judge: int):
    return panel_domain.add_panel_member(user=user, cycle=cycle, judge=found(queries.get_user, pk=judge))


def _assign_judge(*, user, cycle: Cycle, category: int, judge: int):
    return panel_domain.assign_judge(
        user=user,
        category=found(queries.get_category, pk=category, cycle=cycle),
        judge=found(queries.get_user, pk=judge),
    )


def _edit_story(*, user, decision: WinnerDecision, edited_story: str):
    return decisions_domain.edit_published_story(user=user, decision=decision, text=edited_story)


def _move(*, user, application: Application, category: int, reason: str):
    return apps_domain.move_application(
        user=user, application=application, to_category=found(queries.get_category, pk=category), reason=reason
    )


cycle_phase = _staff_action("cycle", cycles_domain.set_phase, forms.PhaseForm, success=gettext_lazy("Phase changed."))
category_add = _staff_action(
    "cycle", cycles_domain.add_category, forms.NameForm, success=gettext_lazy("Category added.")
)
panel_add = _staff_action(
    "cycle", _add_panel_member, forms.JudgeForm, success=gettext_lazy("Judge added to the panel.")
)
judge_assign = _staff_action("cycle", _assign_judge, forms.AssignForm, success=gettext_lazy("Judge assigned."))
notify_applicants = _staff_action(
    "cycle", apps_domain.notify_applicants, success=gettext_lazy("Every applicant was notified.")
)
category_retire = _staff_action("category", cycles_domain.retire_category, success=gettext_lazy("Category retired."))
checklist_item_add = _staff_action(
    "category", cycles_domain.add_checklist_item, forms.ChecklistItemForm, success=gettext_lazy("Checklist item added.")
)
move = _staff_action(
    "application", _move, forms.MoveForm, success=gettext_lazy("Application moved; the applicant is notified.")
)
extension = _staff_action(
    "application", apps_domain.grant_extension, forms.ExtensionForm, success=gettext_lazy("Extension granted.")
)
interview = _staff_action(
    "application", apps_domain.schedule_interview, forms.InterviewForm, success=gettext_lazy("Interview scheduled.")
)

edit_story = _staff_action("decision", _edit_story, forms.StoryEditForm, success=gettext_lazy("Edited story saved."))
publish = _staff_action("decision", decisions_domain.publish_winner, success=gettext_lazy("Winner published."))


@login_required
@require_POST
def category_rename(request, pk: int):
    def rename(*, user, category, name: str, name_fr: str):
        # A form without the French field leaves the French name as it is.
        name_fr = name_fr if "name_fr" in request.POST else None
        return cycles_domain.rename_category(user=user, category=category, name=name, name_fr=name_fr)

    return _post_about("category", request, pk, forms.NameForm, rename, _("Category renamed."))


@login_required
@require_POST
def finalist(request, pk: int):
    def select(*, user, application):
        chosen = request.POST.get("finalist") == "1"
        return apps_domain.set_finalist(user=user, application=application, finalist=chosen)

    return _post_about("application", request, pk, None, select, _("Finalist selection saved."))


@login_required
@require_POST
def conflict_review(request, pk: int):
    _staff_only(request)
    declaration = found(queries.get_conflict_declaration, pk=pk)
    to = request.POST.get("next") or reverse("awards:staff_cycles")
    if not to.startswith("/awards/"):
        to = reverse("awards:staff_cycles")
    return post_form(
        request,
        forms.ConflictReviewForm,
        to=to,
        action=lambda data: panel_domain.review_conflict(user=request.user, declaration=declaration, **data),
        success=_("Conflict reviewed."),
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


def application_section(section: queries.StaffSection) -> dict:
    """Staff's part of an application's page: the forms to move, extend and interview, and the history."""
    move_form = forms.MoveForm(auto_id="move_%s")
    move_form.fields["category"].widget.choices = [(c.pk, in_active_language(c)) for c in section.other_open_categories]
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
