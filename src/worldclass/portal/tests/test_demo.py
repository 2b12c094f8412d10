import base64
import io

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.oath import totp
from django_scopes import scopes_disabled

from worldclass.accounts.models import RoleAssignment, User
from worldclass.accounts.tests.world import build_role_world
from worldclass.demo import DEMO_TOTP_SECRET
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
    listed = [line for line in out.getvalue().splitlines() if line.startswith("  demo-")]
    assert (User.objects.filter(username__startswith="demo-").count(), len(listed)) == (8, 8)


def test_demo_csr_logs_in_with_the_documented_password():
    world = build_role_world()
    populate_demo(seed=1, stdout=io.StringIO())
    client = Client()
    client.post("/accounts/login/", {"username": "demo-csr", "password": DEMO_PASSWORD})
    assert client.get("/dashboard/")["Location"] == f"/dashboard/csr/{world.sister_site_csr.id}/"


def _code_from(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.parametrize("username", ["demo-staff", "demo-judge"])
def test_demo_staff_and_judge_log_in_with_the_documented_authenticator_key(username):
    build_role_world()
    populate_demo(seed=1, stdout=io.StringIO())
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    client.post("/accounts/login/second-factor/", {"token": _code_from(DEMO_TOTP_SECRET)})
    assert SESSION_KEY in client.session


def test_demo_prints_recovery_codes_that_log_in():
    build_role_world()
    out = io.StringIO()
    populate_demo(seed=1, stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("    demo-staff: "))
    client = Client()
    client.post("/accounts/login/", {"username": "demo-staff", "password": DEMO_PASSWORD})
    client.post("/accounts/login/second-factor/", {"token": line.split()[1]})
    assert SESSION_KEY in client.session
