"""API routes of the surveys app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.surveys.api import SurveyImportErrors, SurveyImportListCreate

urlpatterns = [
    path("survey-imports/", SurveyImportListCreate.as_view(), name="survey-imports"),
    path("survey-imports/<int:pk>/errors/", SurveyImportErrors.as_view(), name="survey-import-errors"),
]
