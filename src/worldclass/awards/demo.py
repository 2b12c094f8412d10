"""Demo data for the awards: the finished 2019-2020 cycle with published winners, and the current cycle in its
screening phase, with applications for its judges (the six awards judges and `demo-judge`) to score.
Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.domain import enroll_known_authenticator
from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.awards.domain.applications import create_application
from worldclass.awards.domain.cycles import create_cycle, example_deadlines, set_phase
from worldclass.awards.domain.panel import add_panel_member, assign_judge
from worldclass.awards.models import (
    Application,
    Cycle,
    GalaAttendee,
    NominationStory,
    Phase,
    Score,
    Scorecard,
    WinnerDecision,
)
from worldclass.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from worldclass.demo.queries import demo_organization_name
from worldclass.directory.models import Organization

JUDGES = [f"awards-judge{n}" for n in range(1, 7)]
# The role demo's judge (portal/demo.py) sits on the current panel too, so that it has applications to score.
DEMO_JUDGE = "demo-judge"
STAFF = "awards-staff"
APPLICANTS = [
    # username, organization code, name, is a client. Northwind is the survey demo's own organization.
    ("awards-northwind", "northwind", demo_organization_name(code="northwind"), True),
    ("awards-maple", "maple-mutual", "Maple Leaf Federal Credit Union", True),
    ("awards-prairie", "prairie-telecom", "Prairie Sky Telecom", False),
]
# This cycle's applications, each to one of the first categories: (applicant username, category index, practice).
CURRENT_APPLICATIONS = [
    (
        "awards-northwind",
        0,
        "Customer-chosen coaching",
        "Each CSR's coaching uses the calls their own customers rated lowest.",
    ),
    (
        "awards-maple",
        0,
        "Member callback promise",
        "Members who would wait get a callback within the hour, case already read.",
    ),
    ("awards-prairie", 1, "Outage text alerts", "Customers in an outage area get a text before they think of calling."),
    (
        "awards-maple",
        1,
        "First-call ownership",
        "The first CSR owns the case to its end, with time set aside to follow up.",
    ),
]
PRACTICES = [
    ("Peer coaching circles", "CSRs coach each other weekly on recorded calls chosen by customers' own low scores."),
    ("Callback promise", "Customers who would wait get a callback within the hour, with their case already read."),
    ("Answer-first search", "The website answers the question before offering the phone number, from real calls."),
]


def seed_2019_deadlines() -> dict[str, dt.date]:
    """The seed's 2019-2020 dates: Sep 30, Oct 18, interviews Oct 18-Nov 29, Dec 6, Dec 20, Feb 15."""
    return example_deadlines(year=2019)


def _user(username: str, *, email: str, is_staff: bool = False) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": is_staff})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user, created


def populate_demo(*, seed: int, stdout) -> None:
    """Create (once) the awards demo: staff, six judges, three applicant organizations, two cycles."""
    rng = random.Random(seed)
    with scopes_disabled(), transaction.atomic():  # demo set-up writes across organizations
        staff, _ = _user(STAFF, email="awards-staff@example.com", is_staff=True)
        RoleAssignment.objects.get_or_create(user=staff, role=Role.CERTIFIER_STAFF)
        judges = []
        for username in JUDGES:
            judge, _ = _user(username, email=f"{username}@example.com")
            RoleAssignment.objects.get_or_create(user=judge, role=Role.JUDGE)
            judges.append(judge)
        # Staff and judges log in with a second factor: the demo's documented authenticator key.
        for user in [staff, *judges]:
            enroll_known_authenticator(user=user, secret_base32=DEMO_TOTP_SECRET, recovery_codes=[])
        applicants = []
        for username, code, name, is_client in APPLICANTS:
            organization, _ = Organization.objects.get_or_create(
                code=code, defaults={"name": name, "is_client": is_client, "listed_in_registry": is_client}
            )
            user, _ = _user(username, email=f"{username}@example.com")
            RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_ADMIN, organization=organization)
            applicants.append((user, organization))

        past = Cycle.objects.filter(year=2019).first()
        if past is None:
            past = create_cycle(user=staff, year=2019, time_zone="America/Toronto", deadlines=seed_2019_deadlines())
            _finish_past_cycle(cycle=past, staff=staff, judges=judges, applicants=applicants, rng=rng)
        year = current_award_year(today=timezone.localdate())
        if not Cycle.objects.filter(year=year).exists():
            demo_judge, _ = _user(DEMO_JUDGE, email=f"{DEMO_JUDGE}@demo.worldclass.example")
            RoleAssignment.objects.get_or_create(user=demo_judge, role=Role.JUDGE)
            enroll_known_authenticator(user=demo_judge, secret_base32=DEMO_TOTP_SECRET, recovery_codes=[])
            _screen_current_cycle(year=year, staff=staff, judges=[*judges, demo_judge], applicants=applicants)
    stdout.write(f"Awards demo accounts (password {DEMO_PASSWORD!r}):\n")
    stdout.write(f"  staff: {STAFF}\n  judges: {', '.join(JUDGES)} and {DEMO_JUDGE} (applications to score)\n")
    stdout.write(f"  (staff and judges: second factor with the authenticator key {DEMO_TOTP_SECRET})\n")
    stdout.write(f"  applicants: {', '.join(a[0] for a in APPLICANTS)}\n")


