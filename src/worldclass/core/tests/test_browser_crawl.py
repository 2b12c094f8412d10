"""Every page each role's navigation offers, in chromium, in English and in French.

Each role signs in through the login page, then every page its navigation bar offers (and the home page; for
the anonymous visitor also the login page and a customer's survey page) must: answer 200, fit the viewport at
1366 and 375 px, log no console error, have no serious or critical axe-core violation, and, in French, show
none of the UI's own English strings, nor the English label of data that has a French one. A screenshot of each
page goes to test-results/screenshots.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from django.apps import apps
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.domain import has_second_factor, requires_second_factor
from worldclass.accounts.tests.second_factor import authenticator_of, current_code, enroll_authenticator
from worldclass.accounts.tests.world import PASSWORD, ROLES, build_role_world
from worldclass.conftest import SCREENSHOT_DIR
from worldclass.core.tests.test_french_catalogues import CATALOGUES, _entries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 375)
BLOCKING_IMPACTS = {"serious", "critical"}
# axe-core is registered once per browser context and loads into each page as it opens (no 570 kB evaluate per
# page); the crawl asks it for violations only, as axe-playwright-python's Axe.run does by default.
AXE_RUN = "axe.run({resultTypes: ['violations']})"
# The innermost elements reaching past the viewport's right edge, to say what overflows.
WIDEST_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e));
  const innermost = wide.filter(e => ![...e.children].some(c => wide.includes(c)));
  const all = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > width + 1);
  return (innermost.length ? innermost : all.slice(-3)).slice(0, 3).map(e => e.outerHTML.slice(0, 120));
}"""
MONTHS = [dt.date(2015, 1, 1), dt.date(2015, 2, 1), dt.date(2015, 3, 1)]


def _ui_phrases() -> list[str]:
    """The UI's own English phrases that French pages must not show: translated msgids of two words or more,
    without placeholders or markup, whose French differs."""
    phrases = set()
    for path in CATALOGUES:
        for entry in _entries(path):
            text = entry.msgid
            if "%" in text or "<" in text or "{" in text or len(text.split()) < 2:
                continue
            if entry.translations and entry.translations[0] and entry.translations[0] != text:
                phrases.add(text)
    return sorted(phrases, key=len, reverse=True)


def _phrase_patterns(phrases) -> list[tuple[str, re.Pattern]]:
    return [(phrase, re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")) for phrase in phrases]


UI_PHRASES = _ui_phrases()
# Compiled once, not looked up in the re module's cache (512 patterns, shared with everything else) on every page.
UI_PHRASE_PATTERNS = _phrase_patterns(UI_PHRASES)


def _data_phrases() -> list[str]:
    """The English labels of the data that has a French version (a field `<name>` beside `<name>_fr`: editions,
    survey windows, awards cycles, categories and checklist items), of two words or more, whose French differs: a
    French page shows `<name>_fr` (core.i18n.in_active_language), never these."""
    phrases = set()
    with scopes_disabled():
        for model in apps.get_models():
            names = {field.name for field in model._meta.concrete_fields}
            for french in sorted(name for name in names if name.endswith("_fr") and name[:-3] in names):
                for english, translated in model._default_manager.values_list(french[:-3], french):
                    if translated and translated != english and len(english.split()) >= 2:
                        phrases.add(english)
    return sorted(phrases, key=len, reverse=True)


@pytest.fixture
def crawl_world(settings):
    """The role world with a little of everything: three months of rollups, a certificate, an awards cycle and a
    customer's survey invitation (far smaller than the demo, so the crawl stays fast)."""
    from worldclass.awards.domain.cycles import create_cycle
    from worldclass.certificates.tests.factories import certified_with_certificate
    from worldclass.operations.domain.invitations import issue_web_link
    from worldclass.operations.models import Invitation
    from worldclass.operations.tests.conftest import CHANNEL_WEIGHTS
    from worldclass.operations.tests.factories import call_row, load_calls, set_plan
    from worldclass.portal.tests.factories import rollups_for

    # The roles still sign in through the login page; argon2's deliberate slowness (a second per sign-in and per
    # user made) is tested in accounts, not here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_role_world()
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=MONTHS, eligible=1200)
        rollups_for(obj=world.site, level="site", months=MONTHS, eligible=900)
        rollups_for(obj=world.supervisor, level="supervisor", months=MONTHS, eligible=250)
        rollups_for(obj=world.csr, level="csr", months=MONTHS, eligible=40)
        certified_with_certificate(person=world.csr, organization=world.org)
        create_cycle(user=world.users["certifier_staff"], year=timezone.localdate().year)
        set_plan("tor", org_code="acme", expected_calls_per_csr=30, assumed_response_rate=1.0, **CHANNEL_WEIGHTS["web"])
        now = timezone.now()
        load_calls(
            [call_row(org="acme", site="tor", started=now - dt.timedelta(minutes=35))],
            org_code="acme",
            now=now - dt.timedelta(minutes=30),
        )
        token = issue_web_link(invitation=Invitation.objects.latest("id"))
    world.extra["survey_path"] = f"/survey/{token}/"
    return world


def _log_in(page, base_url: str, user) -> None:
    """Sign in through the login page; staff and judges then type their authenticator's code (in either language,
    so by field, not by label)."""
    second_factor = requires_second_factor(user=user)
    if second_factor and not has_second_factor(user=user):
        enroll_authenticator(user)
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if second_factor:
        page.wait_for_url("**/accounts/login/second-factor/")
        page.fill("#id_token", current_code(authenticator_of(user)))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.get_username()} could not sign in"


