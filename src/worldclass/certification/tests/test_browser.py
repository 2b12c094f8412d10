"""In chromium, through the login page, certifier staff run the loop: upload a survey file (a bad one, then a good
one), run the program year, issue its certificates, publish the year; an anonymous visitor sees the registry change."""

import csv

import pytest
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate
from worldclass.certificates.tests.factories import user_with_role
from worldclass.certificates.tests.test_browser import log_in
from worldclass.certification.models import Certification, CertificationRun
from worldclass.core.months import Month
from worldclass.demo.synthetic import generate_surveys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
END = Month(2025, 12)


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, settings):
    settings.WORLDCLASS_SURVEY_UPLOAD_DIR = tmp_path / "uploads"


def bad_file(tmp_path, good):
    """The good file's first rows, the second survey answered 9 on a 1-5 scale (line 3)."""
    with good.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:4]
    rows[2][rows[0].index("overall_sat")] = "9"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def upload(browser, path) -> None:
    browser.goto("/surveys/upload/")
    browser.page.get_by_label("Survey-results file (CSV)").set_input_files(str(path))
    browser.page.get_by_role("button", name="Upload and check").click()
    browser.page.get_by_role("button", name="Confirm the import").click()


def registry_as_visitor(browser, year: int) -> tuple[int, str]:
    """The registry page of a year as someone not signed in sees it: its status and its summary."""
    context = browser.page.context.browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        response = page.goto(f"{browser.base_url}/registry/{year}/")
        summary = page.locator("#registry-summary").inner_text() if response.status == 200 else ""
        return response.status, summary
    finally:
        context.close()


def console_problems(browser) -> list[str]:
    """The list that collects the page's console errors (a Content-Security-Policy violation is one) and script
    errors from now on."""
    problems: list[str] = []
    browser.page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    browser.page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_staff_upload_surveys_run_the_year_issue_certificates_and_publish_it(browser, tmp_path):
    good = tmp_path / "surveys.csv"
    generate_surveys(path=good, seed=3, months=6, csrs=20, end_month=END)
    with scopes_disabled():
        staff = user_with_role("certifier", "certifier_staff", is_staff=True)
    problems = console_problems(browser)
    log_in(browser, staff)

    upload(browser, bad_file(tmp_path, good))
    browser.page.locator("#import-error").wait_for()
    browser.screenshot("bad-file")
    bad_lines = browser.page.locator("#import-errors tbody tr").all_inner_texts()
    assert bad_lines == ["3\toverall_sat\trating 9 is outside the scale 1..5"]

    upload(browser, good)
    assert browser.page.get_by_role("progressbar", name="Import progress").count() == 1
    # The bar's width comes from static script or a class, never an inline style the policy would refuse: while the
    # import runs, the script has set the width its data attribute gives (0% until the first chunk is read, which on
    # a busy machine is after the page shows); once it is done, the class makes it full.
    width_from_script_or_class = browser.page.locator(".progress-bar").evaluate(
        "bar => bar.dataset.progressPercent === undefined"
        " ? bar.getBoundingClientRect().width > 0"
        " : bar.style.width === Math.max(0, Math.min(100, Number(bar.dataset.progressPercent) || 0)) + '%'"
    )
    assert width_from_script_or_class is True
    browser.screenshot("progress")
    # The live region stays while the block beside it is swapped each second, and is told only of the result.
    announcement = browser.page.locator("#upload-announcement")
    announcement.evaluate("region => { region.dataset.kept = 'yes'; }")
    browser.page.locator("#import-summary").wait_for(timeout=60_000)
    browser.screenshot("report")
    rows = len(good.read_text(encoding="utf-8").splitlines()) - 1
    assert browser.page.locator("#import-summary").inner_text() == f"Imported {rows:,} new surveys."
    assert (announcement.get_attribute("data-kept"), announcement.text_content()) == (
        "yes",
        f"Imported {rows:,} new surveys.",
    )

    browser.page.get_by_role("link", name="Certification runs").click()
    browser.page.get_by_label("Program year").fill(str(END.year))
    browser.page.get_by_label("Through month").fill(str(END))
    browser.page.get_by_role("button", name="Review the run").click()
    browser.screenshot("confirm-run")
    browser.page.get_by_role("button", name="Confirm the run").click()
    browser.page.locator("#run-counts").wait_for()
    browser.screenshot("run")
    with scopes_disabled():
        run = CertificationRun.objects.get()
        certifications = Certification.objects.filter(first_run=run).count()
    assert certifications > 0

    browser.page.get_by_role("link", name="Issue certificates").click()
    browser.page.get_by_role("button", name="Confirm and issue").click()
    # Issued by a task in the background; the page follows it until the result.
    browser.page.locator("#issue-result").wait_for()
    browser.screenshot("issued")
    assert browser.page.locator("#issue-result").inner_text() == (
        f"Issued {certifications} certificates. Issued before: 0."
    )
    browser.page.get_by_role("link", name=f"Back to run {run.pk}").click()
    browser.page.locator("#run-certificates").wait_for()
    assert browser.page.locator("#run-certificates").inner_text() == (
        f"Certificates issued for the certifications this run first found: {certifications} of {certifications}."
    )
    with scopes_disabled():
        assert Certificate.objects.count() == certifications

    assert registry_as_visitor(browser, END.year) == (404, "")
    browser.page.get_by_role("link", name=f"Publish the {END.year} registry").click()
    browser.page.get_by_role("button", name="Confirm and publish").click()
    browser.page.locator("#publication").wait_for()
    browser.screenshot("published")
    status, summary = registry_as_visitor(browser, END.year)
    assert (status, f"{certifications} CSRs" in summary) == (200, True)

    browser.page.get_by_role("link", name="Replay and verify").click()
    assert browser.page.locator("#verification").inner_text().startswith("The result reproduces")
    # The favicon is not served; anything else reported on the console (a CSP violation, a script error) is a fault.
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []
