"""Factories and builders for the awards: users per role, cycles with their categories, applications, scores."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.awards.domain.cycles import create_cycle, example_deadlines
from worldclass.awards.models import Application, Category, Cycle, PanelMember
from worldclass.directory.tests.factories import OrganizationFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def staff_user(username: str = "staff") -> User:
    user = UserFactory(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.CERTIFIER_STAFF)
    return user


def judge_user(username: str) -> User:
    user = UserFactory(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.JUDGE)
    return user


def applicant_user(username: str, organization=None) -> User:
    organization = organization or OrganizationFactory(code=f"{username}-org", name=f"{username.title()} Org")
    user = UserFactory(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_ADMIN, organization=organization)
    return user


def open_cycle(*, staff: User, year: int | None = None, time_zone: str = "America/Toronto") -> Cycle:
    """A cycle whose deadlines are all in the future (the published schedule of next year)."""
    year = year or timezone.now().year + 1
    return create_cycle(user=staff, year=year, time_zone=time_zone, deadlines=example_deadlines(year=year))


def first_categories(cycle: Cycle, n: int = 2) -> list[Category]:
    return list(cycle.categories.order_by("position")[:n])


def submitted_application(*, cycle: Cycle, category: Category, user: User, title: str = "Our practice") -> Application:
    organization_id = RoleAssignment.objects.get(user=user, role=Role.ORG_ADMIN).organization_id
    return Application.objects.create(
        cycle=cycle,
        category=category,
        organization_id=organization_id,
        title=title,
        summary="Unique because customers say so.",
        created_by=user,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def seat_judges(*, cycle: Cycle, categories: list[Category], usernames: list[str], staff: User) -> list[User]:
    from worldclass.awards.domain.panel import add_panel_member, assign_judge

    judges = []
    for name in usernames:
        judge = judge_user(name)
        if not PanelMember.objects.filter(cycle=cycle, judge=judge).exists():
            add_panel_member(user=staff, cycle=cycle, judge=judge)
        for category in categories:
            assign_judge(user=staff, category=category, judge=judge)
        judges.append(judge)
    return judges


def set_phase(cycle: Cycle, phase: str) -> Cycle:
    cycle.phase = phase
    cycle.save(update_fields=["phase"])
    return cycle


def at(cycle: Cycle, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant given in the cycle's time zone."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(cycle.time_zone))
