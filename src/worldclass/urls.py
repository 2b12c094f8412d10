"""Root routes. An app with web pages owns `<app>/urls.py`; an app with an API owns `<app>/api_urls.py`."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

WEB_APPS = ["accounts", "surveys", "certification", "operations", "portal", "certificates", "registry", "awards"]
API_APPS = ["surveys", "operations", "portal", "certificates", "registry", "awards"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *[path("api/v1/", include(f"worldclass.{app}.api_urls")) for app in API_APPS],
    *[path("", include(f"worldclass.{app}.urls", namespace=app)) for app in WEB_APPS],
    path("", include("worldclass.core.urls")),
]
