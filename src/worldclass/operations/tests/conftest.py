import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.tokens import api_token_for
from worldclass.operations.models import Invitation
from worldclass.operations.tests.factories import call_row, load_calls, set_plan

CHANNEL_WEIGHTS = {
    "web": {"web_weight": 1, "ivr_weight": 0, "interviewer_weight": 0},
    "ivr": {"web_weight": 0, "ivr_weight": 1, "interviewer_weight": 0},
    "phone": {"web_weight": 0, "ivr_weight": 0, "interviewer_weight": 1},
}


@pytest.fixture
def invite():
    """Import one call that is surely selected for the given channel; returns its invitation."""

    def make(channel: str = "web", *, ended_ago=dt.timedelta(minutes=30), org_code="acme", site="tor", **row):
        set_plan(
            site, org_code=org_code, expected_calls_per_csr=30, assumed_response_rate=1.0, **CHANNEL_WEIGHTS[channel]
        )
        now = timezone.now()
        load_calls(
            [call_row(org=org_code, site=site, started=now - ended_ago - dt.timedelta(minutes=5), **row)],
            org_code=org_code,
            now=now - ended_ago,
        )
        with scopes_disabled():
            return Invitation.objects.select_related("call", "site").latest("id")

    return make


@pytest.fixture
def ivr_client():
    """The IVR platform's API client: a certifier-staff account's token."""
    user = User.objects.create_user(username="ivr-platform", password="x" * 12)
    RoleAssignment.objects.create(user=user, role=Role.CERTIFIER_STAFF)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client
