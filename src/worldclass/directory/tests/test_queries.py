import pytest
from django_scopes import scope

from worldclass.directory.queries import get_organization_by_code
from worldclass.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_code_names_its_organization():
    acme = OrganizationFactory(code="acme")
    assert get_organization_by_code(code="acme") == acme


def test_an_unknown_code_names_none():
    OrganizationFactory(code="acme")
    assert get_organization_by_code(code="globex") is None


def test_the_lookup_answers_inside_another_organizations_scope():
    acme, globex = OrganizationFactory(code="acme"), OrganizationFactory(code="globex")
    with scope(organization=[acme.pk]):
        assert get_organization_by_code(code="globex") == globex
