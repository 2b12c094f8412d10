import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.core.errors import AppError
from worldclass.directory.models import Site
from worldclass.operations.domain.invitations import issue_web_link
from worldclass.operations.domain.recovery import update_case
from worldclass.operations.models import RecoveryCase
from worldclass.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db
UNHAPPY = {"resolved": "yes", "first_call": "yes", "overall_sat": "2", "csr_sat": "5"}


def answer(client, invitation, data):
    token = issue_web_link(invitation=invitation)
    return client.post(f"/survey/{token}/", data)


def manager_of(site):
    user = User.objects.create_user(username=f"mgr-{site.code}", password="x" * 12)
    assignment = RoleAssignment.objects.create(user=user, role=Role.SITE_MANAGER, organization=site.organization)
    assignment.sites.set([site])
    return user


def test_site_manager_sees_open_cases_with_overdue_flag(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY)
    RecoveryCase.objects.update(due_at=timezone.now() - dt.timedelta(hours=1))
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get("/operations/cases/")
    (case,) = page.context["cases"]
    assert (case.reason, case.is_overdue) == ("overall satisfaction 2", True)
    assert "Overdue" in page.content.decode()


UNHAPPY_ON_ALL_COUNTS = {"resolved": "no", "first_call": "no", "overall_sat": "2", "csr_sat": "1"}
REASON_IN_ENGLISH = "not resolved; overall satisfaction 2; representative rated 1"
REASON_IN_FRENCH = "non résolu\xa0; satisfaction globale 2\xa0; représentant noté 1"


def test_a_case_stores_its_reason_in_english_whatever_the_customers_language(invite, unscoped):
    invitation = invite("web")
    answer(Client(HTTP_ACCEPT_LANGUAGE="fr"), invitation, UNHAPPY_ON_ALL_COUNTS)
    assert RecoveryCase.objects.get().reason == REASON_IN_ENGLISH


def test_the_cases_list_words_the_reason_in_french(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY_ON_ALL_COUNTS)
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get("/operations/cases/", HTTP_ACCEPT_LANGUAGE="fr")
    assert [case.reason_worded for case in page.context["cases"]] == [REASON_IN_FRENCH]


