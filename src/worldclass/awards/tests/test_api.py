import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from worldclass.awards.domain import panel
from worldclass.awards.models import Application, Phase
from worldclass.awards.tests.factories import (
    applicant_user,
    seat_judges,
    set_phase,
    submitted_application,
)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(cycle, categories, staff):
    ann, bob = applicant_user("ann"), applicant_user("bob")
    judges = seat_judges(cycle=cycle, categories=categories[:1], usernames=["j1", "j2"], staff=staff)
    a = submitted_application(cycle=cycle, category=categories[0], user=ann, title="Ann's")
    b = submitted_application(cycle=cycle, category=categories[0], user=bob, title="Bob's")
    return {"ann": ann, "bob": bob, "judges": judges, "a": a, "b": b}


def test_an_over_long_summary_gets_a_400_with_the_reason(db, cycle, categories):
    response = client_for(applicant_user("ann")).post(
        "/api/v1/awards/applications/",
        {"category": categories[0].pk, "title": "T", "summary": "x" * 1001},
        format="json",
    )
    assert (response.status_code, response.json()["error"]["details"]) == (
        400,
        [{"message": "The summary is 1001 characters long; at most 1000 are allowed.", "field": "summary"}],
    )


def test_an_application_is_created_through_the_api(db, cycle, categories):
    response = client_for(applicant_user("ann")).post(
        "/api/v1/awards/applications/", {"category": categories[0].pk, "title": "T", "summary": "Unique"}, format="json"
    )
    assert (response.status_code, response.json()["status"]) == (201, "submitted")


def test_a_late_submission_gets_a_400_naming_the_deadline(db, staff, categories, cycle):
    import datetime as dt

    from django.utils import timezone

    today = timezone.now().date()
    cycle.application_deadline = today - dt.timedelta(days=2)
    cycle.save()
    response = client_for(applicant_user("ann")).post(
        "/api/v1/awards/applications/", {"category": categories[0].pk, "title": "T", "summary": "U"}, format="json"
    )
    body = response.json()["error"]
    assert (response.status_code, body["code"]) == (400, "deadline_passed")
    assert f"{cycle.application_deadline:%B} {cycle.application_deadline.day}" in body["message"]


def test_a_score_out_of_range_gets_a_400_naming_the_criterion(world, cycle):
    set_phase(cycle, Phase.SCREENING)
    criteria = list(cycle.criteria.values_list("pk", flat=True))
    scores = [{"criterion": pk, "value": 12 if i == 0 else 5} for i, pk in enumerate(criteria)]
    response = client_for(world["judges"][0]).post(
        "/api/v1/awards/scores/", {"application": world["a"].pk, "scores": scores}, format="json"
    )
    assert (response.status_code, response.json()["error"]["details"][0]["field"]) == (400, "scores.Measurable impact")


def _unassigned(cycle, categories) -> Application:
    return submitted_application(cycle=cycle, category=categories[1], user=applicant_user("cy"), title="Cy's")


def test_a_conflicted_judge_gets_the_same_404_as_for_any_application_it_may_not_see(world, cycle, categories):
    """Blind review: a conflict must not tell the judge which organization an application belongs to."""
    set_phase(cycle, Phase.SCREENING)
    judge = world["judges"][0]
    panel.declare_conflict(judge=judge, organization=world["a"].organization)
    paths = [world["a"].pk, _unassigned(cycle, categories).pk, 10**9, "abc"]
    answers = [client_for(judge).get(f"/api/v1/awards/applications/{pk}/") for pk in paths]
    assert [(r.status_code, r.json()) for r in answers] == [
        (404, {"error": {"code": "not_found", "message": "No such application.", "details": []}})
    ] * len(paths)


def test_a_conflicted_judge_cannot_score_through_the_api_and_learns_nothing(world, cycle, categories):
    set_phase(cycle, Phase.SCREENING)
    judge = world["judges"][0]
    panel.declare_conflict(judge=judge, organization=world["a"].organization)
    scores = [{"criterion": pk, "value": 5} for pk in cycle.criteria.values_list("pk", flat=True)]
    answers = [
        client_for(judge).post("/api/v1/awards/scores/", {"application": pk, "scores": scores}, format="json")
        for pk in (world["a"].pk, _unassigned(cycle, categories).pk)
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in answers] == [(404, "not_found")] * 2


