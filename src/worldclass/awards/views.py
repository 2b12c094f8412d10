"""Web pages of the awards for applicants, judges and staff. Views parse forms and call the domain."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, User
from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards import forms, queries
from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import cycles as cycles_domain
from worldclass.awards.domain import decisions as decisions_domain
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.domain.deadlines import DEADLINE_FIELDS, describe_deadline, last_day
from worldclass.awards.domain.evidence import compute_evidence
from worldclass.awards.filters import ApplicationFilter
from worldclass.awards.models import (
    Application,
    Category,
    ConflictDeclaration,
    Cycle,
    Interview,
    NominationStory,
    PanelMember,
    Phase,
    Scorecard,
    Step,
    WinnerDecision,
)
from worldclass.awards.rules import administers_application, is_judge
from worldclass.core.errors import AppError
from worldclass.core.months import Month
from worldclass.directory.models import Organization

APPLICATIONS_PER_PAGE = 50


def login_required(view):
    """Send anonymous visitors to the login page (Django's admin login until the project names one `login`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            login_url = resolve_url(settings.LOGIN_URL)
        except NoReverseMatch:
            login_url = reverse("admin:login")
        return redirect_to_login(request.get_full_path(), login_url)

    return wrapper


def _run(request, action: Callable[[], object], *, success: str, to: str):
    """Run one domain action; show its error as a message (or answer 403/404 for permission and existence)."""
    try:
        action()
    except AppError as error:
        if error.status == 403:
            raise DjangoPermissionDenied(error.message) from error
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(to)


def error_text(error: AppError) -> str:
    """The error's message and those of its details that add something."""
    extra = [str(d) for d in error.details if d.message != error.message]
    return " ".join([error.message, *extra])


def _form_errors(request, form, to: str):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect(to)


def _staff_only(request) -> None:
    if not is_certifier_staff(request.user):
        raise DjangoPermissionDenied(_("Only awards staff can do this."))


def _application(request, pk: int) -> Application:
    try:
        return queries.application_for(user=request.user, pk=pk)
    except AppError as error:
        if error.status == 403:
            raise DjangoPermissionDenied(error.message) from error
        raise Http404(error.message) from error


def _deadlines(cycle: Cycle, application: Application | None = None) -> list[dict]:
    return [
        {
            "step": Step(step).label,
            "text": describe_deadline(cycle=cycle, day=last_day(cycle=cycle, step=step, application=application)),
        }
        for step in DEADLINE_FIELDS
    ]


# --- public -------------------------------------------------------------------------------------------------------


def home(request):
    """The awards: the current cycle's steps, deadlines and categories, and where each role goes next."""
    cycle = queries.current_cycle()
    context = {"cycle": cycle, "deadlines": _deadlines(cycle) if cycle else [], "categories": []}
    if cycle:
        context["categories"] = queries.open_categories(cycle=cycle)
        context["interviews"] = (cycle.interviews_start, cycle.interviews_end)
    context["past_cycles"] = Cycle.objects.filter(winner_decisions__published_at__isnull=False).distinct()
    return render(request, "awards/home.html", context)


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


def winners(request, year: int):
    """The public winners page of a cycle, with each winner's edited story."""
    cycle = get_object_or_404(Cycle, year=year)
    return render(request, "awards/winners.html", {"cycle": cycle, "winners": queries.published_winners(cycle=cycle)})


def _applicant_post(request, pk: int, action, success: str):
    application = _application(request, pk)
    return _run(request, lambda: action(application), success=success, to=reverse("awards:application", args=[pk]))


def _applicant_form_post(request, pk: int, form_class, action, success: str):
    """An applicant's form on the application page: only the organization's admins, then the domain decides."""
    application = _application(request, pk)
    if not administers_application(request.user, application):
        raise DjangoPermissionDenied(_("Only an admin of the applicant organization can do this."))
    to = reverse("awards:application", args=[pk])
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, form, to)
    return _run(request, lambda: action(application, form.cleaned_data), success=success, to=to)


