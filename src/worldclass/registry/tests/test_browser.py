"""In chromium: a visitor, not signed in, browses the public registry."""

import pytest
from django_scopes import scopes_disabled

from worldclass.directory.tests.factories import OrganizationFactory
from worldclass.registry.tests.test_registry import certified_site, store_run_and_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_the_registry(browser):
    with scopes_disabled():
        certified_site(OrganizationFactory(name="Acme Insurance"), "Acme Toronto")
        certified_site(OrganizationFactory(name="Quiet Bank", listed_in_registry=False), "Quiet Center")
        store_run_and_issue()
    browser.goto("/registry/")
    browser.screenshot("years")
    browser.page.get_by_role("link", name="2013", exact=True).click()
    browser.page.wait_for_url("**/registry/2013/")
    browser.screenshot("2013")
    named = browser.page.locator("#registry-entries tbody tr td:first-child").all_inner_texts()
    browser.page.get_by_role("link", name="Public registry").click()
    browser.page.get_by_role("link", name="2015", exact=True).click()
    browser.page.wait_for_url("**/registry/2015/")
    browser.screenshot("2015-historical")
    historical = browser.page.locator("#historical-registry li").all_inner_texts()
    assert (
        named,
        len(historical),
        historical[0],
        browser.page.locator("#historical-registry .badge").inner_text(),
    ) == (
        ["Acme Insurance", "Acme Toronto"],
        26,
        "211 Ontario",
        "Historical",
    )
