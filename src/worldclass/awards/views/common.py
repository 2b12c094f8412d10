"""What the awards' pages share: sign-in, running one domain action, reading or answering 404/403, deadlines."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse

from worldclass.awards import queries
from worldclass.awards.domain.deadlines import DEADLINE_FIELDS, describe_deadline, last_day
from worldclass.awards.models import Application, Cycle, Step
from worldclass.core.errors import AppError

Answer = TypeVar("Answer")


def login_required(view):
    """Send anonymous visitors to the login page (Django's admin login until the project names one `login`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            login_url = resolve_url(settings.LOGIN_URL)
        except NoReverseMatch:
            login_url = reverse("admin:login")
        return redirect_to_login(request.get_full_path(), login_url)

    return wrapper


def http_error(error: AppError) -> Exception | None:
    """The Django exception that shows a permission or existence error as the 403 or 404 page (None for others)."""
    if error.status == 403:
        return DjangoPermissionDenied(error.message)
    if error.status == 404:
        return Http404(error.message)
    return None


def found(read: Callable[..., Answer], **arguments) -> Answer:
    """A query's answer; a `NotFound` is the 404 page and a `PermissionDenied` the 403 page."""
    try:
        return read(**arguments)
    except AppError as error:
        raise (http_error(error) or Http404(error.message)) from error


def run(request, action: Callable[[], object], *, success: str, to: str):
    """Run one domain action; show its error as a message (or answer 403/404 for permission and existence)."""
    try:
        action()
    except AppError as error:
        refusal = http_error(error)
        if refusal is not None:
            raise refusal from error
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(to)


def error_text(error: AppError) -> str:
    """The error's message and those of its details that add something."""
    extra = [str(d) for d in error.details if d.message != error.message]
    return " ".join([error.message, *extra])


def form_errors(request, form, to: str):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect(to)


def post_form(request, form_class, *, to: str, action: Callable[[dict], object], success: str):
    """A posted form: its errors as messages, else `run` the action on its cleaned data (`{}` without a form)."""
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return form_errors(request, form, to)
    return run(request, lambda: action(form.cleaned_data if form else {}), success=success, to=to)


def application_or_404(request, pk: int) -> Application:
    """The application if the user may see it; else 404 (the same whatever the reason: blind review)."""
    return found(queries.application_for, user=request.user, pk=pk)


def application_url(pk: int) -> str:
    return reverse("awards:application", args=[pk])


def deadlines(cycle: Cycle, application: Application | None = None) -> list[dict]:
    return [
        {
            "step": Step(step).label,
            "text": describe_deadline(cycle=cycle, day=last_day(cycle=cycle, step=step, application=application)),
        }
        for step in DEADLINE_FIELDS
    ]
