import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from worldclass.accounts.models import RoleAssignment
from worldclass.awards.domain import cycles, panel
from worldclass.awards.models import Application, ChecklistAnswer, Phase
from worldclass.awards.tests.factories import applicant_user, seat_judges, set_phase, submitted_application
from worldclass.directory.models import Organization


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_registration_creates_a_non_client_organization_and_signs_in(db):
    client = Client()
    response = client.post(
        "/awards/register/",
        {
            "organization_name": "Prairie Telecom",
            "username": "pat",
            "email": "pat@p.example",
            "password": "a long enough passphrase 42",
        },
    )
    organization = Organization.objects.get(name="Prairie Telecom")
    assert (response.status_code, response.url, organization.is_client) == (302, "/awards/apply/", False)
    assert client.get("/awards/apply/").status_code == 200


def test_a_weak_password_is_refused_on_the_form(db):
    response = Client().post(
        "/awards/register/", {"organization_name": "P", "username": "pat", "email": "p@p.example", "password": "abc"}
    )
    assert (response.status_code, "too short" in response.content.decode()) == (400, True)


def test_applying_through_the_page(cycle, categories):
    user = applicant_user("ann")
    org = RoleAssignment.objects.get(user=user).organization
    response = client_for(user).post(
        "/awards/apply/",
        {
            "category": categories[0].pk,
            "organization": org.pk,
            "title": "Coaching",
            "summary": "Unique",
            "submit": "on",
        },
    )
    application = Application.objects.get()
    assert (response.status_code, application.status) == (302, "submitted")


def test_an_over_long_summary_is_refused_on_the_page(cycle, categories):
    user = applicant_user("ann")
    org = RoleAssignment.objects.get(user=user).organization
    response = client_for(user).post(
        "/awards/apply/",
        {"category": categories[0].pk, "organization": org.pk, "title": "T", "summary": "x" * 1001},
    )
    assert (response.status_code, "1001 characters long" in response.content.decode()) == (400, True)


@pytest.fixture
def screening(cycle, categories, staff):
    ann = applicant_user("ann")
    application = submitted_application(cycle=cycle, category=categories[0], user=ann, title="Ann's")
    [judge] = seat_judges(cycle=cycle, categories=categories[:1], usernames=["j1"], staff=staff)
    set_phase(cycle, Phase.SCREENING)
    return application, judge


def _page_without_its_own_path_and_token(response, path: str) -> str:
    """The page as any visitor of any address would see it: each render masks the CSRF token afresh, and the
    language switcher returns to the page's own address."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode()).replace(path, "PATH")


def test_a_conflicted_judge_gets_the_same_404_page_as_for_an_unassigned_application(screening, cycle, categories):
    application, judge = screening
    panel.declare_conflict(judge=judge, organization=application.organization)
    unassigned = submitted_application(cycle=cycle, category=categories[1], user=applicant_user("cy"), title="Cy's")
    paths = [f"/awards/applications/{a.pk}/" for a in (application, unassigned)]
    answers = [(client_for(judge).get(path), path) for path in paths]
    pages = [(r.status_code, _page_without_its_own_path_and_token(r, path)) for r, path in answers]
    assert pages == [(404, pages[1][1])] * 2


def test_the_judge_page_hides_the_organization_during_blind_review(screening):
    application, judge = screening
    content = client_for(judge).get(f"/awards/applications/{application.pk}/").content.decode()
    assert (application.organization.name in content, "Hidden during blind review" in content) == (False, True)


def queries_for(client: Client, path: str) -> tuple[int, str]:
    """How many queries a page takes, and its content."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_judge_dashboard_query_count_does_not_grow(screening, cycle, categories):
    _, judge = screening
    client = client_for(judge)
    few, _ = queries_for(client, "/awards/judging/")
    for n in range(5):
        submitted_application(cycle=cycle, category=categories[0], user=applicant_user(f"x{n}"))
    many, content = queries_for(client, "/awards/judging/")
    assert (many, content.count("/awards/applications/")) == (few, 6)


