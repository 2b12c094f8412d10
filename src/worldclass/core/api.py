"""DRF glue shared by every app's API: one error body for application and framework errors."""

from __future__ import annotations

import django_filters
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.forms import LARGEST_INTEGER
from worldclass.core.tenancy import scope_for_user


def _flatten(detail, prefix: str | None = None) -> list[ErrorDetail]:
    if isinstance(detail, dict):
        out: list[ErrorDetail] = []
        for key, value in detail.items():
            name = key if prefix is None else f"{prefix}.{key}"
            out.extend(_flatten(value, None if key == "non_field_errors" else name))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict):
                out.extend(_flatten(value, f"{prefix}[{index}]" if prefix else f"[{index}]"))
            else:
                out.extend(_flatten(value, prefix))
        return out
    return [ErrorDetail(message=str(detail), field=prefix)]


def exception_handler(exc, context):
    """Render AppError and DRF's own errors as {"error": {"code", "message", "details"}}."""
    if isinstance(exc, AppError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, OverflowError):
        # SQLite cannot compare a number beyond 64 bits (e.g. an id in a filter Django generated for a foreign key).
        error = AppError(code="invalid", message="A number in the request is too large.")
        return Response(error.as_dict(), status=error.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        body = AppError(code="invalid", message="The request is invalid.", details=_flatten(exc.detail))
    else:
        code = getattr(exc, "default_code", "error")
        detail = exc.detail if isinstance(exc, drf_exceptions.APIException) else str(exc)
        body = AppError(code=str(code), message=str(detail))
    response.data = body.as_dict()
    return response


class TenantScopedAPIMixin:
    """For DRF views: open the tenant scope after DRF has authenticated the request (token or session).

    The middleware sees token-authenticated requests as anonymous, so API views re-open the scope here.
    """

    def initial(self, request, *args, **kwargs):
        # Authenticated first, then scoped, then checked: a permission may read scoped rows (a site manager's
        # sites), which a token request would otherwise read unscoped-as-anonymous and find empty.
        self.perform_authentication(request)
        self._tenant_scope = scope_for_user(request.user)
        self._tenant_scope.__enter__()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        scope_cm = getattr(self, "_tenant_scope", None)
        if scope_cm is not None:
            self._tenant_scope = None
            scope_cm.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A filter on an integer column (an id, a year): a whole number the database can hold, else a 400 naming the
    parameter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -LARGEST_INTEGER)
        kwargs.setdefault("max_value", LARGEST_INTEGER)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)
