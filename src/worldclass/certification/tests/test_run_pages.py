"""The certifier's run pages: start a run with confirmation, read its counts and changes, replay it, issue its
certificates."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate, CertificateIssuing
from worldclass.certificates.tests.factories import (
    CertificationFactory,
    CertificationRunFactory,
    edition,
    user_with_role,
)
from worldclass.certification.models import CertificationRun, Level
from worldclass.certification.queries import program_year_status
from worldclass.certification.run_queries import certificate_progress, level_counts, previous_run, run_changes
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.models import AuditEvent
from worldclass.core.months import Month
from worldclass.directory.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
JUNE, JULY = dt.date(2015, 6, 1), dt.date(2015, 7, 1)


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(user_with_role("staff", "certifier_staff", is_staff=True))
    return client


def queued_issuing(client, capture_on_commit_callbacks):
    """A run with one certification whose issuing staff asked for, its task not yet started."""
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    with capture_on_commit_callbacks(execute=False):
        client.post(f"/certification/runs/{run.pk}/issue/")
    return run


def certified(run, person, *, achieved=dt.date(2015, 3, 1), valid_through=dt.date(2016, 2, 1)):
    return CertificationFactory(
        first_run=run, person=person, achieved_month=achieved, valid_through_month=valid_through
    )


# --- queries -----------------------------------------------------------------------------------------------


def test_changes_name_who_gained_and_who_lapsed_since_the_previous_run():
    june, july = CertificationRunFactory(through_month=JUNE), CertificationRunFactory(through_month=JULY)
    stays, leaves, arrives = (PersonFactory(name=n) for n in ("Ada Stays", "Lee Leaves", "Kim Arrives"))
    certified(june, stays)
    certified(june, leaves, valid_through=JUNE)
    certified(july, arrives, achieved=JULY)
    changes = run_changes(run=july)
    assert (changes.previous, [e.name for e in changes.gained], [e.name for e in changes.lapsed]) == (
        june,
        ["Kim Arrives"],
        ["Lee Leaves"],
    )


def test_the_first_run_has_no_previous_and_everyone_is_gained():
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory(name="Ada"))
    changes = run_changes(run=run)
    assert (changes.previous, [e.name for e in changes.gained], changes.lapsed) == (None, ["Ada"], [])


def test_the_previous_run_is_of_the_same_program_year():
    earlier = CertificationRunFactory(program_year=2025)
    CertificationRunFactory(program_year=2024)
    CertificationRunFactory(program_year=None)
    later = CertificationRunFactory(program_year=2025)
    assert previous_run(run=later) == earlier


def test_an_exploratory_run_follows_the_last_exploratory_run_of_its_edition():
    earlier = CertificationRunFactory(edition=edition(2015))
    CertificationRunFactory(edition=edition(2013))
    CertificationRunFactory(edition=edition(2015), program_year=2025)
    later = CertificationRunFactory(edition=edition(2015))
    assert previous_run(run=later) == earlier


def test_level_counts_come_from_the_stored_run_organizations_first():
    run = CertificationRunFactory(
        counts={"certified": {"csr": 4, "site": 1}, "qualifies": {"csr": 5, "site": 2}},
    )
    assert [(c.level, c.certified, c.qualifies) for c in level_counts(run=run)] == [("site", 1, 2), ("csr", 4, 5)]


# --- pages -------------------------------------------------------------------------------------------------


def test_only_certifier_staff_see_runs(client):
    client.force_login(user_with_role("judge", "judge"))
    assert client.get("/certification/runs/").status_code == 403


def test_a_program_year_run_is_reviewed_then_made_on_confirmation(staff_client):
    person = PersonFactory()
    rollup_months(entity=person, level=Level.CSR, start=Month(2015, 1), eligible=[30] * 6, meeting=[29] * 6)
    review = staff_client.get("/certification/runs/new/", {"year": "2015", "through": "2015-06"})
    assert (review.status_code, CertificationRun.objects.count()) == (200, 0)
    assert "under its edition in force, 2015 World Class FCR Certification" in review.content.decode()
    made = staff_client.post("/certification/runs/new/", {"year": "2015", "through": "2015-06"})
    run = CertificationRun.objects.get()
    assert (made.status_code, made["Location"], run.actor, run.program_year) == (
        302,
        f"/certification/runs/{run.pk}/",
        "staff",
        2015,
    )
    assert AuditEvent.objects.filter(action="certification.run", object_id=str(run.pk)).exists()


def test_a_bad_month_is_refused_with_the_field_named(staff_client):
    response = staff_client.get("/certification/runs/new/", {"year": "2015", "through": "June"})
    assert (response.status_code, response.context["form"].errors) == (
        400,
        {"through": ["Enter a month as YYYY-MM, for example 2025-06."]},
    )


def test_a_bad_month_is_refused_in_french_on_a_french_page(staff_client):
    response = staff_client.get(
        "/certification/runs/new/", {"year": "2099", "through": "2099-13"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.context["form"].errors == {"through": ["Saisissez un mois au format AAAA-MM, par exemple 2025-06."]}


def test_an_impossible_year_is_refused_in_the_pages_words(staff_client):
    response = staff_client.get("/certification/runs/new/", {"year": "1899", "through": "1899-06"})
    assert response.context["form"].errors == {"year": ["Enter a program year from 2000 to 2999."]}


def test_an_impossible_year_is_refused_in_french_on_a_french_page(staff_client):
    response = staff_client.get(
        "/certification/runs/new/", {"year": "1899", "through": "1899-06"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.context["form"].errors == {"year": ["Saisissez une année de programme de 2000 à 2999."]}


def test_the_month_field_hints_its_format_in_french_on_a_french_page(staff_client):
    page = staff_client.get("/certification/runs/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ('type="month"' in page, 'placeholder="AAAA-MM"' in page) == (True, True)


def test_the_review_names_the_edition_in_french_on_a_french_page(staff_client):
    review = staff_client.get(
        "/certification/runs/new/", {"year": "2015", "through": "2015-06"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Certification RPA de classe mondiale 2015" in review.content.decode()


def test_the_runs_page_names_editions_in_french_on_a_french_page(staff_client):
    CertificationRunFactory(program_year=2015)
    page = staff_client.get("/certification/runs/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Certification RPA de classe mondiale 2015" in page, "World Class FCR" in page) == (True, False)


def test_the_run_page_names_its_edition_in_french_on_a_french_page(staff_client):
    run = CertificationRunFactory(program_year=None)
    page = staff_client.get(f"/certification/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Certification RPA de classe mondiale 2015" in page, "World Class FCR" in page) == (True, False)


def test_a_month_outside_the_program_year_is_refused_before_and_at_confirmation(staff_client):
    review = staff_client.get("/certification/runs/new/", {"year": "2015", "through": "2016-01"})
    made = staff_client.post("/certification/runs/new/", {"year": "2015", "through": "2016-01"})
    assert (review.status_code, made.status_code, CertificationRun.objects.count()) == (400, 400, 0)


def test_a_month_that_has_not_ended_is_refused_in_the_readers_language(staff_client):
    this_month = Month.of(timezone.localdate())
    query = {"year": str(this_month.year), "through": str(this_month)}
    review = staff_client.get("/certification/runs/new/", query, HTTP_ACCEPT_LANGUAGE="fr")
    made = staff_client.post("/certification/runs/new/", query)
    assert (review.status_code, made.status_code, CertificationRun.objects.count()) == (400, 400, 0)
    assert f"{this_month} n\u2019est pas terminé" in review.content.decode()


def test_an_impossible_year_is_refused(staff_client):
    response = staff_client.post("/certification/runs/new/", {"year": "1999", "through": "1999-06"})
    assert (response.status_code, CertificationRun.objects.count()) == (400, 0)


def test_publishing_asks_first_then_pins_the_run_and_is_audited(staff_client):
    run = CertificationRunFactory(program_year=2015, through_month=JUNE)
    assert b"Confirm and publish" in staff_client.get(f"/certification/runs/{run.pk}/publish/").content
    assert program_year_status(year=2015).published_run is None
    staff_client.post(f"/certification/runs/{run.pk}/publish/")
    assert program_year_status(year=2015).published_run == run
    assert AuditEvent.objects.get(action="certification.registry_published").actor == "staff"
    assert (
        "The public registry of 2015 shows this run"
        in staff_client.get(f"/certification/runs/{run.pk}/").content.decode()
    )


def test_an_exploratory_run_cannot_be_published(staff_client):
    run = CertificationRunFactory(program_year=None)
    response = staff_client.post(f"/certification/runs/{run.pk}/publish/", follow=True)
    assert "Only a program year&#x27;s run can be published" in response.content.decode()
    assert not AuditEvent.objects.filter(action="certification.registry_published").exists()


def test_the_run_page_shows_counts_changes_and_certificates(staff_client):
    run = CertificationRunFactory(through_month=JUNE, counts={"certified": {"csr": 1}, "qualifies": {"csr": 1}})
    certified(run, PersonFactory(name="Ada Lovelace"))
    page = staff_client.get(f"/certification/runs/{run.pk}/").content.decode()
    assert "Ada Lovelace" in page
    assert "Certificates issued for the certifications this run first found: 0 of 1." in page


def test_the_run_page_names_the_first_changes_and_the_csv_all(staff_client, monkeypatch):
    from worldclass.certification import views

    monkeypatch.setattr(views, "CHANGES_SHOWN", 2)
    run = CertificationRunFactory(through_month=JUNE)
    first = PersonFactory(name="Ada")  # one organization: the names alone order the list
    for name in ("Ada", "Bea", "Cy"):
        certified(run, first if name == "Ada" else PersonFactory(name=name, organization=first.organization))
    page = staff_client.get(f"/certification/runs/{run.pk}/").content.decode()
    assert ("Ada" in page, "Bea" in page, "Cy" in page, "The first 2 of 3: the CSV lists every one." in page) == (
        True,
        True,
        False,
        True,
    )
    assert f'href="/certification/runs/{run.pk}/changes.csv"' in page


def test_the_changes_csv_lists_everyone_gained_and_lapsed(staff_client):
    june, july = CertificationRunFactory(through_month=JUNE), CertificationRunFactory(through_month=JULY)
    leaves, arrives = PersonFactory(name="Lee Leaves", code="L1"), PersonFactory(name="Kim Arrives", code="K1")
    certified(june, leaves, valid_through=JUNE)
    certified(july, arrives, achieved=JULY)
    response = staff_client.get(f"/certification/runs/{july.pk}/changes.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "change,level,name,code,organization",
        f"gained,csr,Kim Arrives,K1,{arrives.organization}",
        f"lapsed,csr,Lee Leaves,L1,{leaves.organization}",
    ]


def test_issuing_asks_first_then_issues_and_is_audited(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    assert b"Confirm and issue" in staff_client.get(f"/certification/runs/{run.pk}/issue/").content
    assert Certificate.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    assert (certificate_progress(run=run).issued, Certificate.objects.count()) == (1, 1)
    assert AuditEvent.objects.get(action="certificates.issue").actor == "staff"


def test_issuing_runs_as_a_task_and_its_page_shows_the_result(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/certification/runs/{run.pk}/issue/")
    page = staff_client.get(response["Location"]).content.decode()
    assert (response["Location"], "Issued 2 certificates. Issued before: 0." in page) == (
        f"/certification/runs/{run.pk}/issue/",
        True,
    )
    assert "Certificates issued for the certifications this run first found: 2 of 2." in page


def test_the_issue_page_follows_a_queued_issuing(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=False) as started:
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    page = staff_client.get(f"/certification/runs/{run.pk}/issue/").content.decode()
    assert (len(started), "Queued" in page, "Confirm and issue" in page) == (1, True, False)
    assert f'hx-get="/certification/runs/{run.pk}/issue/status/?shown=queued"' in page


def test_the_issue_page_keeps_one_empty_live_region_outside_the_polled_block(
    staff_client, django_capture_on_commit_callbacks
):
    run = queued_issuing(staff_client, django_capture_on_commit_callbacks)
    page = staff_client.get(f"/certification/runs/{run.pk}/issue/").content.decode()
    region = '<p id="issue-announcement" class="visually-hidden" role="status" aria-atomic="true"></p>'
    assert (page.count(region), page.index(region) > page.index("</section>"), "aria-live" in page) == (1, True, False)


def test_the_issuing_status_block_announces_a_change_of_state_once(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    status = f"/certification/runs/{run.pk}/issue/status/"
    changed = staff_client.get(status, {"shown": "running"}).content.decode()
    unchanged = staff_client.get(status, {"shown": "done"}).content.decode()
    announced = '<p id="issue-announcement" hx-swap-oob="innerHTML">Issued 2 certificates. Issued before: 0.</p>'
    assert (announced in changed, "issue-announcement" in unchanged) == (True, False)


def test_the_issuing_status_block_announces_that_signing_began(staff_client, django_capture_on_commit_callbacks):
    run = queued_issuing(staff_client, django_capture_on_commit_callbacks)
    CertificateIssuing.objects.update(status=CertificateIssuing.Status.RUNNING, started_at=timezone.now())
    block = staff_client.get(f"/certification/runs/{run.pk}/issue/status/", {"shown": "queued"}).content.decode()
    assert (
        '<p id="issue-announcement" hx-swap-oob="innerHTML">Signing the certificates.</p>' in block,
        f'hx-get="/certification/runs/{run.pk}/issue/status/?shown=running"' in block,
    ) == (True, True)


def test_a_second_issuing_of_a_run_is_refused_while_one_is_under_way(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=False) as started:
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
        page = staff_client.post(f"/certification/runs/{run.pk}/issue/", follow=True).content.decode()
    assert (len(started), f"The certificates of run {run.pk} are being issued already." in page) == (1, True)


def test_the_issuing_status_block_comes_alone(staff_client, django_capture_on_commit_callbacks):
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    block = staff_client.get(f"/certification/runs/{run.pk}/issue/status/").content.decode()
    assert (block.startswith('<section id="issue-status"'), "hx-get" in block, "<html" in block) == (True, False, False)


def test_an_issuing_that_fails_says_so_and_offers_to_try_again(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    from worldclass.certificates import domain

    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())

    def fail(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(domain, "issue_certificates", fail)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    page = staff_client.get(f"/certification/runs/{run.pk}/issue/").content.decode()
    assert ("no certificate was issued" in page, "Confirm and issue" in page, Certificate.objects.count()) == (
        True,
        True,
        0,
    )


def test_the_replay_of_a_real_run_reproduces(staff_client):
    person = PersonFactory()
    rollup_months(entity=person, level=Level.CSR, start=Month(2015, 1), eligible=[30] * 6, meeting=[29] * 6)
    staff_client.post("/certification/runs/new/", {"year": "2015", "through": "2015-06"})
    run = CertificationRun.objects.get()
    page = staff_client.get(f"/certification/runs/{run.pk}/verify/").content.decode()
    assert "The result reproduces: same checksum." in page


def test_an_unknown_run_is_404(staff_client):
    assert staff_client.get("/certification/runs/999/").status_code == 404


def test_the_runs_page_lists_runs_newest_first(staff_client):
    with scopes_disabled():
        first, second = CertificationRunFactory(), CertificationRunFactory()
    page = staff_client.get("/certification/runs/").content.decode()
    assert page.index(f"/certification/runs/{second.pk}/") < page.index(f"/certification/runs/{first.pk}/")


def test_the_runs_page_filters_by_program_year_like_the_api(staff_client):
    with scopes_disabled():
        CertificationRunFactory(program_year=2014, edition=edition(2014))
        wanted = CertificationRunFactory(program_year=2015)
    response = staff_client.get("/certification/runs/?program_year=2015")
    assert [run.pk for run in response.context["page"]] == [wanted.pk]


def test_a_malformed_runs_filter_is_a_form_error(staff_client):
    response = staff_client.get("/certification/runs/?edition=twenty")
    assert (response.status_code, list(response.context["filters"].errors)) == (400, ["edition"])


def test_the_issue_page_follows_a_queued_issuing_until_its_worker_records_it(
    staff_client, django_capture_on_commit_callbacks
):
    """Certificates issued elsewhere meanwhile do not end the request: its worker still takes it, finds them issued,
    and records it done (with the certificates, in one transaction, so the page never shows one without the other)."""
    from worldclass.certificates.domain import issue_certificates

    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    with django_capture_on_commit_callbacks(execute=False) as started:
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    issue_certificates(run=run, actor="the command line")
    waiting = staff_client.get(f"/certification/runs/{run.pk}/issue/status/").content.decode()
    started[0]()
    block = staff_client.get(f"/certification/runs/{run.pk}/issue/status/", {"shown": "queued"}).content.decode()
    assert ("hx-get" in waiting, "Queued" in waiting, "hx-get" in block) == (True, True, False)
    assert '<p id="issue-announcement" hx-swap-oob="innerHTML">Issued 0 certificates. Issued before: 1.</p>' in block


def test_an_issuing_that_waited_too_long_for_a_worker_gives_way_to_a_new_one(
    staff_client, django_capture_on_commit_callbacks
):
    run = queued_issuing(staff_client, django_capture_on_commit_callbacks)
    forgotten = CertificateIssuing.objects.get()
    an_hour_earlier = forgotten.requested_at - dt.timedelta(hours=1)
    CertificateIssuing.objects.filter(pk=forgotten.pk).update(requested_at=an_hour_earlier)
    page = staff_client.get(f"/certification/runs/{run.pk}/issue/").content.decode()
    assert ("has stopped without finishing" in page, "Confirm and issue" in page) == (True, True)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.error["code"], Certificate.objects.count()) == ("failed", "stalled", 1)


def test_an_issuing_refused_by_the_domain_says_why(staff_client, django_capture_on_commit_callbacks, monkeypatch):
    from worldclass.certificates import domain
    from worldclass.core.errors import AppError

    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())

    def refuse(**kwargs):
        raise AppError(code="bad_signing_key", message="The signing key cannot be read.")

    monkeypatch.setattr(domain, "issue_certificates", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/certification/runs/{run.pk}/issue/")
    page = staff_client.get(f"/certification/runs/{run.pk}/issue/").content.decode()
    assert "The issuing was refused: The signing key cannot be read. No certificate was issued." in page


def test_an_issuing_the_task_queue_refuses_is_recorded_as_stopped(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    from worldclass.certificates import views

    def broker_down(name, *args):
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(views, "start_task", broker_down)
    run = CertificationRunFactory(through_month=JUNE)
    certified(run, PersonFactory())
    page = staff_client.post(f"/certification/runs/{run.pk}/issue/", follow=True).content.decode()
    issuing = CertificateIssuing.objects.get()
    assert (issuing.status, issuing.error["code"], "could not be queued" in page, "Confirm and issue" in page) == (
        "failed",
        "not_queued",
        True,
        True,
    )
