"""Deleting users in Django's admin: refused, with the reason, when append-only records name them."""

import pytest
from django.test import Client

from worldclass.accounts.models import User
from worldclass.core.domain import record_audit_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(User.objects.create_superuser(username="root", email="root@example.com", password=None))
    return client


def test_deleting_a_user_whom_the_audit_trail_names_is_refused_with_the_reason(admin_client):
    user = User.objects.create_user(username="leaver", password=None)
    record_audit_event(actor="leaver", user=user, action="test.acted")
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert (
        response.status_code,
        "1 audit events name this user and cannot change" in response.content.decode(),
        User.objects.filter(pk=user.pk).exists(),
    ) == (200, True, True)


def test_the_bulk_delete_action_refuses_too(admin_client):
    user = User.objects.create_user(username="leaver", password=None)
    record_audit_event(actor="leaver", user=user, action="test.acted")
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    )
    assert (response.status_code, User.objects.filter(pk=user.pk).exists()) == (200, True)


def test_a_user_without_records_is_deleted(admin_client):
    user = User.objects.create_user(username="mistake", password=None)
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert (response.status_code, User.objects.filter(pk=user.pk).exists()) == (302, False)
