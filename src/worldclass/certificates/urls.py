"""Web routes of the certificates app (mounted at the site root by worldclass.urls)."""

from django.urls import path, register_converter

from worldclass.certificates import views


class SerialConverter:
    """A certificate serial's shape (letters, digits and dashes): anything else is not found before any query."""

    regex = "[A-Za-z0-9][A-Za-z0-9-]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SerialConverter, "serial")

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.certificate_list, name="list"),
    path("certificates/public-key.pem", views.public_key, name="public_key"),
    path("certificates/how-to-verify/", views.how_to_verify, name="how_to_verify"),
    path("certificates/trophies/", views.trophies, name="trophies"),
    path("certificates/trophies.csv", views.trophies_csv, name="trophies_csv"),
    path("certificates/<serial:serial>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<serial:serial>/revoke/", views.revoke, name="revoke"),
    path("verify/<serial:serial>", views.verify, name="verify"),
    # A serial typed with a trailing slash (as most other addresses of the site end).
    path("verify/<serial:serial>/", views.verify, name="verify_typed"),
    path("certification/runs/<int:pk>/issue/", views.issue_run, name="issue_run"),
    path("certification/runs/<int:pk>/issue/status/", views.issue_run_status, name="issue_run_status"),
]
