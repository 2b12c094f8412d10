import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium(browser):
    browser.goto("/")
    browser.screenshot("home")
    assert browser.page.locator("h1").inner_text() == "World Class certification"
