"""View decorators for the certifier's back-office pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from worldclass.accounts.rules import is_certifier_staff


def certifier_staff_required(view):
    """Certifier staff only: anonymous visitors are sent to log in, everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_certifier_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
