import datetime as dt
import re

import pytest

from worldclass.certificates.domain import issue_certificates, new_serial, revoke_certificate
from worldclass.certificates.models import Certificate
from worldclass.certificates.signing import canonical_bytes, check_signature, load_signing_key
from worldclass.certificates.tests.factories import (
    CertificationFactory,
    SiteFactory,
    certified_with_certificate,
    organization_certification,
    site_certification,
)
from worldclass.core.errors import AppError, Conflict
from worldclass.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_serial_is_edition_year_and_three_groups_of_crockford_base32():
    assert re.fullmatch(
        r"WC2015-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", new_serial(year=2015)
    )


def test_issuing_gives_one_certificate_per_certification(unscoped):
    CertificationFactory.create_batch(3)
    assert (issue_certificates().issued, Certificate.objects.count()) == (3, 3)


def test_issuing_again_issues_nothing_new(unscoped):
    CertificationFactory.create_batch(2)
    issue_certificates()
    serials = set(Certificate.objects.values_list("serial", flat=True))
    report = issue_certificates()
    assert (report.issued, report.already_issued, set(Certificate.objects.values_list("serial", flat=True))) == (
        0,
        2,
        serials,
    )


def test_issuing_for_a_run_leaves_other_runs_alone(unscoped):
    mine = CertificationFactory()
    CertificationFactory()
    issue_certificates(run=mine.first_run)
    assert list(Certificate.objects.values_list("certification_id", flat=True)) == [mine.id]


def test_issuing_is_audited(unscoped):
    CertificationFactory()
    issue_certificates(actor="tester")
    event = AuditEvent.objects.get(action="certificates.issue")
    assert (event.actor, event.counts) == ("tester", {"issued": 1, "already_issued": 0})


def test_csr_certificate_states_the_facts(unscoped):
    site = SiteFactory(name="Toronto")
    certificate = certified_with_certificate(
        person__organization=site.organization, person__site=site, person__name="Casey"
    )
    facts = certificate.facts
    assert {key: facts[key] for key in facts if key not in ("serial", "issued_at", "verify_url")} == {
        "format": "worldclass-certificate/1",
        "level": "csr",
        "subject": "Casey",
        "subject_code": certificate.certification.person.code,
        "organization": site.organization.name,
        "site": "Toronto",
        "edition": {"year": 2015, "name": "2015 World Class FCR Certification", "metric": "fcr"},
        "qualifying_window": {"start": "2015-01", "end": "2015-03"},
        "certified_since": "2015-03",
        "valid_through": "2016-02",
        "surveys": 40,
        "meeting": 34,
        "rate_percent": "85.0",
    }


def test_certificate_links_to_its_public_verification_page(unscoped, settings):
    settings.WORLDCLASS_PUBLIC_URL = "https://certify.example/"
    certificate = certified_with_certificate()
    assert certificate.facts["verify_url"] == f"https://certify.example/verify/{certificate.serial}"


def test_stored_signature_covers_the_stored_facts(unscoped):
    certificate = certified_with_certificate()
    check = check_signature(
        signed=canonical_bytes(certificate.facts),
        signature_b64=certificate.signature,
        key_id=certificate.key_id,
        public_key=load_signing_key().public_key(),
    )
    assert check.value == "valid"


def test_organization_certificate_has_no_survey_counts(unscoped):
    organization = SiteFactory().organization
    certification = organization_certification(organization)
    issue_certificates()
    facts = Certificate.objects.get(certification=certification).facts
    assert (facts["subject"], facts["surveys"], facts["rate_percent"], facts["qualifying_window"]) == (
        organization.name,
        None,
        None,
        None,
    )


def test_site_certificate_names_the_site(unscoped):
    site = SiteFactory(name="Halifax")
    certification = site_certification(site, surveys=900, meeting=731)
    issue_certificates()
    facts = Certificate.objects.get(certification=certification).facts
    assert (facts["subject"], facts["site"], facts["rate_percent"]) == ("Halifax", "Halifax", "81.2")


def test_revoking_records_reason_time_and_user(unscoped, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", is_staff=True)
    certificate = certified_with_certificate()
    revoke_certificate(serial=certificate.serial, reason="Fabricated surveys", user=staff, actor="staff")
    certificate.refresh_from_db()
    assert (certificate.revocation_reason, certificate.revoked_by, certificate.revoked_at is not None) == (
        "Fabricated surveys",
        staff,
        True,
    )


def test_revoking_is_audited(unscoped):
    certificate = certified_with_certificate()
    revoke_certificate(serial=certificate.serial, reason="Fabricated surveys", user=None, actor="staff")
    event = AuditEvent.objects.get(action="certificates.revoke")
    assert (event.object_id, event.details, event.organization_id) == (
        certificate.serial,
        {"reason": "Fabricated surveys"},
        certificate.organization_id,
    )


def test_revoking_twice_is_a_conflict(unscoped):
    certificate = certified_with_certificate()
    revoke_certificate(serial=certificate.serial, reason="Fabricated surveys", user=None, actor="staff")
    with pytest.raises(Conflict):
        revoke_certificate(serial=certificate.serial, reason="Again", user=None, actor="staff")


def test_revoking_needs_a_reason(unscoped):
    certificate = certified_with_certificate()
    with pytest.raises(AppError) as error:
        revoke_certificate(serial=certificate.serial, reason="  ", user=None, actor="staff")
    assert [detail.field for detail in error.value.details] == ["reason"]


def test_expired_and_valid_status(unscoped):
    from worldclass.certificates.queries import certificate_status

    certificate = certified_with_certificate()
    assert (
        certificate_status(certificate, today=dt.date(2016, 2, 29)),
        certificate_status(certificate, today=dt.date(2016, 3, 1)),
    ) == ("valid", "expired")
