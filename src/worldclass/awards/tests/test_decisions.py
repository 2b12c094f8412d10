import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import decisions
from worldclass.awards.models import Application, Phase, WinnerDecision
from worldclass.awards.queries import published_winners
from worldclass.awards.tests.factories import applicant_user, set_phase, submitted_application
from worldclass.core.errors import Conflict

STORY = {"impact": "CX up", "how_it_works": "Coaching", "results": "FCR +6", "difference": "Peers coach"}


@pytest.fixture
def finalists(cycle, categories, staff):
    users = [applicant_user("ann"), applicant_user("bob")]
    apps = [submitted_application(cycle=cycle, category=categories[0], user=u, title=u.username) for u in users]
    set_phase(cycle, Phase.FINALIST_SELECTION)
    for application in apps:
        apps_domain.set_finalist(user=staff, application=application, finalist=True)
    apps_domain.notify_applicants(user=staff, cycle=cycle)
    for application, user in zip(apps, users, strict=True):
        application.refresh_from_db()
        apps_domain.submit_story(user=user, application=application, **STORY)
    set_phase(cycle, Phase.WINNER_SELECTION)
    return apps, users


def test_the_decision_records_who_decided(finalists, categories, staff):
    decision = decisions.decide_winner(user=staff, category=categories[0], application=finalists[0][0])
    assert (decision.decided_by, decision.application) == (staff, finalists[0][0])


def test_a_second_winner_in_the_category_is_refused(finalists, categories, staff):
    decisions.decide_winner(user=staff, category=categories[0], application=finalists[0][0])
    with pytest.raises(Conflict) as error:
        decisions.decide_winner(user=staff, category=categories[0], application=finalists[0][1])
    assert error.value.code == "winner_already_decided"


def test_the_database_allows_one_winner_per_category(finalists, categories, staff, cycle):
    WinnerDecision.objects.create(cycle=cycle, category=categories[0], application=finalists[0][0], decided_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        WinnerDecision.objects.create(
            cycle=cycle, category=categories[0], application=finalists[0][1], decided_by=staff
        )


def test_only_a_finalist_wins(cycle, categories, staff):
    application = submitted_application(cycle=cycle, category=categories[0], user=applicant_user("cy"))
    set_phase(cycle, Phase.WINNER_SELECTION)
    with pytest.raises(Conflict):
        decisions.decide_winner(user=staff, category=categories[0], application=application)


def test_publishing_needs_consent_and_a_gala_attendee(finalists, categories, staff):
    decision = decisions.decide_winner(user=staff, category=categories[0], application=finalists[0][0])
    with pytest.raises(Conflict) as error:
        decisions.publish_winner(user=staff, decision=decision)
    assert [d.field for d in error.value.details] == ["consent", "gala_attendees"]


def test_publishing_without_an_attendee_is_refused(finalists, categories, staff):
    (application, _), (ann, _) = finalists
    apps_domain.record_publication_consent(user=ann, application=application)
    decision = decisions.decide_winner(user=staff, category=categories[0], application=application)
    with pytest.raises(Conflict) as error:
        decisions.publish_winner(user=staff, decision=decision)
    assert [d.field for d in error.value.details] == ["gala_attendees"]


def test_a_winner_with_consent_and_an_attendee_is_published_with_the_edited_story(finalists, categories, staff, cycle):
    (application, _), (ann, _) = finalists
    apps_domain.record_publication_consent(user=ann, application=application)
    apps_domain.register_gala_attendee(user=ann, application=application, name="Ann", email="ann@example.com")
    decision = decisions.decide_winner(user=staff, category=categories[0], application=application)
    decisions.edit_published_story(user=staff, decision=decision, text="Edited for the web.")
    decisions.publish_winner(user=staff, decision=decision)
    [published] = published_winners(cycle=cycle)
    assert (published.application.story.edited_story, published.published_at is not None) == (
        "Edited for the web.",
        True,
    )


def test_unpublished_winners_are_not_on_the_public_page(finalists, categories, staff, cycle):
    decisions.decide_winner(user=staff, category=categories[0], application=finalists[0][0])
    assert published_winners(cycle=cycle) == []


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_produce_one_winner(unscoped):
    from worldclass.awards.tests.factories import first_categories, open_cycle, staff_user

    staff = staff_user()
    other_staff = staff_user("staff2")
    cycle = open_cycle(staff=staff)
    category = first_categories(cycle, 1)[0]
    apps = [
        submitted_application(cycle=cycle, category=category, user=applicant_user(name), title=name)
        for name in ("ann", "bob")
    ]
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(status=Application.Status.FINALIST)
    set_phase(cycle, Phase.WINNER_SELECTION)
    for application in apps:
        application.refresh_from_db()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, application):
        from django_scopes import scopes_disabled

        barrier.wait(timeout=10)
        try:
            for _attempt in range(50):
                try:
                    with scopes_disabled():
                        decisions.decide_winner(user=user, category=category, application=application)
                    outcomes.append("won")
                    return
                except Conflict as error:
                    outcomes.append(error.code)
                    return
                except OperationalError:
                    # SQLite's shared-cache test database answers "table is locked" instead of waiting as a
                    # file database does (timeout=30); the caller simply tries again. PostgreSQL blocks on the lock.
                    time.sleep(0.05)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(staff, apps[0])),
        threading.Thread(target=decide, args=(other_staff, apps[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert (sorted(outcomes), WinnerDecision.objects.filter(category=category).count()) == (
        ["winner_already_decided", "won"],
        1,
    )
