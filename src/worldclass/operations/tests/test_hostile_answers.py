"""Hostile and malformed answers on the live channels (the IVR API and the customer's web form): each is refused with
a 4xx naming what is wrong, never a server error, and nothing is recorded."""

import pytest

from worldclass.operations.domain.invitations import issue_web_link
from worldclass.surveys.models import SurveyResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
KEYS = {"resolved": "1", "first_call": "2", "overall_sat": 4, "csr_sat": 5}
GOOD = {"resolved": "yes", "first_call": "yes", "overall_sat": "5", "csr_sat": "5", "comment": "Très bien"}
LONG = "x" * 200_000

HOSTILE_IVR_BODIES = {
    "invitation is text": lambda pk: {"invitation": "abc", "keys": KEYS},
    "invitation beyond 64 bits": lambda pk: {"invitation": 2**70, "keys": KEYS},
    "invitation unknown": lambda pk: {"invitation": pk + 1000, "keys": KEYS},
    "keys is a list": lambda pk: {"invitation": pk, "keys": [1, 2]},
    "keys missing": lambda pk: {"invitation": pk},
    "a NUL byte in a key": lambda pk: {"invitation": pk, "keys": {**KEYS, "resolved": "1\x00"}},
    "a huge key": lambda pk: {"invitation": pk, "keys": {**KEYS, "overall_sat": LONG}},
    "a rating as a float": lambda pk: {"invitation": pk, "keys": {**KEYS, "overall_sat": 4.5}},
    "a rating as an object": lambda pk: {"invitation": pk, "keys": {**KEYS, "csr_sat": {"a": 1}}},
}

HOSTILE_WEB_FORMS = {
    "a NUL byte in the comment": {**GOOD, "comment": "bad\x00byte"},
    "a rating outside the scale": {**GOOD, "overall_sat": "9"},
    "a rating that is not a number": {**GOOD, "csr_sat": "=1+1"},
    "a huge rating": {**GOOD, "overall_sat": LONG},
    "a yes/no that is neither": {**GOOD, "resolved": "maybe"},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_IVR_BODIES))
def test_a_hostile_ivr_answer_is_refused_without_a_server_error(case, invite, ivr_client):
    invitation = invite("ivr")
    refused = ivr_client.post("/api/v1/ivr/responses/", HOSTILE_IVR_BODIES[case](invitation.pk), format="json")
    assert (400 <= refused.status_code < 500, SurveyResponse.objects.count()) == (True, 0)


@pytest.mark.parametrize("case", sorted(HOSTILE_WEB_FORMS))
def test_a_hostile_web_form_is_refused_without_a_server_error(case, invite, client):
    token = issue_web_link(invitation=invite("web"))
    refused = client.post(f"/survey/{token}/", HOSTILE_WEB_FORMS[case])
    assert (refused.status_code, SurveyResponse.objects.count()) == (400, 0)


def test_bytes_that_are_not_utf8_in_the_web_form_are_read_as_replacement_characters(invite, client):
    token = issue_web_link(invitation=invite("web"))
    body = "resolved=yes&first_call=yes&overall_sat=5&csr_sat=5&comment=%ED%A0%80%FF"  # a lone surrogate, a bad byte
    page = client.post(f"/survey/{token}/", body, content_type="application/x-www-form-urlencoded")
    assert (page.status_code, SurveyResponse.objects.get().comment) == (200, "\ufffd" * 4)
