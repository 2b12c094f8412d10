"""Schemathesis over the whole API, as certifier staff: whatever it sends, no operation answers 5xx.

Bounded so that it runs in every test run: a few derandomized examples per operation and an overall time limit.
"""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from worldclass.accounts.tests.tokens import api_token_for
from worldclass.accounts.tests.world import build_role_world

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 6
TIME_LIMIT_SECONDS = 40


def _staff_token() -> str:
    """An API token of the world's certifier staff (the caller that reaches the most code)."""
    world = build_role_world()
    return api_token_for(world.users["certifier_staff"])


def _api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def connection_kept_across_requests():
    """Keep the test's database connection open across requests, as Django's test client does: the WSGI handler
    would otherwise close it at the end of each request, and with it the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept_across_requests")
def test_no_api_operation_answers_a_server_error():
    token = _staff_token()
    server_errors: list[tuple[str, str, int]] = []
    started = time.monotonic()
    operations = [result.ok() for result in _api_schema().get_all_operations()]

    for operation in operations:
        if time.monotonic() - started > TIME_LIMIT_SECONDS:
            break

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        # Negative cases (a word where an id goes, a string where a number goes) are what found the 500s.
        @given(case=st.one_of(operation.as_strategy(mode) for mode in GenerationMode))
        def call(case):
            response = case.call(headers={"Authorization": f"Token {token}"})
            if response.status_code >= 500:
                server_errors.append((case.operation.label, case.formatted_path, response.status_code))

        call()
    print(f"{len(operations)} operations in {time.monotonic() - started:.1f}s")
    assert (server_errors, len(operations) > 30) == ([], True)
