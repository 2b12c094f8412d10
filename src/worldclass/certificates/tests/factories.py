"""Certification runs and certifications made directly (the engine's runs make them in production)."""

import datetime as dt

import factory

from worldclass.certification.models import Certification, CertificationRun, Edition, Level
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory


def edition(year: int = 2015) -> Edition:
    return Edition.objects.get(year=year)


class CertificationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationRun

    edition = factory.LazyFunction(edition)
    through_month = dt.date(2015, 6, 1)
    actor = "test"
    rules_snapshot = factory.LazyFunction(dict)
    input_sha256 = "0" * 64
    result_sha256 = "0" * 64


class CertificationFactory(factory.django.DjangoModelFactory):
    """A CSR certified in 2015 on 40 surveys, 34 of them meeting the criterion (85.0%)."""

    class Meta:
        model = Certification

    first_run = factory.SubFactory(CertificationRunFactory)
    edition = factory.SelfAttribute("first_run.edition")
    person = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("person.organization")
    level = Level.CSR
    entity_id = factory.SelfAttribute("person.id")
    site = None
    achieved_month = dt.date(2015, 3, 1)
    valid_through_month = dt.date(2016, 2, 1)
    window_start = dt.date(2015, 1, 1)
    window_end = dt.date(2015, 3, 1)
    surveys = 40
    meeting = 34


def site_certification(site, **kwargs) -> Certification:
    return CertificationFactory(
        level=Level.SITE,
        site=site,
        person=None,
        organization=site.organization,
        entity_id=site.id,
        surveys=kwargs.pop("surveys", 900),
        meeting=kwargs.pop("meeting", 760),
        **kwargs,
    )


def organization_certification(organization, **kwargs) -> Certification:
    return CertificationFactory(
        level=Level.ORGANIZATION,
        person=None,
        organization=organization,
        entity_id=organization.id,
        surveys=None,
        meeting=None,
        window_start=None,
        window_end=None,
        **kwargs,
    )


__all__ = [
    "CertificationFactory",
    "CertificationRunFactory",
    "OrganizationFactory",
    "PersonFactory",
    "SiteFactory",
    "organization_certification",
    "site_certification",
]


def certified_with_certificate(**kwargs):
    """A certification and its issued certificate (via the domain, so it is really signed)."""
    from django_scopes import scopes_disabled

    from worldclass.certificates.domain import issue_certificates
    from worldclass.certificates.models import Certificate

    with scopes_disabled():
        certification = CertificationFactory(**kwargs)
        issue_certificates(run=certification.first_run)
        return Certificate.objects.get(certification=certification)


def user_with_role(username: str, role: str, *, organization=None, person=None, sites=(), is_staff=False):
    """A user holding one role (no usable password: tests log in with force_login)."""
    from worldclass.accounts.models import RoleAssignment, User

    user = User.objects.create_user(username=username, password=None, person=person, is_staff=is_staff)
    assignment = RoleAssignment.objects.create(user=user, role=role, organization=organization)
    if sites:
        assignment.sites.set(sites)
    return user
