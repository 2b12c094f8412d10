import pytest
from django.db import IntegrityError, transaction

from worldclass.directory.models import Organization, Person, Site
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_an_organization_code_is_unique():
    OrganizationFactory(code="acme")
    assert refused(lambda: Organization.objects.create(code="acme", name="Another Acme"))


def test_a_site_code_is_unique_within_its_organization(unscoped):
    site = SiteFactory(code="s1")
    assert refused(lambda: Site.objects.create(organization=site.organization, code="s1"))


def test_two_organizations_may_use_the_same_site_code(unscoped):
    SiteFactory(code="s1")
    other = OrganizationFactory()
    assert Site.objects.create(organization=other, code="s1").code == "s1"


def test_a_site_code_may_not_be_empty(unscoped):
    organization = OrganizationFactory()
    assert refused(lambda: Site.objects.create(organization=organization, code=""))


def test_a_person_code_is_unique_within_its_organization(unscoped):
    person = PersonFactory(code="c1")
    assert refused(lambda: Person.objects.create(organization=person.organization, code="c1"))


def test_a_person_code_may_not_be_empty(unscoped):
    organization = OrganizationFactory()
    assert refused(lambda: Person.objects.create(organization=organization, code=""))
