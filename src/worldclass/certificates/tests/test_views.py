import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from worldclass.certificates.domain import normalize_serial, revoke_certificate
from worldclass.certificates.models import Certificate
from worldclass.certificates.pdf import verify_certificate_pdf
from worldclass.certificates.signing import key_id_for, load_public_key, load_signing_key
from worldclass.certificates.tests.factories import (
    OrganizationFactory,
    SiteFactory,
    certified_with_certificate,
    organization_certification,
    site_certification,
    user_with_role,
)
from worldclass.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, unscoped):
    client.force_login(user_with_role("staff", "certifier_staff"))
    return client


def test_csr_downloads_a_certificate_that_verifies(client, unscoped):
    certificate = certified_with_certificate()
    client.force_login(
        user_with_role("casey", "csr", organization=certificate.organization, person=certificate.certification.person)
    )
    response = client.get(f"/certificates/{certificate.serial}.pdf")
    result = verify_certificate_pdf(data=response.content, public_key=load_signing_key().public_key())
    assert (response["Content-Type"], result.status, result.facts) == ("application/pdf", "valid", certificate.facts)


def test_csr_sees_only_their_own_certificates(client, unscoped):
    mine = certified_with_certificate()
    certified_with_certificate(person__organization=mine.organization)
    client.force_login(user_with_role("casey", "csr", organization=mine.organization, person=mine.certification.person))
    assert [certificate.serial for certificate, _status, _expiry in client.get("/certificates/").context["rows"]] == [
        mine.serial
    ]


def test_certificate_list_query_count_does_not_grow_with_rows(client, unscoped, django_assert_max_num_queries):
    organization = OrganizationFactory()
    client.force_login(user_with_role("admin", "org_admin", organization=organization))
    certified_with_certificate(person__organization=organization)
    with django_assert_max_num_queries(12) as few:
        client.get("/certificates/")
    for _ in range(5):
        certified_with_certificate(person__organization=organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/certificates/")
    assert len(response.context["rows"]) == 6


def test_verify_page_shows_valid_and_facts(client, unscoped):
    certificate = certified_with_certificate(valid_through_month=timezone.localdate().replace(day=1))
    response = client.get(f"/verify/{certificate.serial}")
    assert (response.status_code, response.context["status"], response.context["facts"]) == (
        200,
        "valid",
        certificate.facts,
    )


@pytest.mark.parametrize("typed", ["lower", "slash", "letters"])
def test_a_serial_typed_from_paper_leads_to_its_certificate(client, unscoped, typed):
    certificate = certified_with_certificate(valid_through_month=timezone.localdate().replace(day=1))
    serial = certificate.serial
    typed_serial = {
        "lower": serial.lower(),
        "slash": f"{serial}/",
        # Crockford's base32 reads O as 0 and I, L as 1: serials hold neither letter.
        "letters": serial[:7] + serial[7:].replace("0", "O").replace("1", "l").lower(),
    }[typed]
    response = client.get(f"/verify/{typed_serial}", follow=True)
    assert (response.request["PATH_INFO"], response.context["status"]) == (f"/verify/{serial}", "valid")


def test_normalizing_keeps_a_printed_serial():
    assert normalize_serial("WC2015-7K3M-9QXR-2HDP") == "WC2015-7K3M-9QXR-2HDP"


def test_normalizing_reads_a_typed_serial_as_crockfords_base32():
    assert normalize_serial(" wc2015-7k3m-9qxr-2hdo ") == "WC2015-7K3M-9QXR-2HD0"


def test_verify_page_names_the_edition_in_french_and_keeps_the_signed_facts(client, unscoped):
    certificate = certified_with_certificate()
    response = client.get(f"/verify/{certificate.serial}", HTTP_ACCEPT_LANGUAGE="fr")
    assert (
        "Certification RPA de classe mondiale 2015" in response.content.decode(),
        response.context["facts"]["edition"]["name"],
    ) == (True, "2015 World Class FCR Certification")


def test_verify_page_shows_expired(client, unscoped):
    certificate = certified_with_certificate(valid_through_month=dt.date(2016, 2, 1))
    assert client.get(f"/verify/{certificate.serial}").context["status"] == "expired"


def test_verify_page_shows_revocation_and_reason(client, unscoped):
    certificate = certified_with_certificate()
    revoke_certificate(serial=certificate.serial, reason="Surveys fabricated", user=None, actor="staff")
    response = client.get(f"/verify/{certificate.serial}")
    assert (response.context["status"], "Surveys fabricated" in response.content.decode()) == ("revoked", True)


def test_public_key_is_published_with_its_key_id(client):
    key = load_signing_key().public_key()
    pem = client.get("/certificates/public-key.pem").content
    assert (key_id_for(load_public_key(pem)), client.get("/certificates/how-to-verify/").context["key_id"]) == (
        key_id_for(key),
        key_id_for(key),
    )


def test_staff_revokes_with_a_reason_through_the_form(staff_client):
    certificate = certified_with_certificate()
    response = staff_client.post(f"/certificates/{certificate.serial}/revoke/", {"reason": "Roster fraud"})
    certificate.refresh_from_db()
    assert (response.status_code, response["Location"], certificate.revocation_reason) == (
        302,
        f"/verify/{certificate.serial}",
        "Roster fraud",
    )


def test_revocation_form_without_reason_is_refused(staff_client):
    certificate = certified_with_certificate()
    response = staff_client.post(f"/certificates/{certificate.serial}/revoke/", {"reason": ""})
    assert (response.status_code, AuditEvent.objects.filter(action="certificates.revoke").count()) == (200, 0)


def test_revoking_an_already_revoked_certificate_says_so(staff_client):
    certificate = certified_with_certificate()
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revocation_reason="Earlier")
    response = staff_client.post(f"/certificates/{certificate.serial}/revoke/", {"reason": "Again"})
    assert response.context["certificate"].revocation_reason == "Earlier"


