"""In chromium: a CSR downloads their certificate; staff revoke one and the verification page changes."""

from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.domain import has_second_factor, requires_second_factor
from worldclass.accounts.tests.second_factor import complete_second_factor_in_browser, enroll_authenticator
from worldclass.certificates.pdf import verify_certificate_pdf
from worldclass.certificates.signing import load_signing_key
from worldclass.certificates.tests.factories import (
    SiteFactory,
    certified_with_certificate,
    user_with_role,
)

LOGIN_PASSWORD = "a long browser-test passphrase"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, user) -> None:
    """Sign in through the login page, as a person would."""
    user.set_password(LOGIN_PASSWORD)
    user.save(update_fields=["password"])
    second_factor = requires_second_factor(user=user)
    if second_factor and not has_second_factor(user=user):
        enroll_authenticator(user)
    browser.goto("/accounts/login/")
    browser.page.get_by_label("Username").fill(user.get_username())
    browser.page.get_by_label("Password").fill(LOGIN_PASSWORD)
    browser.page.get_by_role("button", name="Log in").click()
    browser.page.wait_for_load_state()
    if second_factor:
        complete_second_factor_in_browser(browser, user)
    assert "/accounts/login/" not in browser.page.url


def test_csr_downloads_their_certificate_and_it_verifies(browser, tmp_path):
    with scopes_disabled():
        site = SiteFactory(name="Toronto")
        certificate = certified_with_certificate(
            person__organization=site.organization, person__site=site, person__name="Casey CSR"
        )
        csr = user_with_role("casey", "csr", organization=site.organization, person=certificate.certification.person)
    log_in(browser, csr)
    browser.goto("/certificates/")
    browser.screenshot("my-certificates")
    with browser.page.expect_download() as download_info:
        browser.page.get_by_role("link", name=f"Download PDF {certificate.serial}").click()
    target = tmp_path / "certificate.pdf"
    download_info.value.save_as(target)
    result = verify_certificate_pdf(data=Path(target).read_bytes(), public_key=load_signing_key().public_key())
    assert (result.status, result.facts["subject"], result.facts["serial"]) == (
        "valid",
        "Casey CSR",
        certificate.serial,
    )


def test_staff_revoke_a_certificate_and_verification_shows_it(browser):
    with scopes_disabled():
        certificate = certified_with_certificate(valid_through_month=timezone.localdate().replace(day=1))
        staff = user_with_role("staff", "certifier_staff", is_staff=True)
    browser.goto(f"/verify/{certificate.serial}")
    browser.screenshot("valid")
    assert browser.page.locator("#certificate-status strong").inner_text() == "Valid."
    log_in(browser, staff)
    browser.goto(f"/verify/{certificate.serial}")
    browser.page.get_by_role("link", name="Revoke this certificate").click()
    browser.page.get_by_label("Reason for revocation").fill("The survey sample was found to be manipulated.")
    browser.screenshot("revocation-form")
    browser.page.get_by_role("button", name="Revoke").click()
    browser.page.wait_for_url(f"**/verify/{certificate.serial}")
    browser.screenshot("revoked")
    assert (
        browser.page.locator("#certificate-status strong").inner_text(),
        browser.page.locator("#revocation-reason").inner_text(),
    ) == ("Revoked.", "The survey sample was found to be manipulated.")
