"""Every route crossed with every role: who gets 200, who gets 403/404, who is sent to log in."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from worldclass.accounts.tests.access import AccessCase
from worldclass.accounts.tests.world import ROLES, build_role_world

# Django's own admin is guarded by Django (staff only) and its routes are generated, so it is left out.
EXCLUDED_NAMESPACES = {"admin"}


def _named_routes(resolver: URLResolver | None = None, namespace: str | None = None) -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            if inner in EXCLUDED_NAMESPACES:
                continue
            names |= _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                names.add(f"<unnamed {pattern.pattern} in {namespace or 'root'}>")
            else:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _all_cases() -> list[AccessCase]:
    cases: list[AccessCase] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("worldclass."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access_matrix")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tests.access_matrix":
                raise
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def test_every_named_route_has_a_case():
    covered = {case.url_name for case in CASES}
    assert sorted(_named_routes() - covered) == []


def test_no_case_names_a_route_that_does_not_exist():
    assert sorted({case.url_name for case in CASES} - _named_routes()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.url_name}{'-' + c.label if c.label else ''}")
def test_route_answers_each_role_as_specified(case: AccessCase):
    world = build_role_world()
    if case.setup is not None:
        case.setup(world)
    path = case.path(world)
    got = {}
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        request = getattr(client, case.method)
        kwargs = {}
        if case.data is not None:
            kwargs["data"] = case.data(world)
        if case.content_type:
            kwargs["content_type"] = case.content_type
        got[role] = request(path, **kwargs).status_code
    assert got == case.expect
