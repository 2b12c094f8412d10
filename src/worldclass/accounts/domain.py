"""Accounts: who needs a second factor, enrolling and checking it, and API tokens (issued, revoked)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, ErrorDetail

# The people who certify and judge, and whoever may use Django's admin.
SECOND_FACTOR_ROLES = {Role.CERTIFIER_STAFF, Role.JUDGE}


def requires_second_factor(*, user) -> bool:
    """Certifier staff, judges and Django staff (the admin) log in with a second factor; everyone else without."""
    if user.is_staff or user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()


def has_second_factor(*, user) -> bool:
    """Whether the user has finished enrolling an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(*, user) -> TOTPDevice:
    """The authenticator the user is enrolling (created on first call; the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def authenticator_secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps ask for it when typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def authenticator_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code, for the enrollment page."""
    import segno  # Only enrollment draws a QR code; every command would otherwise load it at start-up.

    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def _new_recovery_codes(*, user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.WORLDCLASS_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def _code(token: str) -> str:
    return "".join(token.split()).lower()


def confirm_authenticator(*, user, token: str) -> tuple[TOTPDevice, list[str]]:
    """Finish enrolling: the code from the app proves it holds the key. Returns the device and fresh recovery codes
    (shown once). Raises AppError when the code is wrong."""
    with transaction.atomic():
        device = pending_authenticator(user=user)
        if not device.verify_token(_code(token)):
            raise AppError(
                code="wrong_code",
                message="That code does not match: check the app's clock and type the current code.",
                details=[ErrorDetail(message="does not match", field="token")],
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user=user)
        record_audit_event(
            actor=user.get_username(),
            user=user,
            action="accounts.enroll_second_factor",
            object_type="accounts.user",
            object_id=user.pk,
            summary=f"{user.get_username()} enrolled an authenticator app",
        )
    return device, codes


def verify_second_factor(*, user, token: str):
    """The device (authenticator or a recovery code, each usable once) that accepts the token, or None."""
    return django_otp.match_token(user, _code(token))


def enroll_known_authenticator(*, user, secret_base32: str, recovery_codes: list[str]) -> TOTPDevice:
    """Give a user an authenticator with a known key and known recovery codes (the demo's documented accounts)."""
    try:
        key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8)).hex()
    except binascii.Error as error:
        raise AppError(code="bad_secret", message="The secret is not base32.") from error
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
        static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes", defaults={"confirmed": True})
        static.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in recovery_codes)
    return device


def issue_api_token(*, user, actor: str, days: int | None = None) -> tuple[AuthToken, str]:
    """A new API token for the user; only its digest is stored, so the returned text is shown once."""
    expiry = dt.timedelta(days=days) if days is not None else settings.REST_KNOX["TOKEN_TTL"]
    instance, token = AuthToken.objects.create(user=user, expiry=expiry)
    record_audit_event(
        actor=actor,
        user=user,
        action="accounts.issue_api_token",
        object_type="accounts.user",
        object_id=user.pk,
        summary=f"API token issued to {user.get_username()}, valid until {instance.expiry:%Y-%m-%d %H:%M} UTC",
    )
    return instance, token


def revoke_api_tokens(*, user) -> int:
    """Delete every API token of the user (their password changed); returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
