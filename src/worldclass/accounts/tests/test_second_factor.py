import base64
import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from worldclass.accounts.tests.second_factor import current_code, enroll_authenticator
from worldclass.accounts.tests.world import PASSWORD, build_role_world

pytestmark = pytest.mark.django_db

SECOND_FACTOR = "/accounts/login/second-factor/"
PASSWORD_ONLY_ROLES = ["org_admin", "site_manager", "supervisor", "csr", "interviewer", "qa_reviewer"]


@pytest.fixture
def world():
    return build_role_world()


def log_in(client: Client, username: str, next_url: str = ""):
    return client.post(
        "/accounts/login/" + (f"?next={next_url}" if next_url else ""), {"username": username, "password": PASSWORD}
    )


def is_signed_in(client: Client) -> bool:
    return (
        client.get("/dashboard/").status_code != 302 or "/accounts/login/" not in client.get("/dashboard/")["Location"]
    )


@pytest.mark.parametrize("role", PASSWORD_ONLY_ROLES)
def test_other_roles_log_in_with_their_password_alone(world, role):
    client = Client()
    response = log_in(client, role)
    assert (response.status_code, response["Location"], is_signed_in(client)) == (302, "/dashboard/", True)


@pytest.mark.parametrize("role", ["certifier_staff", "judge"])
def test_staff_and_judges_are_not_signed_in_by_their_password_alone(world, role):
    client = Client()
    response = log_in(client, role)
    assert (response["Location"], is_signed_in(client)) == (SECOND_FACTOR, False)


def test_django_staff_without_a_role_need_a_second_factor_too(world):
    world.users["csr"].is_staff = True
    world.users["csr"].save()
    assert log_in(Client(), "csr")["Location"] == SECOND_FACTOR


def test_the_current_code_completes_the_login_and_follows_next(world):
    device = enroll_authenticator(world.users["certifier_staff"])
    client = Client()
    log_in(client, "certifier_staff", next_url="/operations/integrity/")
    response = client.post(SECOND_FACTOR, {"token": current_code(device)})
    assert (response.status_code, response["Location"], is_signed_in(client)) == (
        302,
        "/operations/integrity/",
        True,
    )


def test_a_wrong_code_is_refused(world):
    enroll_authenticator(world.users["judge"])
    client = Client()
    log_in(client, "judge")
    response = client.post(SECOND_FACTOR, {"token": "000000"})
    assert (response.status_code, response.context["form"].errors["token"], is_signed_in(client)) == (
        200,
        ["That code does not match. Try the current code, or a recovery code."],
        False,
    )


def test_a_code_is_accepted_once(world):
    device = enroll_authenticator(world.users["judge"])
    code = current_code(device)
    first, second = Client(), Client()
    log_in(first, "judge")
    first.post(SECOND_FACTOR, {"token": code})
    log_in(second, "judge")
    assert second.post(SECOND_FACTOR, {"token": code}).status_code == 200


def test_the_code_page_without_a_password_first_sends_to_login(world):
    enroll_authenticator(world.users["judge"])
    response = Client().post(SECOND_FACTOR, {"token": "123456"})
    assert response["Location"] == "/accounts/login/"


def test_a_pending_login_expires(world, settings, monkeypatch):
    device = enroll_authenticator(world.users["judge"])
    client = Client()
    log_in(client, "judge")
    later = time.time() + settings.WORLDCLASS_SECOND_FACTOR_SECONDS + 1
    monkeypatch.setattr("worldclass.accounts.views.time.time", lambda: later)
    response = client.post(SECOND_FACTOR, {"token": current_code(device)})
    assert (response["Location"], is_signed_in(client)) == ("/accounts/login/", False)


def _enroll_through_the_page(client: Client) -> tuple[str, list[str]]:
    page = client.get(SECOND_FACTOR)
    secret = page.context["secret"]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    done = client.post(SECOND_FACTOR, {"token": f"{totp(key):06d}"})
    return secret, done.context["codes"]


def test_the_first_login_enrolls_an_authenticator_and_shows_recovery_codes(world, settings):
    client = Client()
    log_in(client, "certifier_staff")
    page = client.get(SECOND_FACTOR)
    assert ("<svg" in page.content.decode(), page.context["secret"] in page.content.decode()) == (True, True)
    _secret, codes = _enroll_through_the_page(client)
    assert (len(codes), is_signed_in(client), TOTPDevice.objects.filter(confirmed=True).count()) == (
        settings.WORLDCLASS_RECOVERY_CODES,
        True,
        1,
    )


def test_a_wrong_code_does_not_enroll(world):
    client = Client()
    log_in(client, "judge")
    client.get(SECOND_FACTOR)
    response = client.post(SECOND_FACTOR, {"token": "12345"})
    assert (response.status_code, TOTPDevice.objects.filter(confirmed=True).count(), is_signed_in(client)) == (
        200,
        0,
        False,
    )


def test_a_recovery_code_logs_in_once(world):
    enrolling = Client()
    log_in(enrolling, "judge")
    _secret, codes = _enroll_through_the_page(enrolling)
    first, second = Client(), Client()
    log_in(first, "judge")
    first.post(SECOND_FACTOR, {"token": codes[0]})
    log_in(second, "judge")
    second.post(SECOND_FACTOR, {"token": codes[0]})
    assert (is_signed_in(first), is_signed_in(second), StaticToken.objects.count()) == (True, False, len(codes) - 1)
