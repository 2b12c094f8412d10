import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.awards.domain import applications as domain
from worldclass.awards.domain.cycles import retire_category
from worldclass.awards.models import Application, CategoryMove, Phase, Step
from worldclass.awards.tests.factories import applicant_user, at, set_phase, submitted_application
from worldclass.core.errors import AppError, Conflict
from worldclass.directory.models import Organization


@pytest.fixture
def ann(db):
    return applicant_user("ann")


def org_of(user):
    return RoleAssignment.objects.get(user=user, role=Role.ORG_ADMIN).organization


def apply(user, cycle, category, summary="Unique.", **kwargs):
    return domain.create_application(
        user=user,
        cycle=cycle,
        category=category,
        organization=org_of(user),
        title="Practice",
        summary=summary,
        **kwargs,
    )


def test_a_summary_of_1000_characters_is_accepted(ann, cycle, categories):
    application = apply(ann, cycle, categories[0], summary="x" * 1000)
    assert len(application.summary) == 1000


def test_a_summary_of_1001_characters_is_refused_with_its_length(ann, cycle, categories):
    with pytest.raises(AppError) as error:
        apply(ann, cycle, categories[0], summary="x" * 1001)
    assert (error.value.details[0].field, error.value.details[0].message) == (
        "summary",
        "The summary is 1001 characters long; at most 1000 are allowed.",
    )


def test_emoji_with_skin_tone_count_once_toward_the_limit(ann, cycle, categories):
    summary = "\U0001f44d\U0001f3fd" * 1000  # 2,000 code points, 1,000 characters as seen
    assert apply(ann, cycle, categories[0], summary=summary).summary == summary


def test_submission_on_the_last_day_in_the_cycle_time_zone_is_accepted(ann, cycle, categories):
    now = at(cycle, cycle.application_deadline, 23, 59)
    application = apply(ann, cycle, categories[0], submit=True, now=now)
    assert application.status == Application.Status.SUBMITTED


def test_late_submission_is_refused_naming_the_deadline_in_the_cycle_time_zone(ann, cycle, categories):
    now = at(cycle, cycle.application_deadline + dt.timedelta(days=1), 0, 0)
    with pytest.raises(AppError) as error:
        apply(ann, cycle, categories[0], submit=True, now=now)
    day = cycle.application_deadline
    assert error.value.code == "deadline_passed"
    assert error.value.message == (
        f"The deadline for Step 1: application was September 30, {day.year} at 23:59 (America/Toronto); "
        "late work is refused."
    )


def test_deadline_is_midnight_in_the_cycle_time_zone_not_utc(ann, cycle, categories):
    # 03:30 UTC on Oct 1 is still Sep 30 in Toronto.
    now = dt.datetime.combine(cycle.application_deadline + dt.timedelta(days=1), dt.time(3, 30), tzinfo=dt.UTC)
    assert apply(ann, cycle, categories[0], submit=True, now=now).status == Application.Status.SUBMITTED


def test_an_individual_extension_lets_late_work_in_and_is_recorded(ann, cycle, categories, staff):
    application = apply(ann, cycle, categories[0])
    until = cycle.application_deadline + dt.timedelta(days=3)
    extension = domain.grant_extension(
        user=staff, application=application, step=Step.APPLICATION, until=until, reason="Flood"
    )
    domain.submit_application(user=ann, application=application, now=at(cycle, until, 12))
    assert (extension.granted_by, extension.reason, application.status) == (staff, "Flood", "submitted")


def test_an_organization_applies_to_several_categories(ann, cycle, categories):
    apply(ann, cycle, categories[0])
    apply(ann, cycle, categories[1])
    assert Application.objects.filter(organization=org_of(ann)).count() == 2


def test_the_same_category_twice_is_a_conflict(ann, cycle, categories):
    apply(ann, cycle, categories[0])
    with pytest.raises(Conflict):
        apply(ann, cycle, categories[0])


def test_a_retired_category_takes_no_applications(ann, cycle, categories, staff):
    retire_category(user=staff, category=categories[0])
    with pytest.raises(AppError) as error:
        apply(ann, cycle, categories[0])
    assert error.value.details[0].field == "category"