def current_award_year(*, today: dt.date) -> int:
    """The award year whose applications have closed most recently (they close on September 30)."""
    return today.year if today > dt.date(today.year, 9, 30) else today.year - 1


def _screen_current_cycle(*, year: int, staff, judges, applicants) -> None:
    """The current cycle after its application deadline: applications in, the panel screening them."""
    cycle = create_cycle(user=staff, year=year, deadlines=example_deadlines(year=year), panel_size=len(judges))
    categories = list(cycle.categories.order_by("position")[:2])
    for judge in judges:
        add_panel_member(user=staff, cycle=cycle, judge=judge)
        for category in categories:
            assign_judge(user=staff, category=category, judge=judge)
    submitted = dt.datetime.combine(cycle.application_deadline - dt.timedelta(days=10), dt.time(12), tzinfo=dt.UTC)
    by_username = {user.username: (user, organization) for user, organization in applicants}
    for username, category_index, title, summary in CURRENT_APPLICATIONS:
        user, organization = by_username[username]
        create_application(
            user=user,
            cycle=cycle,
            category=categories[category_index],
            organization=organization,
            title=title,
            summary=summary,
            submit=True,
            now=submitted,
        )
    set_phase(user=staff, cycle=cycle, phase=Phase.SCREENING)


def _finish_past_cycle(*, cycle: Cycle, staff, judges, applicants, rng: random.Random) -> None:
    """The 2019-2020 cycle as it ended: applications scored, finalists, one published winner per used category."""
    categories = list(cycle.categories.order_by("position")[:3])
    for judge in judges:
        add_panel_member(user=staff, cycle=cycle, judge=judge)
        for category in categories:
            assign_judge(user=staff, category=category, judge=judge)
    submitted = timezone.make_aware(timezone.datetime(2019, 9, 20, 12))
    criteria = list(cycle.criteria.all())
    for (user, organization), category, (title, summary) in zip(applicants, categories, PRACTICES, strict=True):
        application = Application.objects.create(
            cycle=cycle,
            organization=organization,
            category=category,
            title=title,
            summary=summary,
            created_by=user,
            status=Application.Status.FINALIST,
            submitted_at=submitted,
            checklist_submitted_at=submitted,
            publication_consent_at=submitted,
            publication_consent_by=user,
        )
        for stage in Scorecard.Stage.values:
            for judge in judges:
                card = Scorecard.objects.create(application=application, judge=judge, stage=stage)
                Score.objects.bulk_create(
                    Score(scorecard=card, criterion=c, value=rng.randint(5, 10)) for c in criteria
                )
        NominationStory.objects.create(
            application=application,
            impact=f"{title} lifted customer satisfaction.",
            how_it_works=summary,
            results="FCR up 5 points; Csat up 7; Esat up 4; retention steady.",
            difference="Built by front-line CSRs.",
            submitted_at=timezone.make_aware(timezone.datetime(2019, 12, 18, 12)),
            edited_story=f"{organization.name}: {summary} FCR rose 5 points and Csat 7 points in a year.",
        )
        GalaAttendee.objects.create(application=application, name=f"{organization.name} delegate", email=user.email)
        WinnerDecision.objects.create(
            cycle=cycle,
            category=category,
            application=application,
            decided_by=staff,
            reason="Highest normalized score of the panel.",
            published_at=timezone.make_aware(timezone.datetime(2020, 2, 14, 12)),
        )
    cycle.phase = Phase.CLOSED
    cycle.finalists_notified_at = timezone.make_aware(timezone.datetime(2019, 12, 5, 12))
    cycle.save(update_fields=["phase", "finalists_notified_at"])
