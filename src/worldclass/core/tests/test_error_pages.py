"""Styled error pages: the navigation, what went wrong, and a way back."""

import pytest
from django.test import Client, RequestFactory

from worldclass.accounts.tests.world import build_role_world
from worldclass.core.error_pages import AppErrorPageMiddleware, server_error
from worldclass.core.errors import AppError, Conflict, ErrorDetail

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_role_world()


def _signed_in(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_an_unknown_page_is_the_styled_404_with_the_navigation():
    response = Client().get("/no-such-page/")
    body = response.content.decode()
    assert (response.status_code, "Page not found" in body, 'href="/registry/"' in body, 'href="/"' in body) == (
        404,
        True,
        True,
        True,
    )


def test_a_refused_page_says_why(world):
    response = _signed_in(world, "csr").get("/awards/judging/")
    body = response.content.decode()
    assert (response.status_code, "Only awards judges have a judging dashboard." in body) == (403, True)


def test_the_way_back_is_the_referring_page_on_this_site(world):
    response = _signed_in(world, "csr").get("/awards/judging/", HTTP_REFERER="http://testserver/awards/")
    assert response.context["back_url"] == "http://testserver/awards/"


def test_a_referring_page_elsewhere_is_not_offered():
    response = Client().get("/no-such-page/", HTTP_REFERER="https://evil.example/")
    assert response.context["back_url"] is None


def test_an_app_error_in_a_web_view_renders_with_its_status_and_details(world):
    response = _signed_in(world, "csr").get(f"/dashboard/csr/{world.csr.id}/comments/?month=2025-13")
    body = response.content.decode()
    assert (response.status_code, "month: Enter a month as YYYY-MM" in body) == (400, True)


def test_the_middleware_leaves_the_api_to_its_own_handler():
    request = RequestFactory().get("/api/v1/anything/")
    assert AppErrorPageMiddleware(lambda r: None).process_exception(request, Conflict("busy")) is None


def test_the_middleware_leaves_other_exceptions_alone():
    request = RequestFactory().get("/awards/")
    assert AppErrorPageMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None


def test_a_conflict_keeps_its_409():
    request = RequestFactory().get("/awards/")
    error = AppError(
        code="conflict", message="Busy.", details=[ErrorDetail(message="locked", field="cycle")], status=409
    )
    response = AppErrorPageMiddleware(lambda r: None).process_exception(request, error)
    assert (response.status_code, "cycle: locked" in response.content.decode()) == (409, True)


def test_the_500_page_renders_without_a_user():
    response = server_error(RequestFactory().get("/boom/"))
    assert (response.status_code, "Something went wrong on our side" in response.content.decode()) == (500, True)
