"""Web routes of the certificates app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.certificates import views

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.certificate_list, name="list"),
    path("certificates/public-key.pem", views.public_key, name="public_key"),
    path("certificates/how-to-verify/", views.how_to_verify, name="how_to_verify"),
    path("certificates/trophies/", views.trophies, name="trophies"),
    path("certificates/trophies.csv", views.trophies_csv, name="trophies_csv"),
    path("certificates/<str:serial>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:serial>/revoke/", views.revoke, name="revoke"),
    path("verify/<str:serial>", views.verify, name="verify"),
    path("certification/runs/<int:pk>/issue/", views.issue_run, name="issue_run"),
]
