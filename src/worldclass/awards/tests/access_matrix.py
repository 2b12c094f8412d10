"""Every awards route crossed with every role (see accounts/tests/access.py)."""

from __future__ import annotations

from django_scopes import scopes_disabled

from worldclass.accounts.tests.access import LOGIN_REDIRECT, AccessCase, only, public
from worldclass.accounts.tests.world import ROLES, RoleWorld


def build_awards(world: RoleWorld) -> None:
    """A cycle in screening: one application of the world's org (by org_admin) judged by the world's judge."""
    from worldclass.awards.domain.cycles import create_cycle, example_deadlines
    from worldclass.awards.domain.panel import add_panel_member, assign_judge
    from worldclass.awards.models import (
        Application,
        ConflictDeclaration,
        Interview,
        Phase,
        WinnerDecision,
    )

    staff = world.users["certifier_staff"]
    judge = world.users["judge"]
    with scopes_disabled():
        cycle = create_cycle(user=staff, year=2090, deadlines=example_deadlines(year=2090))
        category, other_category = list(cycle.categories.order_by("position")[:2])
        add_panel_member(user=staff, cycle=cycle, judge=judge)
        assign_judge(user=staff, category=category, judge=judge)
        from django.utils import timezone

        application = Application.objects.create(
            cycle=cycle,
            category=category,
            organization=world.org,
            title="Acme coaching",
            summary="Peer coaching.",
            created_by=world.users["org_admin"],
            status=Application.Status.FINALIST,
            submitted_at=timezone.now(),
        )
        finalist_elsewhere = Application.objects.create(
            cycle=cycle,
            category=other_category,
            organization=world.other_org,
            title="Globex IVR",
            summary="IVR.",
            created_by=world.users["other_org_admin"],
            status=Application.Status.FINALIST,
            submitted_at=timezone.now(),
        )
        cycle.phase = Phase.SCREENING
        cycle.save()
        declaration = ConflictDeclaration.objects.create(judge=judge, organization=world.other_org, reason="Advisor")
        interview = Interview.objects.create(application=application, scheduled_at=timezone.now(), interviewer=staff)
        decision = WinnerDecision.objects.create(
            cycle=cycle, category=other_category, application=finalist_elsewhere, decided_by=staff
        )
    world.extra.update(
        cycle=cycle,
        category=category,
        application=application,
        declaration=declaration,
        interview=interview,
        decision=decision,
    )


def _staff_post(ok: int = 302) -> dict[str, int]:
    return only({"certifier_staff"}, ok=ok)


def _app(w) -> int:
    return w.extra["application"].pk


def _application_page(ok: int = 200, *, judge: int = 200) -> dict[str, int]:
    """Staff, the applicant's admin and the assigned judge see it; everyone else gets 404."""
    expect = dict.fromkeys(ROLES, 404)
    expect.update(anonymous=LOGIN_REDIRECT, certifier_staff=ok, superuser=ok, org_admin=ok, judge=judge)
    return expect


def _applicant_post() -> dict[str, int]:
    """The applicant's admin acts (302 with a message); staff and the judge may see the application but not act."""
    expect = dict.fromkeys(ROLES, 404)
    expect.update(anonymous=LOGIN_REDIRECT, org_admin=302, certifier_staff=403, superuser=403, judge=403)
    return expect


def _staff_application_post() -> dict[str, int]:
    expect = dict.fromkeys(ROLES, 403)
    expect.update(anonymous=LOGIN_REDIRECT, certifier_staff=302, superuser=302)
    return expect


S = build_awards
APPLICANT_ROUTES = [
    "application_edit",
    "application_submit",
    "checklist",
    "story",
    "attachment",
    "evidence",
    "consent",
    "gala",
]
STAFF_APPLICATION_ROUTES = ["move", "extension", "interview", "finalist", "decide"]

