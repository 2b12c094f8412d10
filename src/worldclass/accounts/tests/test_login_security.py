import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.core.cache import cache
from django.test import Client

from worldclass import settings as project_settings
from worldclass.accounts.models import User
from worldclass.accounts.tests.world import PASSWORD, build_role_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user(username="casey", email="casey@example.com", password=PASSWORD)


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_page_labels_its_fields():
    content = Client().get("/accounts/login/").content.decode()
    assert (content.count('<label class="form-label" for="id_username">'), content.count('for="id_password"')) == (
        1,
        1,
    )


def test_login_sends_a_csr_to_their_own_dashboard():
    world = build_role_world()
    response = log_in(Client(), "csr", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    follow = Client()
    log_in(follow, "csr", PASSWORD)
    assert follow.get("/dashboard/")["Location"] == f"/dashboard/csr/{world.csr.id}/"


def test_wrong_password_shows_the_form_again(user):
    response = log_in(Client(), "casey", "wrong password")
    assert (response.status_code, response.wsgi_request.user.is_authenticated) == (200, False)


def test_too_many_failures_lock_out_even_the_right_password(user, settings):
    client = Client()
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        log_in(client, "casey", "wrong password")
    response = log_in(client, "casey", PASSWORD)
    assert (response.status_code, "Too many failed attempts" in response.content.decode()) == (429, True)


def test_lockout_is_per_address(user, settings):
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        log_in(Client(), "casey", "wrong password", address="10.0.0.1")
    assert log_in(Client(), "casey", PASSWORD, address="10.0.0.2").status_code == 302


def test_one_address_cannot_lock_out_other_users_behind_it(user):
    """A whole client behind one NAT address: 50 failures of others there do not lock out casey."""
    for attempt in range(50):
        log_in(Client(), f"someone-{attempt % 10}", "wrong password")
    assert log_in(Client(), "casey", PASSWORD).status_code == 302


def test_a_forwarded_for_header_does_not_change_the_counted_address(user, settings):
    for attempt in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        Client().post(
            "/accounts/login/",
            {"username": "casey", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert log_in(Client(), "casey", PASSWORD, address="10.0.0.1").status_code == 429


def test_failures_are_counted_in_the_database_shared_by_every_worker(user, settings):
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        log_in(Client(), "casey", "wrong password")
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("casey", "10.0.0.1", settings.WORLDCLASS_LOGIN_MAX_FAILURES)
    ]


def test_a_lockout_survives_a_restart(user, settings):
    """Nothing of the count lives in the process or its cache."""
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        log_in(Client(), "casey", "wrong password")
    cache.clear()
    assert log_in(Client(), "casey", PASSWORD).status_code == 429


def test_success_forgets_earlier_failures(user, settings):
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES - 1):
        log_in(Client(), "casey", "wrong password")
    log_in(Client(), "casey", PASSWORD)
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES - 1):
        log_in(Client(), "casey", "wrong password")
    assert log_in(Client(), "casey", PASSWORD).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(user, settings):
    settings.WORLDCLASS_PUBLIC_URL = "https://certify.example"
    client = Client()
    client.post("/accounts/password-reset/", {"email": "casey@example.com"})
    # The link comes from the public URL setting, never from the request's Host header.
    link = re.search(r"https://certify\.example(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert (len(mail.outbox), done["Location"], user.check_password(new_password)) == (
        1,
        "/accounts/reset/done/",
        True,
    )


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create_user(username="argon", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_sessions_expire():
    assert (project_settings.SESSION_COOKIE_AGE, project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE) == (8 * 3600, True)


def test_logout_ends_the_session(user):
    client = Client()
    log_in(client, "casey", PASSWORD)
    client.post("/accounts/logout/")
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_production_settings_pass_the_deploy_check():
    result = _production_check()
    assert (result.returncode, result.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


def test_login_page_speaks_french():
    content = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Mot de passe oublié ?" in content, '<html lang="fr">' in content) == (True, True)


def test_the_admin_login_goes_through_the_throttled_login_page():
    response = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/admin/accounts/user/")


def test_the_admin_login_form_cannot_be_posted_to():
    User.objects.create_user(username="boss", password=PASSWORD, is_staff=True)
    client = Client()
    client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def _production_check(**extra_env) -> subprocess.CompletedProcess:
    source = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "WORLDCLASS_ENV": "production",
        "WORLDCLASS_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789-abcdef",
        "WORLDCLASS_ALLOWED_HOSTS": "worldclass.example.org",
        "WORLDCLASS_PUBLIC_URL": "https://worldclass.example.org",
        "WORLDCLASS_CUSTOMER_HASH_KEY": "a-production-customer-hash-key-for-the-deploy-check",
        "WORLDCLASS_CACHE_URL": "redis://127.0.0.1:6379/1",
        "DATABASE_URL": "sqlite:///:memory:",
        **extra_env,
    }
    env = {key: value for key, value in env.items() if value is not None}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "worldclass", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_on_a_per_process_cache():
    result = _production_check(WORLDCLASS_CACHE_URL=None)
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "RuntimeError: WORLDCLASS_CACHE_URL must be set when WORLDCLASS_ENV=production (e.g. redis://host:6379/1)",
    )
