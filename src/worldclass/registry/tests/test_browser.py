"""In chromium: a visitor, not signed in, browses the public registry."""

import pytest
from django_scopes import scopes_disabled

from worldclass.certificates.tests.factories import OrganizationFactory, SiteFactory, site_certification

# serialized_rollback: the editions and the 2015 historical registry come from migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_browses_the_registry(browser):
    with scopes_disabled():
        site = SiteFactory(organization=OrganizationFactory(name="Acme Insurance"), name="Acme Toronto")
        site_certification(site)
    browser.goto("/registry/")
    browser.screenshot("years")
    browser.page.get_by_role("link", name="2015", exact=True).click()
    browser.page.wait_for_url("**/registry/2015/")
    browser.screenshot("2015")
    rows = browser.page.locator("#registry-entries tbody tr td:first-child").all_inner_texts()
    historical = browser.page.locator("#historical-registry li").all_inner_texts()
    assert (rows, len(historical), historical[0], browser.page.locator("#historical-registry .badge").inner_text()) == (
        ["Acme Toronto"],
        26,
        "211 Ontario",
        "Historical",
    )
