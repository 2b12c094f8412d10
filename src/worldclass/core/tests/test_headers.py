"""Security headers: a strict Content-Security-Policy, a Permissions-Policy, and no-store on private responses."""

import re
from pathlib import Path

import pytest
from django.test import Client

import worldclass
from worldclass.accounts.tests.tokens import api_token_for
from worldclass.accounts.tests.world import build_role_world

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(worldclass.__file__).parent.glob("*/templates/**/*.html"))


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


def test_pages_carry_a_strict_content_security_policy():
    policy = _policy(Client().get("/"))
    assert {name: policy[name] for name in ("script-src", "style-src", "object-src", "base-uri")} == {
        "script-src": "'self'",
        "style-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
    }


def test_pages_carry_a_permissions_policy():
    assert "camera=()" in Client().get("/").headers["Permissions-Policy"]


def test_a_public_page_to_an_anonymous_visitor_may_be_cached():
    assert "no-store" not in Client().get("/registry/").get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/dashboard/organizations/", "/certificates/"])
def test_pages_to_a_signed_in_user_are_not_stored(path):
    client = Client()
    client.force_login(build_role_world().users["certifier_staff"])
    assert "no-store" in client.get(path)["Cache-Control"]


def test_api_answers_to_a_token_are_not_stored():
    token = api_token_for(build_role_world().users["certifier_staff"])
    response = Client().get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Token {token}")
    assert (response.status_code, "no-store" in response["Cache-Control"]) == (200, True)


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE),
    "inline style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_needs_inline_script_or_style():
    """The policy refuses inline code; a template that relies on it would silently break in the browser."""
    found = [
        f"{template.relative_to(Path(worldclass.__file__).parent)}: {kind}"
        for template in TEMPLATES
        for kind, pattern in INLINE.items()
        if pattern.search(template.read_text())
    ]
    assert (found, len(TEMPLATES) > 30) == ([], True)
