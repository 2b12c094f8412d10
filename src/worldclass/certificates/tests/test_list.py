"""The certificate list: filters, sort and pages, and the same status filter in the API."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from worldclass.certificates.domain import revoke_certificate
from worldclass.certificates.models import Certificate
from worldclass.certificates.queries import CertificateFilters, filter_certificates
from worldclass.certificates.tests.factories import OrganizationFactory, certified_with_certificate, user_with_role

pytestmark = pytest.mark.django_db
LIVE = timezone.localdate().replace(day=1)


@pytest.fixture
def staff(unscoped):
    return user_with_role("staff", "certifier_staff", is_staff=True)


def _serials(response) -> list[str]:
    return [certificate.serial for certificate, _status, _expiry in response.context["rows"]]


def test_the_status_filter_keeps_only_expired_certificates(client, staff):
    expired = certified_with_certificate(valid_through_month=dt.date(2016, 2, 1))
    certified_with_certificate(valid_through_month=LIVE)
    client.force_login(staff)
    assert _serials(client.get("/certificates/?status=expired")) == [expired.serial]


def test_the_status_filter_finds_revoked_ones(staff):
    revoked = certified_with_certificate(valid_through_month=LIVE)
    certified_with_certificate(valid_through_month=LIVE)
    revoke_certificate(serial=revoked.serial, reason="fraud", user=staff, actor="staff")
    found = filter_certificates(Certificate.objects.all(), filters=CertificateFilters(status="revoked"))
    assert [c.serial for c in found] == [revoked.serial]


def test_the_organization_filter(client, staff):
    organization = OrganizationFactory()
    mine = certified_with_certificate(person__organization=organization)
    certified_with_certificate()
    client.force_login(staff)
    assert _serials(client.get(f"/certificates/?organization={organization.id}")) == [mine.serial]


def test_an_invalid_filter_is_a_form_error_and_is_ignored(client, staff):
    certified_with_certificate()
    client.force_login(staff)
    response = client.get("/certificates/?status=bogus")
    assert (response.status_code, len(response.context["rows"]), "status" in response.context["form"].errors) == (
        400,
        1,
        True,
    )


def test_the_list_is_paged(client, staff, settings):
    import worldclass.certificates.views as views

    for _ in range(3):
        certified_with_certificate()
    client.force_login(staff)
    original, views.CERTIFICATES_PER_PAGE = views.CERTIFICATES_PER_PAGE, 2
    try:
        response = client.get("/certificates/?page=2")
    finally:
        views.CERTIFICATES_PER_PAGE = original
    assert (len(response.context["rows"]), response.context["page"].paginator.num_pages) == (1, 2)


def test_sorting_by_serial(client, staff):
    serials = sorted(certified_with_certificate().serial for _ in range(3))
    client.force_login(staff)
    assert _serials(client.get("/certificates/?sort=serial")) == serials


def test_an_expired_certificate_says_when(client, staff):
    certified_with_certificate(valid_through_month=dt.date(2016, 2, 1))
    client.force_login(staff)
    assert "Expired on March 1, 2016" in client.get("/certificates/").content.decode()


def test_the_api_filters_by_status_too(client, staff):
    expired = certified_with_certificate(valid_through_month=dt.date(2016, 2, 1))
    certified_with_certificate(valid_through_month=LIVE)
    client.force_login(staff)
    body = client.get("/api/v1/certifications/?status=expired").json()
    assert [row["certificate_serial"] for row in body["results"]] == [expired.serial]


def test_trophy_orders_filter_by_level(client, staff):
    from worldclass.certificates.domain import issue_certificates
    from worldclass.certificates.tests.factories import SiteFactory, organization_certification, site_certification

    site = SiteFactory(name="Halifax")
    site_certification(site)
    organization_certification(site.organization)
    issue_certificates()
    client.force_login(staff)
    rows = client.get("/certificates/trophies/?level=site").context["rows"]
    assert [row["entity"] for row in rows] == ["Halifax"]


def test_trophy_orders_csv_takes_the_pages_filters(client, staff):
    from worldclass.certificates.domain import issue_certificates
    from worldclass.certificates.tests.factories import SiteFactory, organization_certification, site_certification

    site = SiteFactory(name="Halifax")
    site_certification(site)
    organization_certification(site.organization)
    issue_certificates()
    client.force_login(staff)
    page = client.get("/certificates/trophies/?level=site&year=2015").content.decode()
    body = client.get("/certificates/trophies.csv?level=site&year=2015").content.decode("utf-8-sig")
    assert (
        'href="/certificates/trophies.csv?level=site&amp;year=2015"' in page,
        [row["entity"] for row in csv.DictReader(io.StringIO(body))],
    ) == (True, ["Halifax"])


def test_the_trophies_api_filters_by_level_and_year_like_the_page(client, staff):
    from worldclass.certificates.domain import issue_certificates
    from worldclass.certificates.tests.factories import SiteFactory, organization_certification, site_certification

    site = SiteFactory(name="Halifax", address="1 Harbour Rd")
    site_certification(site)
    organization_certification(site.organization)
    issue_certificates()
    client.force_login(staff)
    found = [
        [(row["entity"], row["ship_to"]) for row in client.get("/api/v1/trophies/", query).json()["results"]]
        for query in ({"level": "site"}, {"year": 2015, "level": "organization"}, {"year": 2014})
    ]
    assert found == [[("Halifax", "1 Harbour Rd")], [(site.organization.name, "1 Harbour Rd")], []]


def test_the_trophies_api_reads_as_many_queries_for_many_trophies_as_for_one(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from worldclass.certificates.domain import issue_certificates
    from worldclass.certificates.tests.factories import SiteFactory, organization_certification, site_certification

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/trophies/")
        return len(captured)

    client.force_login(staff)
    site = SiteFactory()
    site_certification(site)
    organization_certification(site.organization)
    issue_certificates()
    few = queries_for_the_list()
    for _index in range(3):
        other = SiteFactory()
        site_certification(other)
        organization_certification(other.organization)
    issue_certificates()
    assert queries_for_the_list() == few
