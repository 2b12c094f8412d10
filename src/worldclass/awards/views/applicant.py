"""The applicants' pages: registering, applying, and one application's page with its steps (2 to 5).

The application's page is also what a judge (blinded) and staff see: their sections come from `judge` and `staff`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from worldclass.awards import forms, queries
from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain.evidence import compute_evidence
from worldclass.awards.rules import administers_application
from worldclass.awards.views import judge, staff
from worldclass.awards.views.common import (
    application_or_404,
    application_url,
    deadlines,
    error_text,
    found,
    login_required,
    post_form,
    run,
)
from worldclass.core.errors import AppError
from worldclass.core.i18n import in_active_language
from worldclass.core.months import Month


def register(request):
    """A non-client registers an organization account to apply."""
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = apps_domain.register_organization(**form.cleaned_data)
        except AppError as error:
            for detail in error.details or []:
                form.add_error(detail.field if detail.field in form.fields else None, detail.message)
            if not error.details:
                form.add_error(None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your organization account is ready. You can apply now."))
            return redirect("awards:my_applications")
    return render(request, "awards/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_applications(request):
    """An applicant's applications, and the Step 1 form."""
    if not request.user.has_perm("awards.apply"):
        raise DjangoPermissionDenied(_("Only organization admins apply."))
    cycle = queries.current_cycle()
    organizations = list(queries.applicant_organizations(user=request.user))
    mine = queries.applicant_applications(user=request.user)
    earlier = {a.pk: a for a in mine if cycle and a.cycle_id != cycle.pk}
    form = forms.ApplicationForm(request.POST or None)
    if cycle:
        form.fields["category"].choices = [(c.pk, in_active_language(c)) for c in queries.open_categories(cycle=cycle)]
    form.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
    form.fields["previous_application"].choices = [("", "—")] + [
        (a.pk, f"{a.cycle.year}: {a.title} ({in_active_language(a.category)})") for a in earlier.values()
    ]
    status = 200
    if request.method == "POST" and cycle and form.is_valid():
        data = form.cleaned_data
        try:
            application = apps_domain.create_application(
                user=request.user,
                cycle=cycle,
                category=found(queries.get_category, pk=data["category"], cycle=cycle),
                organization=found(queries.get_organization, pk=data["organization"]),
                title=data["title"],
                summary=data["summary"],
                previous_application=earlier.get(data["previous_application"]),
                submit=data["submit"],
            )
        except AppError as error:
            if error.status == 403:
                raise DjangoPermissionDenied(error.message) from error
            form.add_error(None, error_text(error))
            status = error.status
        else:
            messages.success(request, _("Application saved."))
            return redirect("awards:application", pk=application.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "awards/my_applications.html",
        {"cycle": cycle, "applications": mine, "form": form, "deadlines": deadlines(cycle) if cycle else []},
        status=status,
    )


@login_required
def application_detail(request, pk: int):
    """One application, as its applicant, a judge (blinded) or staff see it."""
    page = found(queries.application_page, user=request.user, pk=pk)
    application = page.application
    context = {
        "application": application,
        "cycle": application.cycle,
        "staff": page.staff,
        "applicant": page.applicant,
        "judging": page.judging,
        "blind": page.blind,
        "deadlines": deadlines(application.cycle, application),
        "checklist": page.checklist,
        "story": page.story,
        "evidence": page.evidence,
    }
    if page.applicant:
        context.update(_applicant_forms(page.application, page.story))
    if page.judge_section is not None:
        context.update(judge.application_section(page.judge_section))
    if page.staff_section is not None:
        context.update(staff.application_section(page.staff_section))
    if page.applicant or page.staff:
        context["gala_attendees"] = page.gala_attendees
    return render(request, "awards/application.html", context)


def _applicant_forms(application, story) -> dict:
    story_fields = ("impact", "how_it_works", "results", "difference")
    return {
        "edit_form": forms.EditApplicationForm(
            auto_id="edit_%s", initial={"title": application.title, "summary": application.summary}
        ),
        "story_form": forms.StoryForm(
            auto_id="story_%s", initial={f: getattr(story, f) for f in story_fields} if story else None
        ),
        "attachment_form": forms.AttachmentForm(auto_id="attachment_%s"),
        "evidence_form": forms.EvidenceForm(auto_id="evidence_%s"),
        "gala_form": forms.GalaAttendeeForm(auto_id="gala_%s"),
    }


def _applicant_form_post(request, pk: int, form_class, action: Callable[..., object], success: str):
    """An applicant's form on the application page: only the organization's admins, then
    `action(user=, application=, **form data)` decides."""
    application = application_or_404(request, pk)
    if not administers_application(request.user, application):
        raise DjangoPermissionDenied(_("Only an admin of the applicant organization can do this."))
    return post_form(
        request,
        form_class,
        to=application_url(pk),
        action=lambda data: action(user=request.user, application=application, **data),
        success=success,
    )


def _applicant_action(action: Callable[..., object], form_class=None, *, success: str):
    """The POST view of one domain function on an application: with a form, only the organization's admins may
    send it (`_applicant_form_post`); without, the domain function alone decides."""

    @login_required
    @require_POST
    def view(request, pk: int):
        if form_class is not None:
            return _applicant_form_post(request, pk, form_class, action, success)
        application = application_or_404(request, pk)
        return run(
            request, lambda: action(user=request.user, application=application), success=success, to=application_url(pk)
        )

    return view


application_edit = _applicant_action(
    apps_domain.update_application, forms.EditApplicationForm, success=gettext_lazy("Application updated.")
)
application_submit = _applicant_action(apps_domain.submit_application, success=gettext_lazy("Application submitted."))
story = _applicant_action(
    apps_domain.submit_story, forms.StoryForm, success=gettext_lazy("Nomination story submitted.")
)
attachment = _applicant_action(apps_domain.add_attachment, forms.AttachmentForm, success=gettext_lazy("File attached."))
consent = _applicant_action(
    apps_domain.record_publication_consent, success=gettext_lazy("Consent to publication recorded.")
)
gala = _applicant_action(
    apps_domain.register_gala_attendee, forms.GalaAttendeeForm, success=gettext_lazy("Gala attendee registered.")
)


@login_required
@require_POST
def checklist(request, pk: int):
    """Step 2: the checklist answers (yes/no with evidence), saved or submitted."""
    application = application_or_404(request, pk)
    answers = []
    for item in queries.checklist_items(category=application.category):
        meets = request.POST.get(f"meets_{item.pk}")
        if meets in ("yes", "no"):
            answers.append((item.pk, meets == "yes", request.POST.get(f"evidence_{item.pk}", "")))
    return run(
        request,
        lambda: apps_domain.answer_checklist(
            user=request.user, application=application, answers=answers, submit="submit" in request.POST
        ),
        success=_("Checklist saved."),
        to=application_url(pk),
    )


@login_required
@require_POST
def evidence(request, pk: int):
    """Attach a pre/post comparison of FCR and WCC computed from the organization's surveys."""

    def act(*, user, application, **data):
        try:
            months = {k: Month.parse(v) for k, v in data.items()}
        except ValueError as error:
            raise AppError(code="invalid", message=_("Give months as YYYY-MM.")) from error
        compute_evidence(
            user=user,
            application=application,
            before=(months["before_start"], months["before_end"]),
            after=(months["after_start"], months["after_end"]),
        )

    return _applicant_form_post(request, pk, forms.EvidenceForm, act, _("Measured evidence attached."))
