"""API routes of the registry app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.registry.api import RegistryYearView

urlpatterns = [path("registry/<int:year>/", RegistryYearView.as_view(), name="api-registry-year")]
