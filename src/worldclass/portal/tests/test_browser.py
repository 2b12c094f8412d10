import datetime as dt
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from worldclass.accounts.tests.world import PASSWORD, build_role_world
from worldclass.portal.tests.factories import rollups_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONTHS = [dt.date(2015, m, 1) for m in (1, 2, 3)]


def test_site_manager_logs_in_drills_down_and_exports(browser, tmp_path):
    world = build_role_world()
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=MONTHS, eligible=400)
        rollups_for(obj=world.site, level="site", months=MONTHS, eligible=300)
        rollups_for(obj=world.supervisor, level="supervisor", months=MONTHS, eligible=80)
        rollups_for(obj=world.csr, level="csr", months=MONTHS, eligible=40, fcr=34)
    page = browser.page

    browser.goto("/accounts/login/")
    page.get_by_label("Username").fill("site_manager")
    page.get_by_label("Password").fill(PASSWORD)
    browser.screenshot("login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/dashboard/site/{world.site.id}/")
    # The organization is shown in the breadcrumb; its own dashboard is for the organization's admins.
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    browser.screenshot("site")

    page.locator("#members-table").get_by_role("link", name="Sam Supervisor").click()
    page.wait_for_url(f"**/dashboard/supervisor/{world.supervisor.id}/**")
    browser.screenshot("supervisor")

    page.locator("#members-table").get_by_role("link", name="Casey CSR").click()
    page.wait_for_url(f"**/dashboard/csr/{world.csr.id}/**")
    first_month = page.locator("#months-table tbody tr").first.inner_text()
    browser.screenshot("csr")

    with page.expect_download() as download_info:
        page.get_by_role("group", name="Export").last.get_by_role("link", name="CSV").click()
    target = tmp_path / "months.csv"
    download_info.value.save_as(target)
    lines = Path(target).read_text(encoding="utf-8-sig").splitlines()
    assert (
        "Acme Insurance" in breadcrumb,
        first_month.split()[0],
        download_info.value.suggested_filename,
        lines[0].split(",")[:3],
        [line.split(",")[:2] for line in lines[1:]],
    ) == (
        True,
        "2015-03",
        "csr-C1-months.csv",
        ["Month", "Eligible", "Ineligible"],
        [["2015-01", "40"], ["2015-02", "40"], ["2015-03", "40"]],
    )