def test_a_reapplication_is_linked_to_the_earlier_application(ann, cycle, categories, staff):
    from worldclass.awards.domain.cycles import create_cycle, example_deadlines

    later = create_cycle(user=staff, year=cycle.year + 1, deadlines=example_deadlines(year=cycle.year + 1))
    earlier = apply(ann, cycle, categories[0])
    again = apply(ann, later, later.categories.first(), previous_application=earlier)
    assert list(earlier.reapplications.all()) == [again]


def test_a_reapplication_cannot_link_to_another_organization(ann, cycle, categories, staff):
    from worldclass.awards.domain.cycles import create_cycle, example_deadlines

    later = create_cycle(user=staff, year=cycle.year + 1, deadlines=example_deadlines(year=cycle.year + 1))
    theirs = apply(applicant_user("bob"), cycle, categories[0])
    with pytest.raises(AppError):
        apply(ann, later, later.categories.first(), previous_application=theirs)


def test_a_non_client_registers_an_organization_account(db):
    user = domain.register_organization(
        organization_name="Prairie Telecom", username="pat", email="pat@prairie.example", password=PASSWORD
    )
    organization = Organization.objects.get(name="Prairie Telecom")
    assert (organization.is_client, RoleAssignment.objects.get(user=user).role) == (False, Role.ORG_ADMIN)


PASSWORD = "a long enough passphrase 42"


def test_a_taken_username_is_refused(db):
    User.objects.create_user(username="pat")
    with pytest.raises(Conflict):
        domain.register_organization(organization_name="X", username="pat", email="p@x.example", password=PASSWORD)


def test_checklist_answers_need_evidence(ann, cycle, categories):
    application = domain.submit_application(user=ann, application=apply(ann, cycle, categories[0]))
    item = categories[0].checklist_items.first()
    with pytest.raises(AppError) as error:
        domain.answer_checklist(user=ann, application=application, answers=[(item.pk, True, " ")])
    assert error.value.details[0].field == f"evidence {item.pk}"


def test_the_checklist_is_submitted_only_when_every_item_is_answered(ann, cycle, categories):
    application = domain.submit_application(user=ann, application=apply(ann, cycle, categories[0]))
    item = categories[0].checklist_items.first()
    with pytest.raises(AppError):
        domain.answer_checklist(user=ann, application=application, answers=[(item.pk, True, "Data")], submit=True)


def test_a_complete_checklist_is_submitted(ann, cycle, categories):
    application = domain.submit_application(user=ann, application=apply(ann, cycle, categories[0]))
    answers = [(item.pk, True, "Our data") for item in categories[0].checklist_items.all()]
    domain.answer_checklist(user=ann, application=application, answers=answers, submit=True)
    assert application.checklist_submitted_at is not None


def test_a_late_checklist_is_refused(ann, cycle, categories):
    application = domain.submit_application(user=ann, application=apply(ann, cycle, categories[0]))
    item = categories[0].checklist_items.first()
    late = at(cycle, cycle.checklist_deadline + dt.timedelta(days=1), 9)
    with pytest.raises(AppError) as error:
        domain.answer_checklist(user=ann, application=application, answers=[(item.pk, True, "x")], now=late)
    assert error.value.code == "deadline_passed"


