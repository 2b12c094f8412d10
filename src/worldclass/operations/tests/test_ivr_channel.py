import datetime as dt

import pytest

from worldclass.operations.models import Invitation
from worldclass.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db
KEYS = {"resolved": "1", "first_call": "2", "overall_sat": 4, "csr_sat": 5}


def test_ivr_fetches_due_invitations_soonest_expiry_first(invite, ivr_client):
    later = invite("ivr", ended_ago=dt.timedelta(minutes=20))
    sooner = invite("ivr", ended_ago=dt.timedelta(hours=2))
    invite("ivr", ended_ago=dt.timedelta(minutes=2))  # not open yet
    body = ivr_client.get("/api/v1/ivr/invitations/").json()
    assert [item["id"] for item in body["results"]] == [sooner.pk, later.pk]
    assert body["results"][0]["phone"] == sooner.call.customer_phone


def test_ivr_answers_become_a_response(invite, ivr_client, unscoped):
    invitation = invite("ivr")
    answer = ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": KEYS}, format="json")
    assert answer.status_code == 201
    response = SurveyResponse.objects.get()
    assert (response.channel, response.resolved, response.first_call, response.overall_sat) == ("ivr", True, False, 4)


def test_repeating_the_same_ivr_answer_is_idempotent(invite, ivr_client, unscoped):
    invitation = invite("ivr")
    ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": KEYS}, format="json")
    again = ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": KEYS}, format="json")
    assert (again.status_code, again.json()["created"], SurveyResponse.objects.count()) == (200, False, 1)


def test_a_conflicting_ivr_answer_is_refused(invite, ivr_client, unscoped):
    invitation = invite("ivr")
    ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": KEYS}, format="json")
    other = {**KEYS, "overall_sat": 1}
    refused = ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": other}, format="json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "answer_conflict")


def test_an_expired_ivr_invitation_is_refused(invite, ivr_client, unscoped):
    invitation = invite("ivr", ended_ago=dt.timedelta(hours=30))
    refused = ivr_client.post("/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": KEYS}, format="json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (410, "expired_link")
    assert Invitation.objects.get().status == "open"


def test_an_invalid_key_is_refused_by_field(invite, ivr_client):
    invitation = invite("ivr")
    refused = ivr_client.post(
        "/api/v1/ivr/responses/", {"invitation": invitation.pk, "keys": {**KEYS, "csr_sat": 9}}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "keys.csr_sat"
