"""Styled error pages with the navigation and a way back: Django's handlers and AppError raised in web views."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from worldclass.core.errors import AppError

logger = logging.getLogger(__name__)

_TITLES = {
    400: (_("This request is not valid"), _("Something in the address or the form could not be understood.")),
    403: (_("You cannot open this page"), _("Your account does not give access to this page.")),
    404: (_("Page not found"), _("The page does not exist, or it is not visible to your account.")),
    409: (_("This cannot be done now"), _("The request conflicts with the current state of the data.")),
    500: (_("Something went wrong on our side"), _("The error is logged; please try again in a moment.")),
}
_OTHER = (_("The request was refused"), _("The request could not be completed."))
API_PREFIX = "/api/"


def _back_url(request) -> str | None:
    """The referring page, when it is on this site and is not the failing page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    allowed = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=False)
    return referer if referer and allowed and not referer.endswith(request.get_full_path()) else None


def error_page(request, *, status: int, message: str = "", details: list[str] | None = None):
    """The styled error page for `status`, with an optional message and its details."""
    title, explanation = _TITLES.get(status, _OTHER)
    context = {
        "error_status": status,
        "error_title": title,
        "error_explanation": explanation,
        "error_message": message,
        "error_details": details or [],
        "back_url": _back_url(request),
    }
    template = f"{status}.html" if status in (400, 403, 404, 500) else "core/error.html"
    return render(request, template, context, status=status)


def bad_request(request, exception):
    return error_page(request, status=400)


def permission_denied(request, exception):
    # The views' PermissionDenied messages are written for the user ("Only awards judges have a judging dashboard.").
    message = str(exception) if exception and exception.args else ""
    return error_page(request, status=403, message=message)


def page_not_found(request, exception):
    return error_page(request, status=404)


def server_error(request):
    try:
        return error_page(request, status=500)
    except Exception:
        # The page itself failed (the database may be down): answer without templates.
        logger.exception("The styled 500 page failed to render")
        return HttpResponseServerError("<!doctype html><title>Server error</title><h1>Server error</h1>")


class AppErrorPageMiddleware:
    """Render an AppError escaping a web view as the styled page with its status (the API renders its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AppError) or request.path.startswith(API_PREFIX):
            return None
        details = [str(detail) for detail in exception.details if detail.message != exception.message]
        return error_page(request, status=exception.status, message=exception.message, details=details)
