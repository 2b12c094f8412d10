"""Factories for organizations, sites and people."""

import factory

from worldclass.directory.models import Organization, Person, Site


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.LazyAttribute(lambda o: f"Organization {o.code.upper()}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"site{n}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    country = "CA"
    timezone = "America/Toronto"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"p{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    is_csr = True