# --- applicants ---------------------------------------------------------------------------------------------------


@login_required
def my_applications(request):
    """An applicant's applications, and the Step 1 form."""
    if not request.user.has_perm("awards.apply"):
        raise DjangoPermissionDenied(_("Only organization admins apply."))
    cycle = queries.current_cycle()
    organizations = list(queries.applicant_organizations(user=request.user))
    mine = queries.applications_for_user(user=request.user).order_by("-cycle__year", "category__position")
    form = forms.ApplicationForm(request.POST or None)
    if cycle:
        form.fields["category"].choices = [(c.pk, c.name) for c in queries.open_categories(cycle=cycle)]
    form.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
    form.fields["previous_application"].choices = [("", "—")] + [
        (a.pk, f"{a.cycle.year}: {a.title} ({a.category.name})") for a in mine if cycle and a.cycle_id != cycle.pk
    ]
    status = 200
    if request.method == "POST" and cycle and form.is_valid():
        data = form.cleaned_data
        try:
            application = apps_domain.create_application(
                user=request.user,
                cycle=cycle,
                category=get_object_or_404(Category, pk=data["category"], cycle=cycle),
                organization=get_object_or_404(Organization, pk=data["organization"]),
                title=data["title"],
                summary=data["summary"],
                previous_application=mine.filter(pk=data["previous_application"]).first()
                if data["previous_application"]
                else None,
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
        {"cycle": cycle, "applications": mine, "form": form, "deadlines": _deadlines(cycle) if cycle else []},
        status=status,
    )


@login_required
def application_detail(request, pk: int):
    """One application, as its applicant, a judge (blinded) or staff see it."""
    application = _application(request, pk)
    cycle = application.cycle
    user = request.user
    staff = is_certifier_staff(user)
    applicant = administers_application(user, application)
    judging = is_judge(user) and not staff and not applicant
    context = {
        "application": application,
        "cycle": cycle,
        "staff": staff,
        "applicant": applicant,
        "judging": judging,
        "blind": judging and not queries.identities_revealed(cycle),
        "deadlines": _deadlines(cycle, application),
        "checklist": [
            (item, application.checklist_answers.filter(item=item).first())
            for item in application.category.checklist_items.all()
        ]
        if not judging or cycle.phase != Phase.APPLICATIONS
        else [],
        "story": NominationStory.objects.filter(application=application).prefetch_related("attachments").first(),
        "evidence": list(application.evidence.all()),
    }
    if applicant:
        context["edit_form"] = forms.EditApplicationForm(
            auto_id="edit_%s", initial={"title": application.title, "summary": application.summary}
        )
        story = context["story"]
        context["story_form"] = forms.StoryForm(
            auto_id="story_%s",
            initial={f: getattr(story, f) for f in ("impact", "how_it_works", "results", "difference")}
            if story
            else None,
        )
        context["attachment_form"] = forms.AttachmentForm(auto_id="attachment_%s")
        context["evidence_form"] = forms.EvidenceForm(auto_id="evidence_%s")
        context["gala_form"] = forms.GalaAttendeeForm(auto_id="gala_%s")
    stage = queries.stage_for_phase(cycle.phase)
    if judging:
        criteria = queries.criteria_for(cycle)
        own = Scorecard.objects.filter(application=application, judge=user, stage=stage).first() if stage else None
        initial = {f"criterion_{s.criterion_id}": s.value for s in own.scores.all()} if own else {}
        if own:
            initial["comment"] = own.comment
        context["score_form"] = forms.score_form_class(criteria)(auto_id="score_%s", initial=initial) if stage else None
        context["own_scorecard"] = own
        context["stage"] = stage
        context["scorecards"] = (
            queries.visible_scorecards(viewer=user, application=application, stage=stage) if stage else []
        )
    if staff:
        context["move_form"] = forms.MoveForm(auto_id="move_%s")
        context["move_form"].fields["category"].widget.choices = [
            (c.pk, c.name) for c in queries.open_categories(cycle=cycle).exclude(pk=application.category_id)
        ]
        context["extension_form"] = forms.ExtensionForm(auto_id="extension_%s")
        context["interview_form"] = forms.InterviewForm(auto_id="interview_%s")
        context["moves"] = application.moves.select_related("from_category", "to_category", "moved_by")
        context["extensions"] = application.extensions.select_related("granted_by")
        context["interviews"] = application.interviews.select_related("interviewer")
        context["all_scorecards"] = list(
            Scorecard.objects.filter(application=application)
            .select_related("judge")
            .prefetch_related("scores__criterion")
        )
        context["decision"] = WinnerDecision.objects.filter(application=application).first()
    if applicant or staff:
        context["gala_attendees"] = application.gala_attendees.all()
    return render(request, "awards/application.html", context)


