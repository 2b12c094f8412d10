"""Pages and API answers served again while the database snapshot is unchanged (core/page_cache.py)."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from worldclass.accounts.tests.world import build_role_world, client_for
from worldclass.core.page_cache import cached_until_data_changes
from worldclass.directory.models import Organization
from worldclass.portal.tests.factories import rollups_for

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pages are stored under a PostgreSQL snapshot only"
)
pytestmark = [pytest.mark.django_db(transaction=True)]
MONTHS = [dt.date(2015, 1, 1), dt.date(2015, 2, 1)]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WORLDCLASS_PAGE_CACHE_SECONDS = 300
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    world = build_role_world()
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=MONTHS)
        rollups_for(obj=world.site, level="site", months=MONTHS)
        rollups_for(obj=world.csr, level="csr", months=MONTHS)
    return world


def _counting_view():
    calls = []

    @cached_until_data_changes
    def view(request):
        calls.append(request.path)
        return HttpResponse(f"rendered {len(calls)}")

    return view, calls


def _get(path: str = "/page/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def _tokens_masked(content: bytes) -> bytes:
    """A page with its CSRF tokens (a fresh random mask each time they are minted) blanked out."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"TOKEN", content)


def _reads_rollups(queries) -> bool:
    return any("certification_monthlyrollup" in query["sql"] for query in queries.captured_queries)


@on_postgresql
def test_a_page_is_rendered_once_while_nothing_changes():
    view, calls = _counting_view()
    contents = [view(_get()).content for _ in range(3)]
    assert (calls, contents) == (["/page/"], [b"rendered 1"] * 3)


@on_postgresql
def test_another_path_is_another_page():
    view, calls = _counting_view()
    view(_get("/page/?month=2015-01"))
    view(_get("/page/?month=2015-02"))
    assert calls == ["/page/", "/page/"]


@on_postgresql
def test_any_commit_renders_the_page_again():
    view, calls = _counting_view()
    view(_get())
    Organization.objects.create(code="initech", name="Initech")
    view(_get())
    assert len(calls) == 2


def test_nothing_is_stored_inside_a_transaction():
    view, calls = _counting_view()
    with transaction.atomic():
        view(_get())
        view(_get())
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor == "sqlite", reason="on SQLite, see the test below")
def test_an_error_is_not_stored():
    calls = []

    @cached_until_data_changes
    def view(request):
        calls.append(1)
        return HttpResponse("not yet", status=404)

    view(_get())
    view(_get())
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_nothing_is_stored_on_sqlite():
    view, calls = _counting_view()
    view(_get())
    view(_get())
    assert len(calls) == 2


@on_postgresql
def test_a_page_with_messages_pending_shows_them_and_is_not_stored():
    view, calls = _counting_view()
    view(_get())
    request = _get()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    add_message(request, constants.SUCCESS, "Run published.")
    view(request)
    assert len(calls) == 2


@on_postgresql
def test_a_rename_by_update_without_signals_shows_on_the_dashboard(world):
    client = client_for(world, "org_admin")
    path = f"/dashboard/organization/{world.org.id}/"
    before = client.get(path).content.decode()
    with scopes_disabled():
        Organization.objects.filter(pk=world.org.pk).update(name="Acme Mutual")
    after = client.get(path).content.decode()
    assert ("Acme Mutual" in before, "Acme Mutual" in after) == (False, True)


@on_postgresql
def test_the_dashboard_is_served_again_without_reading_the_rollups(world):
    client = client_for(world, "org_admin")
    path = f"/dashboard/organization/{world.org.id}/"
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert (again.status_code, _tokens_masked(again.content), _reads_rollups(queries)) == (
        200,
        _tokens_masked(first.content),
        False,
    )


@on_postgresql
def test_another_organizations_admin_is_refused_a_stored_page(world):
    path = f"/dashboard/organization/{world.org.id}/"
    admin, other_admin = client_for(world, "org_admin"), client_for(world, "other_org_admin")  # logins commit
    admin.get(path)
    assert other_admin.get(path).status_code == 403


@on_postgresql
def test_a_second_browser_of_the_same_user_gets_tokens_for_its_own_cookie(world):
    path = f"/dashboard/organization/{world.org.id}/"
    first_browser = client_for(world, "org_admin")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["org_admin"])  # a login commits: before the page is stored
    first_browser.get(path)
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page).group(1)
    logout = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert (_reads_rollups(queries), "worldclass-csrf-token" in page, logout.status_code) == (False, False, 302)


@on_postgresql
def test_french_and_english_pages_are_stored_apart(world):
    client = client_for(world, "org_admin")
    path = f"/dashboard/organization/{world.org.id}/"
    english = client.get(path, headers={"accept-language": "en"})
    french = client.get(path, headers={"accept-language": "fr"})
    assert (english["Content-Language"], french["Content-Language"]) == ("en", "fr")
    assert '<html lang="fr"' in french.content.decode()


@on_postgresql
def test_a_streamed_export_is_served_again_whole(world):
    client = client_for(world, "org_admin")
    path = f"/dashboard/organization/{world.org.id}/export/leaderboard.csv?of=csr"
    first = b"".join(client.get(path).streaming_content)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert (again.content, again["Content-Disposition"], _reads_rollups(queries)) == (
        first,
        'attachment; filename="organization-acme-leaderboard.csv"',
        False,
    )


@on_postgresql
def test_api_answers_follow_a_commit(world):
    client = client_for(world, "org_admin")
    path = "/api/v1/monthly-metrics/?level=csr"
    before = client.get(path).json()["count"]
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[dt.date(2015, 3, 1)])
    after = client.get(path).json()["count"]
    assert (before, after) == (2, 3)


@on_postgresql
def test_api_answers_are_per_user(world):
    path = "/api/v1/monthly-metrics/?level=organization"
    admin, other_admin = client_for(world, "org_admin"), client_for(world, "other_org_admin")  # logins commit
    seen_by_admin = admin.get(path).json()["count"]
    seen_by_other = other_admin.get(path).json()["count"]
    assert (seen_by_admin, seen_by_other) == (2, 0)
