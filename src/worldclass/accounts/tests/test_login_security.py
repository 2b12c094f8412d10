import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.core.cache import cache
from django.test import Client

from worldclass import settings as project_settings
from worldclass.accounts.models import User
from worldclass.accounts.tests.world import PASSWORD, build_role_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


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
    assert (response.status_code, "Too many failed attempts" in response.content.decode()) == (200, True)


def test_lockout_is_per_address(user, settings):
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        log_in(Client(), "casey", "wrong password", address="10.0.0.1")
    assert log_in(Client(), "casey", PASSWORD, address="10.0.0.2").status_code == 302


def test_one_address_cannot_try_many_user_names(user, settings):
    settings.WORLDCLASS_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ["a", "b", "c"]:
        log_in(Client(), name, "wrong password")
    assert log_in(Client(), "casey", PASSWORD).status_code == 200


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
    source = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "WORLDCLASS_ENV": "production",
        "WORLDCLASS_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789-abcdef",
        "WORLDCLASS_ALLOWED_HOSTS": "worldclass.example.org",
        "WORLDCLASS_PUBLIC_URL": "https://worldclass.example.org",
        "WORLDCLASS_CUSTOMER_HASH_KEY": "a-production-customer-hash-key-for-the-deploy-check",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "worldclass", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


def test_login_page_speaks_french():
    content = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Mot de passe oublié ?" in content, '<html lang="fr">' in content) == (True, True)


def test_the_admin_login_is_throttled_too(settings):
    User.objects.create_user(username="boss", password=PASSWORD, is_staff=True)
    for _ in range(settings.WORLDCLASS_LOGIN_MAX_FAILURES):
        Client().post("/admin/login/", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = Client().post("/admin/login/", {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert (response.status_code, "Too many failed attempts" in response.content.decode()) == (200, True)