def test_the_staff_cycle_page_query_count_does_not_grow(cycle, categories, staff):
    client, path = client_for(staff), f"/awards/staff/cycles/{cycle.pk}/"
    submitted_application(cycle=cycle, category=categories[0], user=applicant_user("first"))
    few, _ = queries_for(client, path)
    for n in range(6):
        submitted_application(cycle=cycle, category=categories[n % 2], user=applicant_user(f"x{n}"))
    many, _ = queries_for(client, path)
    assert many == few


def _answer_new_checklist_items(application: Application, *, staff, count: int) -> None:
    for n in range(count):
        item = cycles.add_checklist_item(user=staff, category=application.category, text=f"Question {n}")
        ChecklistAnswer.objects.create(application=application, item=item, meets=n % 2 == 0, evidence=f"Evidence {n}")


def _score(application: Application, *, judges) -> None:
    criteria = list(application.cycle.criteria.values_list("pk", flat=True))
    for n, judge in enumerate(judges):
        panel.submit_scorecard(judge=judge, application=application, values={pk: 4 + n for pk in criteria})


@pytest.mark.parametrize("viewer", ["judge", "staff", "applicant"])
def test_an_application_page_takes_as_many_queries_for_many_checklist_items_and_scorecards_as_for_few(
    cycle, categories, staff, viewer
):
    ann = applicant_user("ann")
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    judges = seat_judges(cycle=cycle, categories=categories[:1], usernames=[f"j{n}" for n in range(6)], staff=staff)
    set_phase(cycle, Phase.SCREENING)
    client, path = (
        client_for({"judge": judges[0], "staff": staff, "applicant": ann}[viewer]),
        application_url(application),
    )
    _answer_new_checklist_items(application, staff=staff, count=1)
    _score(application, judges=judges[:2])
    few, _ = queries_for(client, path)
    _answer_new_checklist_items(application, staff=staff, count=6)
    _score(application, judges=judges[2:])
    many, content = queries_for(client, path)
    assert (many, content.count("Evidence ")) == (few, 7)


def test_a_judge_sees_the_whole_panel_s_scores_on_the_page_once_scored(cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=applicant_user("ann"))
    judges = seat_judges(cycle=cycle, categories=categories[:1], usernames=["j0", "j1", "j2"], staff=staff)
    set_phase(cycle, Phase.SCREENING)
    _score(application, judges=judges)
    response = client_for(judges[0]).get(application_url(application))
    assert [card.judge.username for card in response.context["scorecards"]] == ["j0", "j1", "j2"]


def application_url(application: Application) -> str:
    return f"/awards/applications/{application.pk}/"


def test_the_winners_page_is_public(cycle):
    assert Client().get(f"/awards/{cycle.year}/winners/").status_code == 200


def test_the_awards_home_lists_the_17_categories(cycle):
    content = Client().get("/awards/").content.decode()
    assert ("Continuous Improvement Process" in content, "Omni-Channel" in content) == (True, True)


def test_the_pages_are_translated_to_french(cycle):
    content = Client(headers={"accept-language": "fr"}).get("/awards/").content.decode()
    assert "Prix des meilleures pratiques CX" in content


def test_the_application_form_offers_the_categories_in_french(cycle):
    user = applicant_user("ann")
    client = client_for(user)
    response = client.get("/awards/apply/", headers={"accept-language": "fr"})
    offered = dict(response.context["form"].fields["category"].choices)
    assert (offered[cycle.categories.get(name="Omni-Channel").pk], "Omni-Channel" in offered.values()) == (
        "Omnicanal",
        False,
    )


