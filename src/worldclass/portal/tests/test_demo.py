import io

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from worldclass.accounts.models import RoleAssignment, User
from worldclass.accounts.tests.world import build_role_world
from worldclass.portal.demo import DEMO_PASSWORD, populate_demo

pytestmark = pytest.mark.django_db


def test_demo_creates_one_user_per_role_linked_to_real_people():
    # The first organization by code with a site whose supervisor has a team: Acme, Halifax, S2 and C3.
    world = build_role_world()
    populate_demo(seed=1, stdout=io.StringIO())
    with scopes_disabled():
        got = sorted(
            (a.user.username, a.role, a.user.person.code if a.user.person else None)
            for a in RoleAssignment.objects.filter(user__username__startswith="demo-").select_related("user__person")
        )
    assert got == [
        ("demo-csr", "csr", world.sister_site_csr.code),
        ("demo-interviewer", "interviewer", None),
        ("demo-judge", "judge", None),
        ("demo-orgadmin", "org_admin", None),
        ("demo-qa", "qa_reviewer", None),
        ("demo-sitemanager", "site_manager", None),
        ("demo-staff", "certifier_staff", None),
        ("demo-supervisor", "supervisor", "S2"),
    ]


def test_demo_is_idempotent_and_prints_the_accounts():
    build_role_world()
    populate_demo(seed=1, stdout=io.StringIO())
    out = io.StringIO()
    populate_demo(seed=1, stdout=out)
    assert (User.objects.filter(username__startswith="demo-").count(), out.getvalue().count("demo-")) == (8, 8)


def test_demo_csr_logs_in_with_the_documented_password():
    world = build_role_world()
    populate_demo(seed=1, stdout=io.StringIO())
    client = Client()
    client.post("/accounts/login/", {"username": "demo-csr", "password": DEMO_PASSWORD})
    assert client.get("/dashboard/")["Location"] == f"/dashboard/csr/{world.sister_site_csr.id}/"
