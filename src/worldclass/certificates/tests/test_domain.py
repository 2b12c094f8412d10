import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from worldclass.certificates import domain
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


def test_serial_letters_are_the_random_number_five_bits_at_a_time(monkeypatch):
    # 60 bits: 0 everywhere but 1 in the lowest group, 31 in the highest.
    monkeypatch.setattr(domain.secrets, "randbits", lambda bits: 1 | 31 << 55)
    assert new_serial(year=2015) == "WC2015-1000-0000-000Z"


def test_serial_of_all_ones_is_the_last_letter_everywhere(monkeypatch):
    monkeypatch.setattr(domain.secrets, "randbits", lambda bits: (1 << bits) - 1)
    assert new_serial(year=2009) == "WC2009-ZZZZ-ZZZZ-ZZZZ"


def test_issuing_many_certifications_takes_the_queries_of_a_few(unscoped):
    def queries_to_issue(count: int) -> tuple[int, int]:
        CertificationFactory.create_batch(count)
        with CaptureQueriesContext(connection) as queries:
            issued = issue_certificates().issued
        return issued, len(queries)

    (few, few_queries), (many, many_queries) = queries_to_issue(2), queries_to_issue(12)
    assert (few, many, few_queries) == (2, 12, many_queries)


def test_issuing_in_batches_issues_every_certification(unscoped, monkeypatch):
    monkeypatch.setattr(domain, "ISSUE_BATCH_SIZE", 2)
    CertificationFactory.create_batch(5)
    assert (issue_certificates().issued, Certificate.objects.count()) == (5, 5)


def test_issuing_tells_its_progress_after_each_batch(unscoped, monkeypatch):
    monkeypatch.setattr(domain, "ISSUE_BATCH_SIZE", 2)
    CertificationFactory.create_batch(5)
    told = []
    issue_certificates(on_progress=lambda done, pending: told.append((done, pending)))
    assert told == [(2, 5), (4, 5), (5, 5)]


def test_a_batch_skips_the_certification_a_concurrent_issuer_got_first(unscoped):
    first, second, third = CertificationFactory.create_batch(3)
    signer = domain._Signer.load()
    domain._issue_one(second, signer=signer)
    kept = Certificate.objects.get().serial
    issued = domain._issue_batch([first, second, third], signer=signer)
    assert (issued, Certificate.objects.count(), Certificate.objects.get(certification=second).serial) == (
        3 - 1,
        3,
        kept,
    )


def test_a_serial_drawn_twice_is_drawn_again(unscoped, monkeypatch):
    taken = certified_with_certificate().serial
    fresh = iter(["WC2015-0000-0000-0001", "WC2015-0000-0000-0002"])
    draws = iter([taken, next(fresh), next(fresh)])  # the batch draws the taken one, then one by one: fresh ones
    monkeypatch.setattr(domain, "new_serial", lambda year: next(draws))
    CertificationFactory()
    assert (issue_certificates().issued, Certificate.objects.count()) == (1, 2)


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


