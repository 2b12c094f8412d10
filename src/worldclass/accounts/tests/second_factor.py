"""The second factor in tests: an enrolled authenticator and its current code, as the user's phone would show it."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def enroll_authenticator(user) -> TOTPDevice:
    """Give `user` a confirmed authenticator (as if they had scanned the enrollment QR code)."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the app shows now. The device forgets the last code it accepted, so a test may log in twice within
    one 30-second step (in real use a code is accepted once)."""
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def authenticator_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def complete_second_factor_in_browser(browser, user) -> None:
    """After the password step in a browser test: type the current code on the second-factor page."""
    page = browser.page
    page.wait_for_url("**/accounts/login/second-factor/")
    page.get_by_label("Code").fill(current_code(authenticator_of(user)))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