def test_any_token_gets_a_404_for_an_application_id_that_is_not_a_number(world):
    response = client_for(world["ann"]).get("/api/v1/awards/applications/abc/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_a_conflicted_judge_does_not_list_the_application(world, cycle):
    set_phase(cycle, Phase.SCREENING)
    judge = world["judges"][0]
    panel.declare_conflict(judge=judge, organization=world["a"].organization)
    response = client_for(judge).get("/api/v1/awards/applications/")
    assert [row["title"] for row in response.json()["results"]] == ["Bob's"]


def test_judges_get_blinded_applications_during_screening(world, cycle):
    set_phase(cycle, Phase.SCREENING)
    row = client_for(world["judges"][0]).get(f"/api/v1/awards/applications/{world['a'].pk}/").json()
    assert (row["organization"], row["organization_name"]) == (None, None)


def test_staff_see_organization_names(world, staff, cycle):
    row = client_for(staff).get(f"/api/v1/awards/applications/{world['a'].pk}/").json()
    assert row["organization_name"] == world["a"].organization.name


def test_applicants_list_only_their_own_applications(world):
    response = client_for(world["ann"]).get("/api/v1/awards/applications/")
    assert [row["title"] for row in response.json()["results"]] == ["Ann's"]


def test_applications_list_query_count_does_not_grow(world, staff, cycle, categories):
    client = client_for(staff)

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/awards/applications/")
        return len(captured), response.json()["count"]

    few, _ = count_queries()
    for n in range(5):
        submitted_application(cycle=cycle, category=categories[1], user=applicant_user(f"extra{n}"))
    assert count_queries() == (few, 7)


def test_staff_move_an_application_through_the_api(world, staff, categories):
    response = client_for(staff).post(
        f"/api/v1/awards/applications/{world['a'].pk}/move/",
        {"category": categories[1].pk, "reason": "Better fit"},
        format="json",
    )
    assert (response.status_code, response.json()["category"], response.json()["original_category"]) == (
        200,
        categories[1].pk,
        categories[0].pk,
    )


def test_an_applicant_cannot_move_an_application(world, categories):
    response = client_for(world["ann"]).post(
        f"/api/v1/awards/applications/{world['a'].pk}/move/",
        {"category": categories[1].pk, "reason": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_checklist_answers_through_the_api(world, categories):
    item = categories[0].checklist_items.first()
    response = client_for(world["ann"]).post(
        "/api/v1/awards/checklist-answers/",
        {"application": world["a"].pk, "item": item.pk, "meets": True, "evidence": "Our data"},
        format="json",
    )
    assert (response.status_code, response.json()["meets"]) == (201, True)


def test_a_judge_sees_other_scores_only_after_scoring(world, cycle):
    set_phase(cycle, Phase.SCREENING)
    j1, j2 = world["judges"]
    scores = [{"criterion": pk, "value": 5} for pk in cycle.criteria.values_list("pk", flat=True)]
    client_for(j1).post("/api/v1/awards/scores/", {"application": world["a"].pk, "scores": scores}, format="json")
    before = client_for(j2).get("/api/v1/awards/scores/").json()["count"]
    client_for(j2).post("/api/v1/awards/scores/", {"application": world["a"].pk, "scores": scores}, format="json")
    after = client_for(j2).get("/api/v1/awards/scores/").json()["count"]
    assert (before, after) == (0, 2)


def test_staff_decide_a_winner_through_the_api(world, staff, cycle):
    Application.objects.filter(pk=world["a"].pk).update(status=Application.Status.FINALIST)
    set_phase(cycle, Phase.WINNER_SELECTION)
    response = client_for(staff).post("/api/v1/awards/decisions/", {"application": world["a"].pk}, format="json")
    second = client_for(staff).post("/api/v1/awards/decisions/", {"application": world["a"].pk}, format="json")
    assert (response.status_code, response.json()["decided_by"], second.status_code) == (201, "staff", 409)


def test_staff_rename_and_retire_categories_through_the_api(staff, categories):
    response = client_for(staff).patch(
        f"/api/v1/awards/categories/{categories[0].pk}/", {"name": "Omnichannel", "retired": True}, format="json"
    )
    assert (response.json()["name"], response.json()["is_retired"]) == ("Omnichannel", True)


def test_judges_declare_conflicts_through_the_api(world):
    judge = world["judges"][0]
    response = client_for(judge).post(
        "/api/v1/awards/conflicts/",
        {"organization": world["a"].organization_id, "reason": "Ex-employer"},
        format="json",
    )
    assert (response.status_code, response.json()["judge"]) == (201, "j1")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/awards/applications/?category=99999999999999999999999",
        "/api/v1/awards/decisions/?cycle=99999999999999999999999",
        "/api/v1/awards/scores/?application=-99999999999999999999999",
    ],
)
def test_a_number_too_large_for_the_database_is_a_400(world, staff, path):
    response = client_for(staff).get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid")


def test_applications_filter_by_the_cycles_year(world, staff, cycle):
    client = client_for(staff)
    ids = [
        [row["id"] for row in client.get("/api/v1/awards/applications/", {"year": year}).json()["results"]]
        for year in (cycle.year, cycle.year + 1)
    ]
    assert ids == [[world["a"].pk, world["b"].pk], []]