def test_trophy_orders_list_sites_and_organizations_with_shipping_address(staff_client):
    site = SiteFactory(name="Halifax", code="hal", address="1 Harbour Rd\nHalifax NS")
    site_certification(site)
    organization_certification(site.organization)
    from worldclass.certificates.domain import issue_certificates

    issue_certificates()
    rows = list(csv.DictReader(io.StringIO(staff_client.get("/certificates/trophies.csv").content.decode("utf-8-sig"))))
    assert [(r["entity"], r["wording"], r["year"], r["ship_to"]) for r in rows] == [
        (site.organization.name, "World Class Organization", "2015", "1 Harbour Rd\nHalifax NS"),
        ("Halifax", "World Class Contact Center", "2015", "1 Harbour Rd\nHalifax NS"),
    ]


def test_trophy_page_names_the_edition_in_french(staff_client):
    site_certification(SiteFactory())
    from worldclass.certificates.domain import issue_certificates

    issue_certificates()
    page = staff_client.get("/certificates/trophies/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Certification RPA de classe mondiale 2015" in page, "World Class FCR" in page) == (True, False)


def test_trophy_page_words_the_engraving_in_french(staff_client):
    site = SiteFactory()
    site_certification(site)
    organization_certification(site.organization)
    from worldclass.certificates.domain import issue_certificates

    issue_certificates()
    page = staff_client.get("/certificates/trophies/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert (
        "Centre de contact de classe mondiale" in page,
        "Organisation de classe mondiale" in page,
        "World Class" in page,
    ) == (True, True, False)


def test_trophy_csv_and_api_keep_the_english_edition_and_engraving_whatever_the_language(staff_client):
    site_certification(SiteFactory())
    from worldclass.certificates.domain import issue_certificates

    issue_certificates()
    csv_text = staff_client.get("/certificates/trophies.csv", HTTP_ACCEPT_LANGUAGE="fr").content.decode("utf-8-sig")
    api = staff_client.get("/api/v1/trophies/", HTTP_ACCEPT_LANGUAGE="fr").json()
    english = [("2015 World Class FCR Certification", "World Class Contact Center")]
    assert (
        [(row["edition"], row["wording"]) for row in csv.DictReader(io.StringIO(csv_text))],
        [(row["edition"], row["wording"]) for row in api["results"]],
    ) == (english, english)


def test_trophy_orders_leave_out_revoked_certificates_and_people(staff_client):
    site = SiteFactory()
    certified_with_certificate(person__organization=site.organization)
    revoked = certified_with_certificate(
        level="site", site=site, person=None, organization=site.organization, entity_id=site.id
    )
    revoke_certificate(serial=revoked.serial, reason="Withdrawn", user=None, actor="staff")
    assert list(staff_client.get("/certificates/trophies/").context["rows"]) == []


def test_trophy_orders_filter_by_year(staff_client):
    site = SiteFactory()
    site_certification(site)
    from worldclass.certificates.domain import issue_certificates

    issue_certificates()
    assert (
        len(staff_client.get("/certificates/trophies/?year=2015").context["rows"]),
        len(staff_client.get("/certificates/trophies/?year=2014").context["rows"]),
    ) == (1, 0)


def test_trophy_page_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    from worldclass.certificates.domain import issue_certificates

    site = SiteFactory()
    site_certification(site)
    organization_certification(site.organization)
    issue_certificates()
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/certificates/trophies/")
    for _ in range(4):
        site = SiteFactory()
        site_certification(site)
        organization_certification(site.organization)
    issue_certificates()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get("/certificates/trophies/")
    assert len(response.context["rows"]) == 10


@pytest.mark.parametrize("path", ["/verify/a%00b", "/verify/%FF", "/certificates/a%00b.pdf", "/verify/" + "A" * 65])
def test_a_path_that_is_not_a_serial_is_not_found(client, path):
    assert client.get(path).status_code == 404
