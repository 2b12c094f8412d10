import pytest
from rest_framework.test import APIClient

from worldclass.accounts.tests.tokens import api_token_for
from worldclass.certificates.domain import revoke_certificate
from worldclass.certificates.tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    PersonFactory,
    SiteFactory,
    certified_with_certificate,
    site_certification,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def ids(response) -> list[int]:
    return sorted(row["id"] for row in response.json()["results"])


def test_org_admin_reads_only_their_organizations_certifications_by_token(unscoped):
    mine = CertificationFactory()
    CertificationFactory()
    client = token_client(user_with_role("admin", "org_admin", organization=mine.organization))
    assert ids(client.get("/api/v1/certifications/")) == [mine.id]


def test_csr_reads_only_their_own_certifications(unscoped):
    mine = CertificationFactory()
    CertificationFactory(person__organization=mine.organization)
    client = token_client(user_with_role("casey", "csr", organization=mine.organization, person=mine.person))
    assert ids(client.get("/api/v1/certifications/")) == [mine.id]


def test_site_manager_reads_their_sites_and_their_people(unscoped):
    site = SiteFactory()
    other_site = SiteFactory(organization=site.organization)
    at_site = site_certification(site)
    person_at_site = CertificationFactory(person=PersonFactory(organization=site.organization, site=site))
    site_certification(other_site)
    client = token_client(user_with_role("manager", "site_manager", organization=site.organization, sites=[site]))
    assert ids(client.get("/api/v1/certifications/")) == sorted([at_site.id, person_at_site.id])


def test_staff_read_everything_and_filter_by_level_and_organization(unscoped):
    organization = OrganizationFactory(code="acme")
    csr = CertificationFactory(person__organization=organization)
    site = site_certification(SiteFactory(organization=organization))
    other = CertificationFactory()
    client = token_client(user_with_role("staff", "certifier_staff"))
    assert (
        ids(client.get("/api/v1/certifications/")),
        ids(client.get("/api/v1/certifications/?organization=acme&level=site")),
        ids(client.get("/api/v1/certifications/?organization=acme&year=2014")),
    ) == (sorted([csr.id, site.id, other.id]), [site.id], [])


def test_certification_shows_its_certificate_status(unscoped):
    certificate = certified_with_certificate()
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    client = token_client(user_with_role("staff", "certifier_staff"))
    body = client.get(f"/api/v1/certifications/{certificate.certification_id}/").json()
    assert (body["certificate_serial"], body["certificate_status"], body["edition"]) == (
        certificate.serial,
        "revoked",
        2015,
    )


def test_judge_is_refused(unscoped):
    client = token_client(user_with_role("judge", "judge"))
    assert client.get("/api/v1/certifications/").status_code == 403


def test_list_query_count_does_not_grow_with_rows(unscoped, django_assert_max_num_queries):
    client = token_client(user_with_role("staff", "certifier_staff"))
    certified_with_certificate()
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/certifications/")
    for _ in range(5):
        certified_with_certificate()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/certifications/").json()["count"] == 6
