"""Logging in: the password, then (for certifier staff, judges and Django staff) the second factor."""

from __future__ import annotations

import time

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from worldclass.accounts.domain import (
    authenticator_qr_svg,
    authenticator_secret,
    confirm_authenticator,
    has_second_factor,
    pending_authenticator,
    requires_second_factor,
    verify_second_factor,
)
from worldclass.accounts.forms import LoginForm, SecondFactorForm
from worldclass.accounts.models import User
from worldclass.core.errors import AppError

PENDING = "accounts:second-factor"


class LoginView(auth_views.LoginView):
    """Django's login view; a user who needs a second factor is not logged in yet, only remembered as pending."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not requires_second_factor(user=user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return redirect("accounts:second_factor")


def locked_out(request, original_response, credentials) -> HttpResponse:
    """django-axes' lockout response: the login page with its "too many attempts" message, as 429."""
    original_response.status_code = 429
    return original_response


def _pending_user(request) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - pending.get("since", 0) > settings.WORLDCLASS_SECOND_FACTOR_SECONDS:
        request.session.pop(PENDING, None)
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _finish_login(request, user: User, pending: dict, device) -> None:
    request.session.pop(PENDING, None)
    auth.login(request, user, backend=pending["backend"])
    django_otp.login(request, device)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def second_factor(request):
    """Verify the second factor of a pending login, or enroll an authenticator app on the first login."""
    user, pending = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    enrolled = has_second_factor(user=user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enrolled:
            device = verify_second_factor(user=user, token=token)
            if device is not None:
                _finish_login(request, user, pending, device)
                return redirect(pending["next"])
            form.add_error("token", _("That code does not match. Try the current code, or a recovery code."))
        else:
            try:
                device, codes = confirm_authenticator(user=user, token=token)
            except AppError as error:
                form.add_error("token", error.message)
            else:
                _finish_login(request, user, pending, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": pending["next"]})
    if enrolled:
        return render(request, "accounts/second_factor.html", {"form": form})
    device = pending_authenticator(user=user)
    context = {"form": form, "qr_svg": authenticator_qr_svg(device), "secret": authenticator_secret(device)}
    return render(request, "accounts/second_factor_enroll.html", context)


def admin_login(request, extra_context=None):
    """The admin signs in through the site's login page (throttled, second factor), never its own form."""
    if request.user.is_authenticated:
        raise PermissionDenied("This account has no access to the admin.")
    next_url = request.GET.get(auth.REDIRECT_FIELD_NAME) or reverse("admin:index")
    return auth_views.redirect_to_login(next_url, login_url=reverse("accounts:login"))
