"""The judges' pages: the dashboard, conflict declarations, scoring, and the judge's part of an application's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from worldclass.awards import forms, queries
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.rules import is_judge
from worldclass.awards.views.common import application_or_404, application_url, found, login_required, post_form


@login_required
def judging(request):
    """A judge's dashboard: progress, the applications to judge in this phase, and conflict declarations."""
    if not is_judge(request.user):
        raise DjangoPermissionDenied(_("Only awards judges have a judging dashboard."))
    cycle = queries.current_cycle()
    context = {"cycle": cycle}
    if cycle:
        dashboard = queries.judging_dashboard(judge=request.user, cycle=cycle)
        conflict_form = forms.ConflictForm()
        conflict_form.fields["organization"].widget.choices = [(o.pk, o.name) for o in dashboard.organizations_in_cycle]
        # The dashboard's fields are the template's names (stage, progress, applications, blind, declarations...).
        context.update(vars(dashboard), conflict_form=conflict_form)
    return render(request, "awards/judging.html", context)


def application_section(section: queries.JudgeSection) -> dict:
    """The judge's part of an application's page: the score form (filled with their scores) and the panel's."""
    own = section.own_scorecard
    initial = {f"criterion_{s.criterion_id}": s.value for s in own.scores.all()} if own else {}
    if own:
        initial["comment"] = own.comment
    score_form = (
        forms.score_form_class(section.criteria)(auto_id="score_%s", initial=initial) if section.stage else None
    )
    return {"score_form": score_form, "own_scorecard": own, "stage": section.stage, "scorecards": section.scorecards}


@login_required
@require_POST
def declare_conflict(request):
    if not is_judge(request.user):
        raise DjangoPermissionDenied

    def declare(data):
        organization = found(queries.get_organization, pk=data["organization"])
        return panel_domain.declare_conflict(judge=request.user, organization=organization, reason=data["reason"])

    return post_form(
        request,
        forms.ConflictForm,
        to=reverse("awards:judging"),
        action=declare,
        success=_("Conflict of interest declared."),
    )


@login_required
@require_POST
def score(request, pk: int):
    """A judge's scorecard for an application (0-10 per criterion, or abstain)."""
    if not is_judge(request.user):
        raise DjangoPermissionDenied
    application = application_or_404(request, pk)
    criteria = queries.criteria_for(application.cycle)

    def submit(data):
        values = {c.pk: data[f"criterion_{c.pk}"] for c in criteria}
        return panel_domain.submit_scorecard(
            judge=request.user, application=application, values=values, comment=data["comment"]
        )

    return post_form(
        request,
        forms.score_form_class(criteria),
        to=application_url(pk),
        action=submit,
        success=_("Scores submitted."),
    )
