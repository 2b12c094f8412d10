"""API routes of the surveys app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.surveys.api import SurveyImportListCreate

urlpatterns = [
    path("survey-imports/", SurveyImportListCreate.as_view(), name="survey-imports"),
]