def test_the_staff_cycle_page_filters_applications_by_category(cycle, categories, staff):
    wanted = submitted_application(cycle=cycle, category=categories[1], user=applicant_user("wanted"))
    submitted_application(cycle=cycle, category=categories[0], user=applicant_user("other"))
    response = client_for(staff).get(f"/awards/staff/cycles/{cycle.pk}/?category={categories[1].pk}")
    assert [application.pk for application in response.context["applications"]] == [wanted.pk]


def test_the_staff_cycle_page_filters_applications_by_status(cycle, categories, staff):
    submitted_application(cycle=cycle, category=categories[0], user=applicant_user("sent"))
    response = client_for(staff).get(f"/awards/staff/cycles/{cycle.pk}/?status=draft")
    assert list(response.context["applications"]) == []


def _posted(client: Client, path: str, data: dict) -> tuple[list, list[str]]:
    """Where a form's POST sends the browser, and the messages shown there."""
    response = client.post(path, data, follow=True)
    return response.redirect_chain, [str(message) for message in response.context["messages"]]


def test_staff_change_the_phase_on_the_cycle_page(cycle, staff):
    posted = _posted(client_for(staff), f"/awards/staff/cycles/{cycle.pk}/phase/", {"phase": Phase.SCREENING})
    cycle.refresh_from_db()
    assert (posted, cycle.phase) == (([(f"/awards/staff/cycles/{cycle.pk}/", 302)], ["Phase changed."]), "screening")


def test_a_category_renamed_without_its_french_field_keeps_its_french_name(cycle, categories, staff):
    category = categories[0]
    french = category.name_fr
    posted = _posted(client_for(staff), f"/awards/staff/categories/{category.pk}/rename/", {"name": "Omni"})
    category.refresh_from_db()
    assert (posted, category.name, category.name_fr) == (
        ([(f"/awards/staff/cycles/{cycle.pk}/", 302)], ["Category renamed."]),
        "Omni",
        french,
    )


def test_staff_grant_an_extension_on_the_application_page(cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=applicant_user("ann"))
    until = cycle.checklist_deadline.replace(day=28)
    posted = _posted(
        client_for(staff),
        f"/awards/staff/applications/{application.pk}/extension/",
        {"step": "checklist", "until": until.isoformat(), "reason": "Outage"},
    )
    assert (posted, [(e.step, e.until) for e in application.extensions.all()]) == (
        ([(application_url(application), 302)], ["Extension granted."]),
        [("checklist", until)],
    )


def test_a_staff_form_with_errors_names_the_field_and_changes_nothing(cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=applicant_user("ann"))
    posted = _posted(client_for(staff), f"/awards/staff/applications/{application.pk}/move/", {"category": ""})
    assert (posted[1], application.moves.count()) == (
        ["Move to category: This field is required.", "Reason: This field is required."],
        0,
    )


def test_an_applicant_edits_the_application_on_its_page(cycle, categories):
    ann = applicant_user("ann")
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    posted = _posted(
        client_for(ann), f"/awards/applications/{application.pk}/edit/", {"title": "Coaching", "summary": "Unique"}
    )
    application.refresh_from_db()
    assert (posted, application.title) == (
        ([(application_url(application), 302)], ["Application updated."]),
        "Coaching",
    )


def test_a_judge_scores_on_the_application_page(screening, cycle):
    application, judge = screening
    data = {f"criterion_{pk}": "7" for pk in cycle.criteria.values_list("pk", flat=True)} | {"comment": "Solid"}
    posted = _posted(client_for(judge), f"/awards/applications/{application.pk}/score/", data)
    assert (posted, [card.comment for card in application.scorecards.all()]) == (
        ([(application_url(application), 302)], ["Scores submitted."]),
        ["Solid"],
    )


def test_a_judge_declares_a_conflict_on_the_dashboard(screening):
    application, judge = screening
    posted = _posted(
        client_for(judge), "/awards/judging/conflicts/", {"organization": application.organization_id, "reason": "Ex"}
    )
    assert posted == ([("/awards/judging/", 302)], ["Conflict of interest declared."])
