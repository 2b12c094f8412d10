"""Fixtures shared by every app's tests."""

from __future__ import annotations

import importlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from worldclass.settings import base as base_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium flags for this closed-network machine: no background connections, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOT_DIR = Path(os.environ.get("WORLDCLASS_TEST_OUTPUT", "test-results")) / "screenshots"

# Reference data that data migrations load: (model label, migration module with an idempotent `load`).
# A transactional test (browser tests, live server) truncates every table when it ends, so later tests would
# otherwise run without the published editions.
REFERENCE_DATA = [
    ("certification.Edition", "worldclass.certification.migrations.0002_editions_2008_2015"),
    ("certification.Edition", "worldclass.certification.migrations.0006_edition_french_names"),
    ("certification.Edition", "worldclass.certification.migrations.0009_survey_window_french_descriptions"),
    ("certification.ProgramYear", "worldclass.certification.migrations.0003_program_years"),
    ("registry.HistoricalListing", "worldclass.registry.migrations.0002_historical_2015"),
    ("registry.HistoricalStatement", "worldclass.registry.migrations.0003_historical_statements_2008"),
]


def restore_reference_data() -> None:
    """Reload what data migrations loaded, where a flush removed it."""
    # The app registry is ready only once pytest-django has set Django up, after this module is imported.
    from django.apps import apps

    # Every loader of a model runs when the model was empty before the first of them ran.
    empty = {label for label, _module in REFERENCE_DATA if not apps.get_model(label).objects.exists()}
    for label, module in REFERENCE_DATA:
        if label in empty:
            importlib.import_module(module).load(apps, None)


@pytest.fixture(scope="session")
def _test_database_created_as_owner(django_db_blocker):
    """With DATABASE_MIGRATE_URL set, the test database is created, migrated and dropped by the owner role..."""
    from worldclass.core.dbroles import connected_as_owner

    with django_db_blocker.unblock(), connected_as_owner():
        yield


@pytest.fixture(scope="session")
def django_db_setup(_test_database_created_as_owner, django_db_setup, django_db_blocker):
    """...while the tests themselves run as the application role, as the deployed app does (docs/deployment.md)."""
    from django.conf import settings

    from worldclass.core.dbroles import log_in_as, owner_credentials

    owner = owner_credentials()
    if owner is None:
        yield
        return
    with django_db_blocker.unblock():
        log_in_as("default", settings.DATABASE_APP_CREDENTIALS)
    yield
    with django_db_blocker.unblock():
        log_in_as("default", owner)


@pytest.fixture
def unscoped():
    """Read across tenants on purpose, as certifier back-office code does."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    if request.node.get_closest_marker("django_db") is None and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    restore_reference_data()


@pytest.fixture(autouse=True)
def _isolated_signing_key(tmp_path, settings):
    settings.WORLDCLASS_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what an earlier test left there (a task's progress, a page) is keyed by
    ids that SQLite gives out again once that test's transaction is rolled back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _background_tasks_on_a_live_server(request, settings):
    """Tests run the tasks pages start inline (settings/test.py); browser tests, on a live server, run them in the
    background as the app does without a broker."""
    if "live_server" in request.fixturenames:
        settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = base_settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND


@pytest.fixture(scope="session")
def _playwright_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Only browser tests need Playwright (and only where chromium is installed).
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole session; the ORM calls
    # that tests and the live server make are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class BrowserSession:
    """A Playwright page against the live test server, saving screenshots under test-results/screenshots."""

    page: object
    base_url: str
    test_name: str
    shots: list[Path] = field(default_factory=list)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def screenshot(self, label: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOT_DIR / f"{self.test_name}-{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=str(target), full_page=True)
        self.shots.append(target)
        return target


@pytest.fixture
def browser(_playwright_browser, live_server, request):
    """A fresh browser context on the live server. Mark the test with @pytest.mark.browser."""
    context = _playwright_browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    session = BrowserSession(page=page, base_url=live_server.url, test_name=request.node.name)
    yield session
    context.close()