@login_required
@require_POST
def application_edit(request, pk: int):
    return _applicant_form_post(
        request,
        pk,
        forms.EditApplicationForm,
        lambda a, d: apps_domain.update_application(user=request.user, application=a, **d),
        _("Application updated."),
    )


@login_required
@require_POST
def application_submit(request, pk: int):
    return _applicant_post(
        request,
        pk,
        lambda a: apps_domain.submit_application(user=request.user, application=a),
        _("Application submitted."),
    )


@login_required
@require_POST
def checklist(request, pk: int):
    """Step 2: the checklist answers (yes/no with evidence), saved or submitted."""
    application = _application(request, pk)
    answers = []
    for item in application.category.checklist_items.all():
        meets = request.POST.get(f"meets_{item.pk}")
        if meets in ("yes", "no"):
            answers.append((item.pk, meets == "yes", request.POST.get(f"evidence_{item.pk}", "")))
    return _run(
        request,
        lambda: apps_domain.answer_checklist(
            user=request.user, application=application, answers=answers, submit="submit" in request.POST
        ),
        success=_("Checklist saved."),
        to=reverse("awards:application", args=[pk]),
    )


@login_required
@require_POST
def story(request, pk: int):
    return _applicant_form_post(
        request,
        pk,
        forms.StoryForm,
        lambda a, d: apps_domain.submit_story(user=request.user, application=a, **d),
        _("Nomination story submitted."),
    )


@login_required
@require_POST
def attachment(request, pk: int):
    return _applicant_form_post(
        request,
        pk,
        forms.AttachmentForm,
        lambda a, d: apps_domain.add_attachment(user=request.user, application=a, title=d["title"], file=d["file"]),
        _("File attached."),
    )


@login_required
@require_POST
def evidence(request, pk: int):
    """Attach a pre/post comparison of FCR and WCC computed from the organization's surveys."""

    def act(application, data):
        try:
            months = {k: Month.parse(v) for k, v in data.items()}
        except ValueError as error:
            raise AppError(code="invalid", message=_("Give months as YYYY-MM.")) from error
        compute_evidence(
            user=request.user,
            application=application,
            before=(months["before_start"], months["before_end"]),
            after=(months["after_start"], months["after_end"]),
        )

    return _applicant_form_post(request, pk, forms.EvidenceForm, act, _("Measured evidence attached."))


@login_required
@require_POST
def consent(request, pk: int):
    return _applicant_post(
        request,
        pk,
        lambda a: apps_domain.record_publication_consent(user=request.user, application=a),
        _("Consent to publication recorded."),
    )


@login_required
@require_POST
def gala(request, pk: int):
    return _applicant_form_post(
        request,
        pk,
        forms.GalaAttendeeForm,
        lambda a, d: apps_domain.register_gala_attendee(user=request.user, application=a, **d),
        _("Gala attendee registered."),
    )


# --- judges -------------------------------------------------------------------------------------------------------


