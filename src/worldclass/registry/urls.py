"""Web routes of the registry app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.registry import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.index, name="index"),
    path("registry/<int:year>/", views.year_page, name="year"),
    path("registry/<int:year>.json", views.year_json, name="year_json"),
    path("registry/<int:year>.csv", views.year_csv, name="year_csv"),
]
