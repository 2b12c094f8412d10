"""API routes of the certification app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.certification.api import CertificationRunList

urlpatterns = [
    path("certification-runs/", CertificationRunList.as_view(), name="api-certification-run-list"),
]
