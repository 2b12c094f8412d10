"""The main navigation offers a page exactly when that page opens for the user."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from worldclass.accounts.tests.world import ROLES, build_role_world
from worldclass.core.navigation import ANONYMOUS, NAVIGATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_role_world()


def _client_for(world, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_a_link_is_offered_exactly_when_its_page_opens(world, role):
    client = _client_for(world, role)
    offered = {link.url for link in client.get("/").context["nav_links"]}
    login = reverse("accounts:login")
    opening = set()
    # A page meant for visitors (registering to apply) also opens when signed in, but is not offered then.
    entries = [e for e in NAVIGATION if e.audience != ANONYMOUS or world.users[role] is None]
    for entry in entries:
        url = reverse(entry.url_name)
        response = client.get(url, follow=True)
        landed = response.request["PATH_INFO"]
        if response.status_code == 200 and not landed.startswith(login) and landed != "/":
            opening.add(url)
    assert offered == opening


def test_no_page_is_offered_twice(world):
    urls = [link.url for link in _client_for(world, "certifier_staff").get("/").context["nav_links"]]
    assert len(urls) == len(set(urls))


def test_the_longest_matching_link_is_current(world):
    links = _client_for(world, "judge").get(reverse("awards:judging")).context["nav_links"]
    assert [link.label for link in links if link.current] == ["Judging"]


def test_the_bar_renders_the_offered_links_only(world):
    response = _client_for(world, "csr").get(reverse("awards:home"))
    body = response.content.decode()
    assert ("My applications" in body, "Judging" in body, "Run the awards" in body) == (False, False, False)
