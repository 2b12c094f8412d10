"""Decisions and facts are read-only in Django's admin, even for a superuser."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from worldclass.accounts.models import User
from worldclass.awards.models import (
    Application,
    CategoryMove,
    DeadlineExtension,
    Scorecard,
    WinnerDecision,
)
from worldclass.certificates.tests.factories import CertificationFactory
from worldclass.certification.models import Certification, CertificationRun, MonthlyRollup
from worldclass.core.models import AuditEvent
from worldclass.surveys.models import ImportBatch, SurveyResponse

pytestmark = pytest.mark.django_db

READ_ONLY = [
    Certification,
    CertificationRun,
    MonthlyRollup,
    WinnerDecision,
    Scorecard,
    Application,
    CategoryMove,
    DeadlineExtension,
    SurveyResponse,
    ImportBatch,
    AuditEvent,
]


@pytest.fixture
def superuser():
    return User.objects.create_superuser(username="root", email="root@example.com", password=None)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_the_admin_shows_but_never_adds_changes_or_deletes(superuser, model):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(model)
    assert (
        model_admin.has_view_permission(request),
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    ) == (True, False, False, False)


def test_posting_a_changed_certification_to_the_admin_is_refused(superuser, unscoped):
    certification = CertificationFactory(surveys=40, meeting=34)
    client = Client()
    client.force_login(superuser)
    response = client.post(f"/admin/certification/certification/{certification.pk}/change/", {"meeting": 40})
    certification.refresh_from_db()
    assert (response.status_code, certification.meeting) == (403, 34)
