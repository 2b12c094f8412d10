"""Hostile path segments (a NUL byte, a number beyond 64 bits, stray Unicode) give 4xx, never a server error."""

import pytest
from django.test import Client

from worldclass.accounts.tests.world import build_role_world

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
PATHS = [
    "/survey/a%00b/",
    f"/dashboard/site/{HUGE}/",
    f"/dashboard/csr/{HUGE}/comments/",
    f"/operations/sites/{HUGE}/",
    f"/operations/cases/{HUGE}/",
    f"/awards/applications/{HUGE}/",
    f"/registry/{HUGE}/",
    "/verify/a%00b",
    "/certificates/%E2%80%AE.pdf",
    f"/api/v1/awards/applications/{HUGE}/",
    f"/api/v1/sites/{HUGE}/",
    "/api/v1/certifications/a%00b/",
]


@pytest.mark.parametrize("role", ["anonymous", "certifier_staff"])
def test_hostile_paths_give_no_server_error(role):
    client = Client(raise_request_exception=False)
    user = build_role_world().users[role]
    if user is not None:
        client.force_login(user)
    statuses = {path: client.get(path).status_code for path in PATHS}
    assert {path: status for path, status in statuses.items() if status >= 500} == {}
