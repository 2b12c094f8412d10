"""API routes of the certificates app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.certificates.api import CertificationViewSet, TrophyList

urlpatterns = [
    path("certifications/", CertificationViewSet.as_view({"get": "list"}), name="api-certification-list"),
    path(
        "certifications/<int:pk>/",
        CertificationViewSet.as_view({"get": "retrieve"}),
        name="api-certification-detail",
    ),
    path("trophies/", TrophyList.as_view(), name="api-trophy-list"),
]
