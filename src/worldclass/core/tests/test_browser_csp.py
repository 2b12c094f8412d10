"""In Chromium, under the Content-Security-Policy: the dashboard chart still draws, progress bars and the character
counter still work, and no page reports a CSP violation or any other console error."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from worldclass.accounts.domain import has_second_factor, requires_second_factor
from worldclass.accounts.tests.second_factor import complete_second_factor_in_browser, enroll_authenticator
from worldclass.accounts.tests.world import PASSWORD, build_role_world
from worldclass.portal.tests.factories import rollups_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONTHS = [dt.date(2015, m, 1) for m in (1, 2, 3)]


def _sign_in(browser, user) -> list[str]:
    """Sign in through the login page (staff and judges with their authenticator's code); return the list that
    collects console errors and CSP violations."""
    second_factor = requires_second_factor(user=user)
    if second_factor and not has_second_factor(user=user):
        enroll_authenticator(user)
    problems: list[str] = []
    page = browser.page
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Which resource failed, rather than the console's "Failed to load resource" (the favicon is not served).
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    browser.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if second_factor:
        complete_second_factor_in_browser(browser, user)
    return problems


def test_the_dashboard_chart_draws_under_the_policy_without_violations(browser):
    world = build_role_world()
    with scopes_disabled():
        rollups_for(obj=world.site, level="site", months=MONTHS, eligible=300)
    problems = _sign_in(browser, world.users["certifier_staff"])
    page = browser.page
    browser.goto(f"/dashboard/site/{world.site.id}/")
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart') !== undefined")
    chart = page.evaluate(
        "() => { const c = Chart.getChart('trend-chart'); "
        "return [c.data.labels.length, c.canvas.getBoundingClientRect().height > 100]; }"
    )
    browser.screenshot("chart")
    for path in ["/dashboard/organizations/", "/operations/", "/certificates/", "/certificates/trophies/"]:
        browser.goto(path)
        page.wait_for_load_state()
    console = [p for p in problems if not p.startswith("Failed to load resource")]
    assert (chart, console) == ([3, True], [])


def test_django_admin_pages_work_under_the_policy(browser):
    world = build_role_world()
    problems = _sign_in(browser, world.users["superuser"])
    page = browser.page
    for path in ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/core/auditevent/"]:
        browser.goto(path)
        page.wait_for_load_state()
    browser.screenshot("admin")
    console = [p for p in problems if not p.startswith("Failed to load resource")]
    assert console == []


def test_the_character_counter_and_progress_bars_work_without_inline_script(browser):
    world = build_role_world()
    from worldclass.awards.tests.access_matrix import build_awards

    build_awards(world)
    problems = _sign_in(browser, world.users["org_admin"])
    page = browser.page
    browser.goto(f"/awards/applications/{world.extra['application'].pk}/")
    # The field sits in a collapsed section: type into it the way the browser would, then read the counter.
    page.locator("#edit_summary").evaluate("el => { el.value = 'Café 👍🏽'; el.dispatchEvent(new Event('input')); }")
    counted = page.locator("[data-grapheme-count-for='edit_summary']").text_content()
    console = [p for p in problems if not p.startswith("Failed to load resource")]
    assert (counted, console) == ("6", [])


def test_the_judges_progress_bar_gets_its_width_from_the_page_script(browser):
    world = build_role_world()
    from worldclass.awards.tests.access_matrix import build_awards

    build_awards(world)
    problems = _sign_in(browser, world.users["judge"])
    page = browser.page
    browser.goto("/awards/judging/")
    width = page.locator("#progress .progress-bar").evaluate("bar => bar.style.width")
    console = [p for p in problems if not p.startswith("Failed to load resource")]
    assert (width, console) == ("0%", [])