@login_required
def judging(request):
    """A judge's dashboard: progress, the applications to judge in this phase, and conflict declarations."""
    if not is_judge(request.user):
        raise DjangoPermissionDenied(_("Only awards judges have a judging dashboard."))
    cycle = queries.current_cycle()
    context = {"cycle": cycle}
    if cycle:
        conflict_form = forms.ConflictForm()
        conflict_form.fields["organization"].widget.choices = [
            (o.pk, o.name) for o in queries.organizations_in_cycle(cycle=cycle)
        ]
        stage = queries.stage_for_phase(cycle.phase)
        visible = list(
            queries.applications_for_judge(judge=request.user, cycle=cycle).order_by("category__position", "pk")
        )
        scored = (
            set(Scorecard.objects.filter(judge=request.user, stage=stage).values_list("application_id", flat=True))
            if stage
            else set()
        )
        context.update(
            progress=queries.judge_progress(judge=request.user, cycle=cycle),
            applications=[(a, a.pk in scored) for a in visible],
            blind=not queries.identities_revealed(cycle),
            conflict_form=conflict_form,
            declarations=ConflictDeclaration.objects.filter(judge=request.user).select_related("organization"),
            flagged=Organization.objects.filter(pk__in=queries.flagged_organization_ids(judge=request.user)),
            stage=stage,
        )
    return render(request, "awards/judging.html", context)


@login_required
@require_POST
def declare_conflict(request):
    if not is_judge(request.user):
        raise DjangoPermissionDenied
    form = forms.ConflictForm(request.POST)
    to = reverse("awards:judging")
    if not form.is_valid():
        return _form_errors(request, form, to)
    organization = get_object_or_404(Organization, pk=form.cleaned_data["organization"])
    return _run(
        request,
        lambda: panel_domain.declare_conflict(
            judge=request.user, organization=organization, reason=form.cleaned_data["reason"]
        ),
        success=_("Conflict of interest declared."),
        to=to,
    )


@login_required
@require_POST
def score(request, pk: int):
    """A judge's scorecard for an application (0-10 per criterion, or abstain)."""
    if not is_judge(request.user):
        raise DjangoPermissionDenied
    application = _application(request, pk)
    to = reverse("awards:application", args=[pk])
    criteria = queries.criteria_for(application.cycle)
    form = forms.score_form_class(criteria)(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, to)
    values = {c.pk: form.cleaned_data[f"criterion_{c.pk}"] for c in criteria}
    return _run(
        request,
        lambda: panel_domain.submit_scorecard(
            judge=request.user, application=application, values=values, comment=form.cleaned_data["comment"]
        ),
        success=_("Scores submitted."),
        to=to,
    )


# --- staff --------------------------------------------------------------------------------------------------------


@login_required
def staff_cycles(request):
    """Staff: every cycle, and a form for the next one (with the published deadlines and categories)."""
    _staff_only(request)
    return render(request, "awards/staff_cycles.html", {"cycles": Cycle.objects.all(), "form": forms.CycleForm()})


@login_required
@require_POST
def cycle_create(request):
    _staff_only(request)
    form = forms.CycleForm(request.POST)
    to = reverse("awards:staff_cycles")
    if not form.is_valid():
        return _form_errors(request, form, to)
    return _run(
        request,
        lambda: cycles_domain.create_cycle(user=request.user, **form.cleaned_data),
        success=_("Cycle created."),
        to=to,
    )


@login_required
def staff_cycle(request, pk: int):
    """Staff: run a cycle: phase, categories, panel, conflicts, applications and winners."""
    _staff_only(request)
    cycle = get_object_or_404(Cycle, pk=pk)
    categories = list(cycle.categories.prefetch_related("judge_assignments__judge"))
    # Staff see every applicant organization's applications.
    # The same filters as the API's application list (category, status), on this cycle's applications.
    with scopes_disabled():
        application_filter = ApplicationFilter(
            request.GET,
            queryset=Application.objects.filter(cycle=cycle)
            .select_related("organization", "category", "original_category")
            .order_by("category__position", "pk"),
        )
        applications = Paginator(list(application_filter.qs), APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    panel = list(PanelMember.objects.filter(cycle=cycle).select_related("judge"))
    judges = User.objects.filter(role_assignments__role=Role.JUDGE).order_by("username")
    panel_form = forms.JudgeForm()
    panel_form.fields["judge"].widget.choices = [
        (j.pk, j.username) for j in judges if j.pk not in {m.judge_id for m in panel}
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
            "deadlines": _deadlines(cycle),
            "decisions": {d.category_id: d for d in WinnerDecision.objects.filter(cycle=cycle)},
        },
    )