CASES = [
    AccessCase("awards:home", lambda w: "/awards/", public(), setup=S),
    AccessCase("awards:register", lambda w: "/awards/register/", public()),
    AccessCase(
        "awards:register",
        lambda w: "/awards/register/",
        public(400),
        method="post",
        data=lambda w: {"organization_name": "", "username": "", "email": "", "password": ""},
        label="invalid",
    ),
    AccessCase("awards:winners", lambda w: f"/awards/{w.extra['cycle'].year}/winners/", public(), setup=S),
    # Django gives a superuser every permission, "awards.apply" included: it sees the page, with no organization.
    AccessCase(
        "awards:my_applications",
        lambda w: "/awards/apply/",
        only({"org_admin", "other_org_admin", "superuser"}),
        setup=S,
    ),
    AccessCase("awards:application", lambda w: f"/awards/applications/{_app(w)}/", _application_page(), setup=S),
    *[
        AccessCase(
            f"awards:{name}",
            lambda w, n=name: f"/awards/applications/{_app(w)}/{_suffix(n)}/",
            _applicant_post(),
            method="post",
            data=lambda w: {},
            setup=S,
        )
        for name in APPLICANT_ROUTES
    ],
    AccessCase("awards:judging", lambda w: "/awards/judging/", only({"judge"}), setup=S),
    AccessCase(
        "awards:declare_conflict",
        lambda w: "/awards/judging/conflicts/",
        only({"judge"}, ok=302),
        method="post",
        data=lambda w: {"organization": w.other_org.pk},
        setup=S,
    ),
    AccessCase(
        "awards:score",
        lambda w: f"/awards/applications/{_app(w)}/score/",
        only({"judge"}, ok=302),
        method="post",
        data=lambda w: {},
        setup=S,
    ),
    AccessCase("awards:staff_cycles", lambda w: "/awards/staff/", only({"certifier_staff"})),
    AccessCase(
        "awards:cycle_create",
        lambda w: "/awards/staff/cycles/",
        _staff_post(),
        method="post",
        data=lambda w: {"year": 2091, "time_zone": "America/Toronto"},
    ),
    AccessCase(
        "awards:staff_cycle",
        lambda w: f"/awards/staff/cycles/{w.extra['cycle'].pk}/",
        only({"certifier_staff"}),
        setup=S,
    ),
    *[
        AccessCase(
            f"awards:{name}",
            lambda w, s=suffix: f"/awards/staff/cycles/{w.extra['cycle'].pk}/{s}/",
            _staff_post(),
            method="post",
            data=lambda w: {},
            setup=S,
        )
        for name, suffix in [
            ("cycle_phase", "phase"),
            ("category_add", "categories"),
            ("panel_add", "panel"),
            ("judge_assign", "assignments"),
            ("notify_applicants", "notify"),
        ]
    ],
    AccessCase(
        "awards:staff_category",
        lambda w: f"/awards/staff/categories/{w.extra['category'].pk}/",
        only({"certifier_staff"}),
        setup=S,
    ),
    *[
        AccessCase(
            f"awards:{name}",
            lambda w, s=suffix: f"/awards/staff/categories/{w.extra['category'].pk}/{s}/",
            _staff_post(),
            method="post",
            data=lambda w: {},
            setup=S,
        )
        for name, suffix in [
            ("category_rename", "rename"),
            ("category_retire", "retire"),
            ("checklist_item_add", "checklist"),
        ]
    ],
    AccessCase(
        "awards:conflict_review",
        lambda w: f"/awards/staff/conflicts/{w.extra['declaration'].pk}/review/",
        _staff_post(),
        method="post",
        data=lambda w: {},
        setup=S,
    ),
    *[
        AccessCase(
            f"awards:{name}",
            lambda w, n=name: f"/awards/staff/applications/{_app(w)}/{n}/",
            _staff_application_post(),
            method="post",
            data=lambda w: {},
            setup=S,
        )
        for name in STAFF_APPLICATION_ROUTES
    ],
    AccessCase(
        "awards:interview_notes",
        lambda w: f"/awards/staff/interviews/{w.extra['interview'].pk}/notes/",
        _staff_post(),
        method="post",
        data=lambda w: {"notes": "Called."},
        setup=S,
    ),
    AccessCase(
        "awards:edit_story",
        lambda w: f"/awards/staff/decisions/{w.extra['decision'].pk}/story/",
        _staff_post(),
        method="post",
        data=lambda w: {},
        setup=S,
    ),
    AccessCase(
        "awards:publish",
        lambda w: f"/awards/staff/decisions/{w.extra['decision'].pk}/publish/",
        _staff_post(),
        method="post",
        data=lambda w: {},
        setup=S,
    ),
]


def _suffix(name: str) -> str:
    return {"application_edit": "edit", "application_submit": "submit", "attachment": "attachments"}.get(name, name)


# --- API (token or session; anonymous callers get 401 from DRF's token authentication) ---
def _api_signed_in(status: int = 200) -> dict[str, int]:
    return {**public(status), "anonymous": 401}


def _api_staff(ok: int) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, 403), "certifier_staff": ok, "superuser": ok, "anonymous": 401}


