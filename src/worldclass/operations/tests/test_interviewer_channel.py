import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.core.errors import AppError, PermissionDenied
from worldclass.core.models import AuditEvent
from worldclass.operations.domain.invitations import qa_sample, record_interview, record_review
from worldclass.operations.models import InterviewAttempt, Invitation
from worldclass.operations.queries import interviewer_quality
from worldclass.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db
ANSWERS = {"resolved": "yes", "first_call": "yes", "overall_sat": "5", "csr_sat": "4"}


def make_user(name, role):
    user = User.objects.create_user(username=name, password="x" * 12)
    RoleAssignment.objects.create(user=user, role=role)
    return user


@pytest.fixture
def interviewer():
    return make_user("ines", Role.INTERVIEWER)


@pytest.fixture
def reviewer():
    return make_user("quinn", Role.QA_REVIEWER)


def test_completed_interview_records_its_interviewer(invite, interviewer, unscoped):
    invitation = invite("phone")
    record_interview(
        invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=ANSWERS, now=timezone.now()
    )
    invitation.refresh_from_db()
    response = SurveyResponse.objects.get()
    assert (invitation.interviewer, invitation.status, response.channel, response.csr_sat) == (
        interviewer,
        "completed",
        "phone",
        4,
    )


def test_a_completed_interview_is_audited_once_in_the_interviewers_name(invite, interviewer, unscoped):
    invitation = invite("phone")
    record_interview(
        invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=ANSWERS, now=timezone.now()
    )
    events = AuditEvent.objects.filter(action__in=["surveys.record_response", "operations.survey_completed"])
    assert [(e.action, e.actor, e.user, e.details["invitation"]) for e in events] == [
        ("surveys.record_response", "ines", interviewer, invitation.pk)
    ]


def test_attempts_are_limited(invite, interviewer, settings, unscoped):
    settings.WORLDCLASS_INTERVIEW_MAX_ATTEMPTS = 2
    invitation = invite("phone")
    for _ in range(2):
        record_interview(invitation_id=invitation.pk, interviewer=interviewer, outcome="no_answer", now=timezone.now())
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("unreachable", 2)
    with pytest.raises(AppError):
        record_interview(invitation_id=invitation.pk, interviewer=interviewer, outcome="no_answer", now=timezone.now())


def test_callback_must_be_inside_the_window(invite, interviewer, unscoped):
    invitation = invite("phone")
    with pytest.raises(AppError) as caught:
        record_interview(
            invitation_id=invitation.pk,
            interviewer=interviewer,
            outcome="callback",
            callback_at=invitation.expires_at + dt.timedelta(minutes=1),
            now=timezone.now(),
        )
    assert caught.value.details[0].field == "callback_at"


def test_callback_takes_the_invitation_out_of_the_queue_until_its_time(invite, interviewer, client, unscoped):
    invitation = invite("phone")
    callback_at = timezone.now() + dt.timedelta(hours=2)
    record_interview(
        invitation_id=invitation.pk,
        interviewer=interviewer,
        outcome="callback",
        callback_at=callback_at,
        now=timezone.now(),
    )
    client.force_login(interviewer)
    assert list(client.get("/operations/interviews/").context["queue"]) == []
    invitation.refresh_from_db()
    assert invitation.next_attempt_at == callback_at


def test_refused_and_wrong_number_close_the_invitation(invite, interviewer, unscoped):
    first, second = invite("phone"), invite("phone")
    record_interview(invitation_id=first.pk, interviewer=interviewer, outcome="refused", now=timezone.now())
    record_interview(invitation_id=second.pk, interviewer=interviewer, outcome="wrong_number", now=timezone.now())
    statuses = list(Invitation.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["refused", "wrong_number"]
    assert InterviewAttempt.objects.count() == 2


def test_queue_is_ordered_by_expiry(invite, interviewer, client):
    later = invite("phone", ended_ago=dt.timedelta(minutes=20))
    sooner = invite("phone", ended_ago=dt.timedelta(hours=5))
    client.force_login(interviewer)
    assert [inv.pk for inv in client.get("/operations/interviews/").context["queue"]] == [sooner.pk, later.pk]


def test_script_is_in_the_customers_language(invite, interviewer, client):
    invitation = invite("phone", language="fr")
    client.force_login(interviewer)
    page = client.get(f"/operations/interviews/{invitation.pk}/").content.decode()
    assert "Votre problème a-t-il été résolu ?" in page


def test_interview_form_records_answers(invite, interviewer, client, unscoped):
    invitation = invite("phone")
    client.force_login(interviewer)
    done = client.post(f"/operations/interviews/{invitation.pk}/", {**ANSWERS, "outcome": "completed"})
    assert done.status_code == 302
    assert SurveyResponse.objects.get().channel == "phone"


def test_qa_reviews_a_sample_and_the_console_shows_error_rates(invite, interviewer, reviewer, settings, unscoped):
    settings.WORLDCLASS_QA_SAMPLE_RATE = 0.5
    for _ in range(4):
        invitation = invite("phone")
        record_interview(
            invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=ANSWERS, now=timezone.now()
        )
    due = qa_sample()
    assert len(due) == 2
    record_review(invitation_id=due[0].pk, reviewer=reviewer, errors=2, notes="Led the customer", now=timezone.now())
    record_review(invitation_id=due[1].pk, reviewer=reviewer, errors=0, notes="", now=timezone.now())
    (quality,) = interviewer_quality()
    assert (quality.username, quality.completed, quality.reviewed, quality.error_rate) == ("ines", 4, 2, 0.5)
    assert qa_sample() == []


def test_interviewers_cannot_review_their_own_interviews(invite, interviewer, unscoped):
    RoleAssignment.objects.create(user=interviewer, role=Role.QA_REVIEWER)
    invitation = invite("phone")
    record_interview(
        invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=ANSWERS, now=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        record_review(invitation_id=invitation.pk, reviewer=interviewer, errors=0, notes="", now=timezone.now())


def test_qa_page_lists_error_rates(invite, interviewer, reviewer, unscoped):
    invitation = invite("phone")
    record_interview(
        invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=ANSWERS, now=timezone.now()
    )
    client = Client()
    client.force_login(reviewer)
    page = client.get("/operations/qa/")
    assert [q.username for q in page.context["quality"]] == ["ines"]
