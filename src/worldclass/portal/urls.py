"""Web routes of the portal app (mounted at the site root by worldclass.urls)."""

from django.urls import path, re_path

from worldclass.portal import views

app_name = "portal"
_ENTITY = r"^dashboard/(?P<level>organization|site|supervisor|csr)/(?P<pk>[0-9]+)/"
urlpatterns = [
    path("dashboard/", views.home, name="home"),
    path("dashboard/organizations/", views.organizations, name="organizations"),
    path("search/", views.search, name="search"),
    re_path(_ENTITY + r"$", views.entity, name="entity"),
    re_path(_ENTITY + r"progress/$", views.progress, name="progress"),
    re_path(_ENTITY + r"editions/$", views.editions, name="editions"),
    re_path(_ENTITY + r"leaderboard/$", views.leaderboard, name="leaderboard"),
    re_path(_ENTITY + r"comments/$", views.comments, name="comments"),
    re_path(_ENTITY + r"recovery/$", views.recovery, name="recovery"),
    re_path(
        _ENTITY + r"export/(?P<table>months|members|leaderboard|comments)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
]