def _staff_cycle_post(request, pk: int, build: Callable[[Cycle, dict], Callable[[], object]], form_class, success):
    _staff_only(request)
    cycle = get_object_or_404(Cycle, pk=pk)
    to = reverse("awards:staff_cycle", args=[cycle.pk])
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _form_errors(request, form, to)
    return _run(request, build(cycle, form.cleaned_data if form else {}), success=success, to=to)


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
    category = get_object_or_404(Category, pk=pk)
    to = reverse("awards:staff_cycle", args=[category.cycle_id])
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _form_errors(request, form, to)
    return _run(request, lambda: action(category, form.cleaned_data if form else {}), success=success, to=to)


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
            user=request.user, cycle=cycle, judge=get_object_or_404(User, pk=data["judge"])
        )

    return _staff_cycle_post(request, pk, build, forms.JudgeForm, _("Judge added to the panel."))


@login_required
@require_POST
def judge_assign(request, pk: int):
    def build(cycle, data):
        return lambda: panel_domain.assign_judge(
            user=request.user,
            category=get_object_or_404(Category, pk=data["category"], cycle=cycle),
            judge=get_object_or_404(User, pk=data["judge"]),
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
    declaration = get_object_or_404(ConflictDeclaration, pk=pk)
    to = request.POST.get("next") or reverse("awards:staff_cycles")
    if not to.startswith("/awards/"):
        to = reverse("awards:staff_cycles")
    form = forms.ConflictReviewForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, to)
    return _run(
        request,
        lambda: panel_domain.review_conflict(user=request.user, declaration=declaration, **form.cleaned_data),
        success=_("Conflict reviewed."),
        to=to,
    )


@login_required
def staff_category(request, pk: int):
    """Staff: a category's ranking (weighted mean, normalized mean, spread between judges) and its winner."""
    _staff_only(request)
    category = get_object_or_404(Category.objects.select_related("cycle"), pk=pk)
    stage = request.GET.get("stage")
    if stage not in Scorecard.Stage.values:
        stage = (
            Scorecard.Stage.FINAL
            if category.cycle.phase in (Phase.WINNER_SELECTION, Phase.CLOSED)
            else (Scorecard.Stage.SCREENING)
        )
    decision = WinnerDecision.objects.filter(category=category).select_related("decided_by", "application").first()
    story = NominationStory.objects.filter(application=decision.application).first() if decision else None
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
    application = _application(request, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    return _run(
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
    decision = get_object_or_404(WinnerDecision, pk=pk)
    to = reverse("awards:staff_category", args=[decision.category_id])
    form = forms.StoryEditForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, to)
    return _run(
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
    decision = get_object_or_404(WinnerDecision, pk=pk)
    return _run(
        request,
        lambda: decisions_domain.publish_winner(user=request.user, decision=decision),
        success=_("Winner published."),
        to=reverse("awards:staff_category", args=[decision.category_id]),
    )


def _staff_application_post(request, pk: int, form_class, build, success):
    _staff_only(request)
    application = _application(request, pk)
    to = reverse("awards:application", args=[pk])
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _form_errors(request, form, to)
    return _run(request, build(application, form.cleaned_data if form else {}), success=success, to=to)


@login_required
@require_POST
def move(request, pk: int):
    def build(application, data):
        return lambda: apps_domain.move_application(
            user=request.user,
            application=application,
            to_category=get_object_or_404(Category, pk=data["category"]),
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
    interview_row = get_object_or_404(Interview, pk=pk)
    to = reverse("awards:application", args=[interview_row.application_id])
    return _run(
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