API = "/api/v1/awards"
CASES += [
    AccessCase("awards-cycle-list", lambda w: f"{API}/cycles/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-cycle-list",
        lambda w: f"{API}/cycles/",
        # The superuser comes after certifier staff, who created that year's cycle already (409).
        {**_api_staff(201), "superuser": 409},
        method="post",
        data=lambda w: {"year": 2092},
        content_type="application/json",
        label="create",
    ),
    AccessCase("awards-cycle-detail", lambda w: f"{API}/cycles/{w.extra['cycle'].pk}/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-cycle-phase",
        lambda w: f"{API}/cycles/{w.extra['cycle'].pk}/phase/",
        _api_staff(200),
        method="post",
        data=lambda w: {"phase": "screening"},
        content_type="application/json",
        setup=S,
    ),
    AccessCase("awards-category-list", lambda w: f"{API}/categories/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-category-detail", lambda w: f"{API}/categories/{w.extra['category'].pk}/", _api_signed_in(), setup=S
    ),
    AccessCase(
        "awards-category-detail",
        lambda w: f"{API}/categories/{w.extra['category'].pk}/",
        _api_staff(200),
        method="patch",
        data=lambda w: {"name": "Omnichannel"},
        content_type="application/json",
        setup=S,
        label="rename",
    ),
    AccessCase("awards-application-list", lambda w: f"{API}/applications/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-application-detail",
        lambda w: f"{API}/applications/{_app(w)}/",
        {**_application_page(), "anonymous": 401},
        setup=S,
    ),
    AccessCase(
        "awards-application-submit",
        lambda w: f"{API}/applications/{_app(w)}/submit/",
        {**_application_page(ok=403), "org_admin": 200, "judge": 403, "anonymous": 401},
        method="post",
        setup=S,
    ),
    AccessCase(
        "awards-application-move",
        lambda w: f"{API}/applications/{_app(w)}/move/",
        _api_staff(400),
        method="post",
        data=lambda w: {"category": w.extra["category"].pk, "reason": "Same"},
        content_type="application/json",
        setup=S,
    ),
    AccessCase(
        "awards-application-finalist",
        lambda w: f"{API}/applications/{_app(w)}/finalist/",
        _api_staff(409),
        method="post",
        data=lambda w: {"finalist": True},
        content_type="application/json",
        setup=S,
    ),
    AccessCase("awards-checklist-answer-list", lambda w: f"{API}/checklist-answers/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-checklist-answer-detail",
        lambda w: f"{API}/checklist-answers/{_answer(w)}/",
        {
            **dict.fromkeys(ROLES, 404),
            "certifier_staff": 200,
            "superuser": 200,
            "org_admin": 200,
            "judge": 200,
            "anonymous": 401,
        },
        setup=lambda w: (S(w), _make_answer(w)),
    ),
    AccessCase("awards-scorecard-list", lambda w: f"{API}/scores/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-scorecard-detail",
        lambda w: f"{API}/scores/{w.extra['scorecard'].pk}/",
        {**dict.fromkeys(ROLES, 404), "certifier_staff": 200, "superuser": 200, "judge": 200, "anonymous": 401},
        setup=lambda w: (S(w), _make_scorecard(w)),
    ),
    AccessCase("awards-decision-list", lambda w: f"{API}/decisions/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-decision-detail",
        lambda w: f"{API}/decisions/{w.extra['decision'].pk}/",
        {**dict.fromkeys(ROLES, 404), "certifier_staff": 200, "superuser": 200, "anonymous": 401},
        setup=S,
    ),
    AccessCase(
        "awards-decision-publish",
        lambda w: f"{API}/decisions/{w.extra['decision'].pk}/publish/",
        _api_staff(409),
        method="post",
        setup=S,
    ),
    AccessCase("awards-conflict-list", lambda w: f"{API}/conflicts/", _api_signed_in(), setup=S),
    AccessCase(
        "awards-conflict-detail",
        lambda w: f"{API}/conflicts/{w.extra['declaration'].pk}/",
        {**dict.fromkeys(ROLES, 404), "certifier_staff": 200, "superuser": 200, "judge": 200, "anonymous": 401},
        setup=S,
    ),
    AccessCase(
        "awards-conflict-review",
        lambda w: f"{API}/conflicts/{w.extra['declaration'].pk}/review/",
        _api_staff(200),
        method="post",
        data=lambda w: {"override": False, "reason": "Upheld"},
        content_type="application/json",
        setup=S,
    ),
]


def _make_answer(w) -> None:
    from worldclass.awards.models import ChecklistAnswer

    item = w.extra["category"].checklist_items.first()
    w.extra["answer"] = ChecklistAnswer.objects.create(
        application=w.extra["application"], item=item, meets=True, evidence="Data"
    )


def _answer(w) -> int:
    return w.extra["answer"].pk


def _make_scorecard(w) -> None:
    from worldclass.awards.models import Score, Scorecard

    card = Scorecard.objects.create(application=w.extra["application"], judge=w.users["judge"], stage="screening")
    Score.objects.create(scorecard=card, criterion=w.extra["cycle"].criteria.first(), value=7)
    w.extra["scorecard"] = card