def test_a_cases_page_words_the_reason_in_french(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY_ON_ALL_COUNTS)
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get(f"/operations/cases/{RecoveryCase.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (REASON_IN_FRENCH in page.content.decode(), REASON_IN_ENGLISH in page.content.decode()) == (True, False)


def test_a_case_whose_answers_no_longer_give_its_stored_reason_shows_the_stored_reason(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY_ON_ALL_COUNTS)
    RecoveryCase.objects.update(reason="overall satisfaction 3")
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get("/operations/cases/", HTTP_ACCEPT_LANGUAGE="fr")
    assert [case.reason_worded for case in page.context["cases"]] == ["overall satisfaction 3"]


def test_a_cases_page_gives_its_due_time_as_an_iso_date_in_the_sites_zone(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY)
    RecoveryCase.objects.update(due_at=dt.datetime(2026, 11, 3, 7, 51, tzinfo=dt.UTC))
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get(f"/operations/cases/{RecoveryCase.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "2026-11-03 02:51 (America/Toronto)" in page.content.decode()


def test_a_manager_of_another_site_does_not_see_the_case(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY)
    other = Site.objects.create(organization=invitation.organization, code="hal", country="CA")
    client = Client()
    client.force_login(manager_of(other))
    assert list(client.get("/operations/cases/").context["cases"]) == []
    assert client.get(f"/operations/cases/{RecoveryCase.objects.get().pk}/").status_code == 404


def test_closing_a_case_needs_an_outcome_and_leaves_the_survey_alone(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY)
    case = RecoveryCase.objects.get()
    manager = manager_of(invitation.site)
    with pytest.raises(AppError):
        update_case(
            case_id=case.pk, user=manager, status="closed", note="", outcome="", take_ownership=True, now=timezone.now()
        )
    before = SurveyResponse.objects.values().get()
    update_case(
        case_id=case.pk,
        user=manager,
        status="closed",
        note="Called back",
        outcome="Refund issued",
        take_ownership=True,
        now=timezone.now(),
    )
    case.refresh_from_db()
    assert (case.status, case.owner, case.outcome) == ("closed", manager, "Refund issued")
    assert SurveyResponse.objects.values().get() == before


def test_case_form_updates_the_case(invite, unscoped):
    invitation = invite("web")
    answer(Client(), invitation, UNHAPPY)
    case = RecoveryCase.objects.get()
    client = Client()
    client.force_login(manager_of(invitation.site))
    done = client.post(
        f"/operations/cases/{case.pk}/", {"status": "in_progress", "note": "Left a message", "take_ownership": "on"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.notes.endswith("Left a message")) == ("in_progress", True)


def test_site_report_counts_the_funnel_per_csr(invite, unscoped):
    first = invite("web", csr="C1")
    invite("ivr", csr="C1")
    invite("web", csr="C2")
    answer(Client(), first, {**UNHAPPY, "overall_sat": "5"})
    client = Client()
    client.force_login(manager_of(first.site))
    page = client.get(f"/operations/sites/{first.site.pk}/?month={first.call.sample_month:%Y-%m}")
    rows = {row.label: row for row in page.context["rows"]}
    c1 = rows["C1"]
    assert (c1.calls, c1.selected, c1.invited, c1.completed, c1.quota) == (
        2,
        2,
        {"web": 1, "ivr": 1, "phone": 0},
        1,
        30,
    )
    assert page.context["summary_list"][0].completed == 1


def test_site_report_query_count_does_not_grow_with_rows(invite, unscoped):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = invite("web", csr="C1")
    client = Client()
    client.force_login(manager_of(first.site))
    url = f"/operations/sites/{first.site.pk}/?month={first.call.sample_month:%Y-%m}"

    def queries():
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        return len(context)

    few = queries()
    for n in range(6):
        invite("web", csr=f"C{n + 2}")
    assert queries() == few


def test_csv_export_lists_site_and_csrs(invite, unscoped):
    invitation = invite("web", csr="C1")
    client = Client()
    client.force_login(manager_of(invitation.site))
    export = client.get(f"/operations/sites/{invitation.site.pk}/export.csv?month={invitation.call.sample_month:%Y-%m}")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("level,name,calls,selected")
    assert [line.split(",")[0] for line in lines[1:]] == ["site", "csr"]


def test_audit_page_publishes_the_commitment(invite, unscoped):
    from worldclass.operations.models import SampleKey

    invitation = invite("web")
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get(f"/operations/sites/{invitation.site.pk}/audit/").content.decode()
    key = SampleKey.objects.get()
    assert key.commitment_sha256 in page
    assert key.key_hex not in page


def test_the_operations_page_opens_on_the_latest_month_with_calls(invite, unscoped):
    invitation = invite("web", ended_ago=dt.timedelta(days=70))
    client = Client()
    client.force_login(manager_of(invitation.site))
    page = client.get("/operations/")
    assert str(page.context["month"]) == f"{invitation.call.sample_month:%Y-%m}"


def _two_cases(invite):
    first, second = invite("web", csr="C1"), invite("web", csr="C2")
    answer(Client(), first, UNHAPPY)
    answer(Client(), second, UNHAPPY)
    late, later = RecoveryCase.objects.order_by("id")
    late.due_at = timezone.now() - dt.timedelta(hours=1)
    late.save(update_fields=["due_at"])
    later.status, later.outcome = RecoveryCase.Status.CLOSED, "Called back"
    later.save(update_fields=["status", "outcome"])
    client = Client()
    client.force_login(manager_of(first.site))
    return client, late, later


def test_the_cases_list_shows_closed_cases_when_asked(invite, unscoped):
    client, _late, closed = _two_cases(invite)
    assert [case.pk for case in client.get("/operations/cases/?status=closed").context["cases"]] == [closed.pk]


def test_the_cases_list_filters_overdue_ones(invite, unscoped):
    client, late, _closed = _two_cases(invite)
    assert [case.pk for case in client.get("/operations/cases/?overdue=on").context["cases"]] == [late.pk]


def test_an_invalid_cases_filter_is_a_form_error(invite, unscoped):
    client, late, _closed = _two_cases(invite)
    response = client.get("/operations/cases/?status=lost")
    assert (response.status_code, [case.pk for case in response.context["cases"]]) == (400, [late.pk])


@pytest.mark.parametrize("month", ["0000-01", "2025-13", "9999-12", "June"])
def test_a_malformed_month_is_a_bad_request_not_a_server_error(invite, unscoped, month):
    invitation = invite("web", csr="C1")
    client = Client()
    client.force_login(manager_of(invitation.site))
    paths = [
        "/operations/",
        f"/operations/sites/{invitation.site.pk}/",
        f"/operations/sites/{invitation.site.pk}/export.csv",
    ]
    assert [client.get(path, {"month": month}).status_code for path in paths] == [400, 400, 400]
