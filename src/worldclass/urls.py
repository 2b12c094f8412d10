"""Root routes. An app with web pages owns `<app>/urls.py`; an app with an API owns `<app>/api_urls.py`."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

WEB_APPS = ["accounts", "surveys", "certification", "operations", "portal", "certificates", "registry", "awards"]
API_APPS = ["surveys", "certification", "operations", "portal", "certificates", "registry", "awards"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file (no inline script); the UI's files come from the sidecar app.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="core/redoc.html"),
        name="api-redoc",
    ),
    *[path("api/v1/", include(f"worldclass.{app}.api_urls")) for app in API_APPS],
    *[path("", include(f"worldclass.{app}.urls", namespace=app)) for app in WEB_APPS],
    path("", include("worldclass.core.urls")),
]

handler400 = "worldclass.core.error_pages.bad_request"
handler403 = "worldclass.core.error_pages.permission_denied"
handler404 = "worldclass.core.error_pages.page_not_found"
handler500 = "worldclass.core.error_pages.server_error"
