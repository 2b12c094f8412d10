"""Web routes of the certification app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.certification import views

app_name = "certification"
urlpatterns = [
    path("certification/runs/", views.runs, name="runs"),
    path("certification/runs/new/", views.run_new, name="run_new"),
    path("certification/runs/<int:pk>/", views.run_detail, name="run"),
    path("certification/runs/<int:pk>/changes.csv", views.run_changes_csv, name="run_changes_csv"),
    path("certification/runs/<int:pk>/verify/", views.run_verify, name="run_verify"),
    path("certification/runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
]
