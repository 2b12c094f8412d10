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
from django.test.utils import CaptureQueriesContext, override_settings
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.world import build_role_world, client_for
from worldclass.core import page_cache, tenancy
from worldclass.core.page_cache import DatabaseSnapshotMiddleware, cached_until_data_changes, database_snapshot
from worldclass.directory.models import Organization
from worldclass.portal.api import SeesDashboards
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


def _get(path: str = "/page/", user=None):
    """A GET as the middleware hands it on: with the snapshot read first."""
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.database_snapshot = database_snapshot()
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
def test_another_path_is_another_page(world):
    view, calls = _counting_view()
    view(_get("/page/?month=2015-01", user=world.users["org_admin"]))
    view(_get("/page/?month=2015-02", user=world.users["org_admin"]))
    assert calls == ["/page/", "/page/"]


@on_postgresql
def test_an_anonymous_query_string_is_rendered_not_stored():
    # Else anyone could fill the cache with /registry/2015/?junk=1, 2, 3...
    view, calls = _counting_view()
    view(_get("/page/?junk=1"))
    view(_get("/page/?junk=1"))
    assert len(calls) == 2


@on_postgresql
def test_a_new_release_renders_the_page_again(monkeypatch):
    view, calls = _counting_view()
    view(_get())
    monkeypatch.setattr(page_cache, "_release", lambda: "the next release")
    view(_get())
    assert len(calls) == 2


@on_postgresql
def test_a_failing_cache_renders_the_page():
    unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    view, calls = _counting_view()
    with override_settings(CACHES={"default": unreachable}):
        contents = [view(_get()).content for _ in range(2)]
    assert (contents, len(calls)) == ([b"rendered 1", b"rendered 2"], 2)


def test_the_snapshot_is_read_before_any_other_middleware(settings):
    # After the session, the user or their roles, a right withdrawn meanwhile would go unseen (next test).
    assert settings.MIDDLEWARE[0] == f"{DatabaseSnapshotMiddleware.__module__}.{DatabaseSnapshotMiddleware.__name__}"


@on_postgresql
def test_a_page_larger_than_the_limit_is_not_stored(settings):
    settings.WORLDCLASS_PAGE_CACHE_MAX_BYTES = len(b"rendered 1") - 1
    view, calls = _counting_view()
    view(_get())
    view(_get())
    assert len(calls) == 2


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


@on_postgresql
def test_a_right_withdrawn_while_the_request_reads_the_users_roles_is_seen_next_time(world, monkeypatch):
    client = client_for(world, "superuser")
    superuser = world.users["superuser"]
    real = tenancy.organization_ids_for

    def demote_after_reading(user):
        organization_ids = real(user)
        monkeypatch.setattr(tenancy, "organization_ids_for", real)
        User.objects.filter(pk=superuser.pk).update(is_superuser=False)
        return organization_ids

    monkeypatch.setattr(tenancy, "organization_ids_for", demote_after_reading)
    first = client.get("/dashboard/organizations/").status_code
    assert (first, client.get("/dashboard/organizations/").status_code) == (200, 403)


@on_postgresql
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
def test_an_api_organization_withdrawn_while_the_request_reads_the_users_roles_is_seen_next_time(world, monkeypatch):
    admin = world.users["org_admin"]
    with scopes_disabled():
        RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, organization=world.other_org)
        rollups_for(obj=world.other_org, level="organization", months=MONTHS)
    client = client_for(world, "org_admin")
    real = SeesDashboards.has_permission

    def withdraw_after_reading(permission, request, view):
        # The last reading of the roles: the API view's scope is open and DRF has checked the permissions.
        allowed = real(permission, request, view)
        monkeypatch.setattr(SeesDashboards, "has_permission", real)
        with scopes_disabled():
            RoleAssignment.objects.filter(user=admin, organization=world.other_org).delete()
        return allowed

    monkeypatch.setattr(SeesDashboards, "has_permission", withdraw_after_reading)
    path = "/api/v1/monthly-metrics/?level=organization"
    first = client.get(path).json()["count"]
    assert (first, client.get(path).json()["count"]) == (4, 2)


@on_postgresql
def test_a_replayed_download_keeps_no_store(world):
    client = client_for(world, "org_admin")
    path = f"/dashboard/organization/{world.org.id}/export/months.csv"
    client.get(path)
    assert "no-store" in client.get(path)["Cache-Control"]


@on_postgresql
def test_api_answers_are_per_user(world):
    path = "/api/v1/monthly-metrics/?level=organization"
    admin, other_admin = client_for(world, "org_admin"), client_for(world, "other_org_admin")  # logins commit
    seen_by_admin = admin.get(path).json()["count"]
    seen_by_other = other_admin.get(path).json()["count"]
    assert (seen_by_admin, seen_by_other) == (2, 0)