def test_interviews_are_scheduled_within_the_interview_dates(ann, cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    interview = domain.schedule_interview(
        user=staff, application=application, scheduled_at=at(cycle, cycle.interviews_start, 10), notes="Call Ann"
    )
    assert interview.notes == "Call Ann"


def test_an_interview_outside_the_interview_dates_is_refused(ann, cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    with pytest.raises(AppError) as error:
        domain.schedule_interview(
            user=staff, application=application, scheduled_at=at(cycle, cycle.interviews_end + dt.timedelta(days=1), 10)
        )
    assert error.value.details[0].field == "scheduled_at"


def test_a_move_keeps_the_original_category_reason_and_mover(ann, cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    domain.move_application(user=staff, application=application, to_category=categories[1], reason="Fits IVR")
    move = CategoryMove.objects.get(application=application)
    assert (application.category, application.original_category, move.reason, move.moved_by) == (
        categories[1],
        categories[0],
        "Fits IVR",
        staff,
    )


def test_a_moved_applicant_is_notified_once_the_move_commits(
    ann, cycle, categories, staff, django_capture_on_commit_callbacks
):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    with django_capture_on_commit_callbacks(execute=True):
        domain.move_application(user=staff, application=application, to_category=categories[1], reason="Fits better")
        assert mail.outbox == []
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ann@example.com"], f"Your application moved to {categories[1].name}")
    ]


def test_no_applicant_hears_of_a_move_that_is_rolled_back(
    ann, cycle, categories, staff, django_capture_on_commit_callbacks
):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        domain.move_application(user=staff, application=application, to_category=categories[1], reason="Fits")
        raise RuntimeError("the request fails after the move")
    assert (callbacks, mail.outbox, CategoryMove.objects.count()) == ([], [], 0)


def test_every_applicant_is_notified_of_the_finalists(cycle, categories, staff, django_capture_on_commit_callbacks):
    ann, bob = applicant_user("ann"), applicant_user("bob")
    finalist = submitted_application(cycle=cycle, category=categories[0], user=ann)
    other = submitted_application(cycle=cycle, category=categories[0], user=bob)
    set_phase(cycle, Phase.FINALIST_SELECTION)
    domain.set_finalist(user=staff, application=finalist, finalist=True)
    with django_capture_on_commit_callbacks(execute=True):
        domain.notify_applicants(user=staff, cycle=cycle)
    other.refresh_from_db()
    assert (sorted(m.to[0] for m in mail.outbox), other.status) == (
        ["ann@example.com", "bob@example.com"],
        Application.Status.NOT_SELECTED,
    )


def test_applicants_are_notified_once(cycle, staff):
    set_phase(cycle, Phase.FINALIST_SELECTION)
    domain.notify_applicants(user=staff, cycle=cycle)
    with pytest.raises(Conflict):
        domain.notify_applicants(user=staff, cycle=cycle)


def _finalist(cycle, category, user, staff):
    application = submitted_application(cycle=cycle, category=category, user=user)
    set_phase(cycle, Phase.FINALIST_SELECTION)
    domain.set_finalist(user=staff, application=application, finalist=True)
    domain.notify_applicants(user=staff, cycle=cycle)
    application.refresh_from_db()
    return application


STORY = {"impact": "CX up", "how_it_works": "Coaching", "results": "FCR +6", "difference": "Peers coach"}


def test_a_finalist_submits_the_story_on_time(ann, cycle, categories, staff):
    application = _finalist(cycle, categories[0], ann, staff)
    story = domain.submit_story(user=ann, application=application, now=at(cycle, cycle.story_deadline, 20), **STORY)
    assert story.results == "FCR +6"


def test_a_late_story_is_refused(ann, cycle, categories, staff):
    application = _finalist(cycle, categories[0], ann, staff)
    late = at(cycle, cycle.story_deadline + dt.timedelta(days=1), 0, 1)
    with pytest.raises(AppError) as error:
        domain.submit_story(user=ann, application=application, now=late, **STORY)
    assert error.value.code == "deadline_passed"


def test_the_story_follows_every_section_of_the_template(ann, cycle, categories, staff):
    application = _finalist(cycle, categories[0], ann, staff)
    with pytest.raises(AppError) as error:
        domain.submit_story(user=ann, application=application, **{**STORY, "results": ""})
    assert [d.field for d in error.value.details] == ["results"]


def test_only_finalists_submit_a_story(ann, cycle, categories):
    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    with pytest.raises(Conflict):
        domain.submit_story(user=ann, application=application, **STORY)


def test_a_story_takes_attachments(ann, cycle, categories, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = _finalist(cycle, categories[0], ann, staff)
    domain.submit_story(user=ann, application=application, **STORY)
    attachment = domain.add_attachment(
        user=ann, application=application, title="Charts", file=SimpleUploadedFile("c.txt", b"fcr")
    )
    assert attachment.story.application == application
    attachment.file.delete()


def test_another_organization_cannot_edit_an_application(ann, cycle, categories):
    from worldclass.core.errors import PermissionDenied

    application = submitted_application(cycle=cycle, category=categories[0], user=ann)
    with pytest.raises(PermissionDenied):
        domain.update_application(user=applicant_user("eve"), application=application, title="Mine", summary="x")