@pytest.mark.django_db(transaction=True)
def test_an_issuer_that_listed_certifications_another_then_issued_issues_none_of_them(monkeypatch):
    """Two staff issue at once: the second lists the pending certifications, the first issues and commits them all,
    then the second's batch collides and is undone, and each one-by-one attempt finds the certificate there."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    with scopes_disabled():
        CertificationFactory.create_batch(3)
    load = domain._Signer.load
    second_listed, first_done = threading.Event(), threading.Event()
    reports, failures = {}, []

    def load_after_the_other_issuer(cls):
        if threading.current_thread().name == "second":
            second_listed.set()
            first_done.wait(timeout=30)
        return load()

    monkeypatch.setattr(domain._Signer, "load", classmethod(load_after_the_other_issuer))

    def issue(name: str) -> None:
        try:
            reports[name] = issue_certificates(actor=name)
        except Exception as error:  # reported below, with the test's own assertion
            failures.append(error)
        finally:
            if name == "first":
                first_done.set()
            connection.close()

    second = threading.Thread(target=issue, args=("second",), name="second")
    second.start()
    assert second_listed.wait(timeout=30)
    first = threading.Thread(target=issue, args=("first",), name="first")
    first.start()
    first.join()
    second.join()
    with scopes_disabled():
        issued = Certificate.objects.count()
    assert (failures, reports["first"].issued, reports["second"].issued, issued) == ([], 3, 0, 3)


def _queued_issuing(run):
    return domain.queue_certificate_issuing(run=run, user=None, actor="tester")


def test_an_issuing_task_delivered_twice_issues_once(unscoped):
    certification = CertificationFactory()
    issuing = _queued_issuing(certification.first_run)
    domain.run_certificate_issuing(issuing_id=issuing.pk)
    again = domain.run_certificate_issuing(issuing_id=issuing.pk)
    assert (again.status, again.issued, AuditEvent.objects.filter(action="certificates.issue").count()) == (
        "done",
        1,
        1,
    )


def test_an_issuing_that_cannot_report_its_progress_still_issues(unscoped, monkeypatch):
    certification = CertificationFactory()
    issuing = _queued_issuing(certification.first_run)

    def broken_set(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(domain.cache, "set", broken_set)
    done = domain.run_certificate_issuing(issuing_id=issuing.pk)
    assert (done.status, Certificate.objects.count()) == ("done", 1)


def test_an_issuing_is_recorded_done_with_its_certificates_or_not_at_all(unscoped, monkeypatch):
    certification = CertificationFactory()
    issuing = _queued_issuing(certification.first_run)
    recorded = domain.CertificateIssuing.save

    def refuse_done(self, *args, **kwargs):
        if self.status == "done":
            raise RuntimeError("the disk is full")
        recorded(self, *args, **kwargs)

    monkeypatch.setattr(domain.CertificateIssuing, "save", refuse_done)
    with pytest.raises(RuntimeError):
        domain.run_certificate_issuing(issuing_id=issuing.pk)
    issuing.refresh_from_db()
    assert (issuing.status, issuing.error["code"], Certificate.objects.count()) == ("failed", "internal_error", 0)


def test_an_issuing_that_finishes_while_its_page_checks_for_a_stall_is_shown_done(unscoped, monkeypatch):
    from worldclass.certificates import queries

    issuing = _queued_issuing(CertificationFactory().first_run)
    judged = queries.issuing_has_stalled

    def stale_then_finished(row):
        # The worker commits between the page's read of the row and its check for a sign of life.
        if row.status == "queued":
            domain.CertificateIssuing.objects.filter(pk=row.pk).update(status="done", issued=1)
            return True
        return judged(row)

    monkeypatch.setattr(queries, "issuing_has_stalled", stale_then_finished)
    status = queries.latest_issuing(run_id=issuing.run_id)
    assert (status.issuing.status, status.stalled, queries.issuing_phase(status, pending=0)) == ("done", False, "done")


def test_a_second_issuing_of_a_run_is_refused_while_the_first_is_queued(unscoped):
    run = CertificationFactory().first_run
    _queued_issuing(run)
    with pytest.raises(Conflict):
        _queued_issuing(run)


@pytest.mark.django_db(transaction=True)
def test_a_running_issuing_is_alive_while_its_worker_holds_the_lock():
    """On PostgreSQL a running issuing's worker holds an advisory lock for its transaction: a killed worker's lock is
    gone with its connection, whatever the cache says."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    from worldclass.certificates.models import CertificateIssuing

    with scopes_disabled():
        run = CertificationFactory().first_run
    two_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    issuing = CertificateIssuing.objects.create(
        run=run, actor="tester", pending=1, status="running", started_at=two_minutes_ago
    )
    holding, release = threading.Event(), threading.Event()

    def worker() -> None:
        from django.db import connection as worker_connection
        from django.db import transaction

        with transaction.atomic(), worker_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [domain.ISSUING_LOCK_CLASS, issuing.pk])
            holding.set()
            release.wait(timeout=30)
        worker_connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    holding.wait(timeout=30)
    alive = domain.issuing_has_stalled(issuing)
    release.set()
    thread.join()
    assert (alive, domain.issuing_has_stalled(issuing)) == (False, True)