def _overflow(page, width: int) -> str | None:
    """What is wrong with the page's width at `width` px, or None when it fits."""
    page.set_viewport_size({"width": width, "height": 900})
    if width < WIDTHS[0] and page.locator("canvas").count():
        # Let the charts' resize observers settle, as they have on a phone that opened the page at this width.
        page.wait_for_timeout(150)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow <= 0:
        return None
    return f"{overflow}px wider than the viewport at {width}px: {page.evaluate(WIDEST_ELEMENTS)}"


def _pages_for(page, base_url: str, role: str, world, language: str) -> tuple[list[str], list[str]]:
    """The role's pages (home, its navigation's links; for visitors the login and survey pages), and what is wrong
    with its navigation bar at full width (the bar differs by role; below lg it is collapsed for everyone)."""
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(base_url + "/")
    hrefs = page.eval_on_selector_all("#nav ul.me-auto a.nav-link", "links => links.map(a => a.getAttribute('href'))")
    bar = _overflow(page, WIDTHS[0])
    paths = ["/", *hrefs]
    if role == "anonymous":
        # The customer's survey page, switched to the crawl's language (it opens in the invitation's).
        paths += ["/accounts/login/", f"{world.extra['survey_path']}?lang={language}"]
    return list(dict.fromkeys(paths)), [f"/: {bar}"] if bar else []


def _check_page(
    context, base_url: str, path: str, *, language: str, label: str, checked: set[str], english_patterns: list
) -> list[str]:
    """Open the page in a fresh tab (so console listeners see this page only) and list what is wrong with it:
    status, console errors, width at both sizes, axe-core violations and, in French, English UI strings and data
    labels (`english_patterns`). A page that lands (after redirects) where another was checked in full is only
    asked to open; `checked` gains the landing of a page checked in full."""
    page = context.new_page()
    problems: list[str] = []
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    response = page.goto(base_url + path)
    page.wait_for_load_state("load")
    landed = page.url.removeprefix(base_url)
    if response is None or response.status != 200:
        page.close()
        return [f"{path}: status {response.status if response else 'none'}"]
    if landed in checked:
        page.close()
        return []
    checked.add(landed)
    problems += [f"{path}: {wrong}" for wrong in map(lambda width: _overflow(page, width), WIDTHS) if wrong]
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    for violation in page.evaluate(AXE_RUN)["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            problems.append(f"{path}: axe {violation['id']} ({violation['impact']}) at {targets}")
    if language == "fr":
        text = page.inner_text("body")
        english = [phrase for phrase, pattern in english_patterns if pattern.search(text)]
        if english:
            problems.append(f"{path}: English in French: {english[:5]}")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"crawl-{language}-{label}.png"), full_page=True)
    problems.extend(f"{path}: console error {error}" for error in errors)
    page.close()
    return problems


def test_the_crawl_knows_the_english_labels_of_data_with_a_french_one():
    phrases = _data_phrases()
    assert ("2015 World Class FCR Certification" in phrases, "10 minutes to 24 hours after the call" in phrases) == (
        True,
        True,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_each_role_is_offered_works_for_everyone(_playwright_browser, live_server, crawl_world, language):
    problems: list[str] = []
    # Pages (where they landed, after redirects) already checked in full: other roles get the same templates,
    # so for them a page is only asked to open, which keeps the crawl fast.
    checked: set[str] = set()
    # Paths some role has opened: another role opening one asks the server for its status and landing only (no
    # tab); a path no role has opened yet is opened in a tab at once, and checked in full unless it lands on a
    # checked page (one request, not a request and then a page).
    opened: set[str] = set()
    english_patterns = UI_PHRASE_PATTERNS + _phrase_patterns(_data_phrases())
    for role in ROLES:
        context = _playwright_browser.new_context(locale="fr-FR" if language == "fr" else "en-US")
        context.set_extra_http_headers({"Accept-Language": language})
        context.add_init_script(path=str(AXE_FILE_PATH))
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            _log_in(page, live_server.url, crawl_world.users[role])
        paths, bar_problems = _pages_for(page, live_server.url, role, crawl_world, language)
        problems += [f"{role} {problem}" for problem in bar_problems]
        page.close()
        for number, path in enumerate(paths, start=1):
            if path in opened:
                response = context.request.get(live_server.url + path)
                if response.status != 200:
                    problems.append(f"{role} {path}: status {response.status}")
                    continue
                if response.url.removeprefix(live_server.url) in checked:
                    continue
            opened.add(path)
            found = _check_page(
                context,
                live_server.url,
                path,
                language=language,
                label=f"{role}-{number:02d}",
                checked=checked,
                english_patterns=english_patterns,
            )
            problems += [f"{role} {problem}" for problem in found]
        context.close()
    assert "\n".join(problems) == ""
