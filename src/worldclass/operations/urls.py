"""Web routes of the operations app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.operations import views

app_name = "operations"
urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("operations/", views.operations_home, name="home"),
    path("operations/sites/<int:site_id>/", views.site_report, name="site_report"),
    path("operations/sites/<int:site_id>/export.csv", views.site_export, name="site_export"),
    path("operations/sites/<int:site_id>/audit/", views.site_audit, name="site_audit"),
    path("operations/cases/", views.cases, name="cases"),
    path("operations/integrity/", views.integrity, name="integrity"),
    path("operations/cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("operations/interviews/", views.interviewer_queue, name="interviewer_queue"),
    path("operations/interviews/<int:invitation_id>/", views.interview, name="interview"),
    path("operations/qa/", views.qa_list, name="qa_list"),
    path("operations/qa/<int:invitation_id>/", views.qa_review, name="qa_review"),
]
