import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.tokens import api_token_for
from worldclass.accounts.tests.world import PASSWORD
from worldclass.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = User.objects.create_user(username="sam", email="sam@example.com", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.CERTIFIER_STAFF)
    return user


def _status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/sites/").status_code


def test_a_token_authenticates(staff):
    assert _status(api_token_for(staff)) == 200


def test_only_a_digest_of_the_token_is_stored(staff):
    token = api_token_for(staff)
    stored = AuthToken.objects.get()
    assert (stored.digest, stored.token_key) == (hashlib.sha512(token.encode()).hexdigest(), token[:15])


def test_tokens_expire(staff, settings):
    assert (
        AuthToken.objects.create(user=staff)[0].expiry.date()
        == (dt.datetime.now(dt.UTC) + settings.REST_KNOX["TOKEN_TTL"]).date()
    )


def test_an_expired_token_is_refused(staff):
    _instance, token = AuthToken.objects.create(user=staff, expiry=dt.timedelta(seconds=-1))
    assert _status(token) == 401


def test_a_password_change_revokes_every_token(staff):
    tokens = [api_token_for(staff), api_token_for(staff)]
    staff.set_password("a different long passphrase")
    staff.save()
    assert [_status(token) for token in tokens] == [401, 401]


def test_saving_a_user_without_a_new_password_keeps_the_tokens(staff):
    token = api_token_for(staff)
    staff.first_name = "Sam"
    staff.save()
    assert _status(token) == 200


def test_a_password_reset_revokes_every_token(staff, settings):
    settings.WORLDCLASS_PUBLIC_URL = "https://certify.example"
    token = api_token_for(staff)
    client = Client()
    client.post("/accounts/password-reset/", {"email": "sam@example.com"})
    link = re.search(r"https://certify\.example(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert _status(token) == 401


def test_create_api_token_prints_a_working_token_and_audits_it(staff, capsys):
    call_command("create-api-token", "sam", "--days", "7")
    token = capsys.readouterr().out.strip()
    event = AuditEvent.objects.get(action="accounts.issue_api_token")
    assert (_status(token), event.user_id, AuthToken.objects.get().expiry.date()) == (
        200,
        staff.pk,
        (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).date(),
    )


def test_create_api_token_refuses_an_unknown_user():
    with pytest.raises(CommandError) as raised:
        call_command("create-api-token", "nobody")
    assert str(raised.value) == "No active user 'nobody'"
