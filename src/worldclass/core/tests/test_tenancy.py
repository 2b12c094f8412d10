from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from worldclass.core import tenancy

SIGNED_IN = SimpleNamespace(is_authenticated=True)


@pytest.fixture
def resolver():
    """Swap the registered resolver for the test, and put the real one (accounts') back afterwards."""
    registered = tenancy._organization_resolver
    yield tenancy.register_organization_resolver
    tenancy.register_organization_resolver(registered)


def test_an_anonymous_visitor_reads_no_organization(resolver):
    resolver(lambda user: None)
    assert tenancy.organization_ids_for(SimpleNamespace(is_authenticated=False)) == []


def test_a_signed_in_user_gets_what_the_registered_rule_says(resolver):
    resolver(lambda user: [3, 7])
    assert tenancy.organization_ids_for(SIGNED_IN) == [3, 7]


def test_without_a_registered_rule_a_signed_in_request_fails_closed(resolver):
    resolver(None)
    with pytest.raises(ImproperlyConfigured):
        tenancy.organization_ids_for(SIGNED_IN)


def test_the_accounts_app_registers_its_rule_when_django_starts():
    from worldclass.accounts.tenancy import organization_ids_for  # The test reaches up on purpose: core may not.

    assert tenancy._organization_resolver is organization_ids_for
