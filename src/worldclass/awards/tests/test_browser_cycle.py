"""One whole awards cycle in Chromium: three organizations, two categories, a move, six judges (one conflicted),
finalists, a late and an on-time story, winners decided and published."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import decisions as decisions_domain
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.models import Application, Cycle, WinnerDecision
from worldclass.awards.tests.factories import (
    applicant_user,
    first_categories,
    open_cycle,
    seat_judges,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login_as(browser, user) -> None:
    """Sign in by copying a Django session into the browser (the project has no login page yet)."""
    client = Client()
    client.force_login(user)
    context = browser.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": browser.base_url,
            }
        ]
    )


def apply(browser, *, category: str, title: str, summary: str) -> int:
    browser.goto("/awards/apply/")
    page = browser.page
    page.select_option("#id_category", label=category)
    page.fill("#id_title", title)
    page.fill("#id_summary", summary)
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/awards/applications/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def set_phase(browser, cycle: Cycle, phase: str) -> None:
    browser.goto(f"/awards/staff/cycles/{cycle.pk}/")
    browser.page.select_option("#phase-form select", phase)
    browser.page.click("#phase-form button")
    browser.page.wait_for_selector(".alert-success")


def test_one_whole_awards_cycle(browser, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    page = browser.page
    with scopes_disabled():
        staff = staff_user()
        cycle = open_cycle(staff=staff)
        omni, website = first_categories(cycle, 2)
        judges = seat_judges(
            cycle=cycle, categories=[omni, website], staff=staff, usernames=[f"judge{n}" for n in range(1, 7)]
        )
        ann, bob, cat = applicant_user("ann"), applicant_user("bob"), applicant_user("cat")

    # Step 1: three organizations apply to two categories; a non-ASCII summary counts as the user sees it.
    login_as(browser, ann)
    browser.goto("/awards/apply/")
    page.fill("#id_summary", "x" * 1001)
    page.fill("#id_title", "Too long")
    page.click("#apply-form button[type=submit]")
    assert "1001 characters long; at most 1000" in page.locator(".alert-danger").inner_text()
    ann_app = apply(browser, category=omni.name, title="Peer coaching", summary="Coaches 👍🏽 " * 80)
    browser.screenshot("applied")
    login_as(browser, bob)
    bob_app = apply(browser, category=omni.name, title="Callback promise", summary="We call back within 1 hour.")
    login_as(browser, cat)
    cat_app = apply(browser, category=website.name, title="Self-service search", summary="Answers before calls.")

    # Step 2: the checklist, yes/no with evidence.
    login_as(browser, ann)
    browser.goto(f"/awards/applications/{ann_app}/")
    for fieldset in page.locator("#checklist-form fieldset").all():
        fieldset.locator("input[value=yes]").check()
        fieldset.locator("textarea").fill("Measured monthly since 2018.")
    page.click("#checklist-form button[name=submit]")
    assert page.locator(".alert").first.inner_text() == "Checklist saved."

    # Staff move Bob's application to a better-fitting category; the original is kept.
    login_as(browser, staff)
    browser.goto(f"/awards/applications/{bob_app}/")
    page.select_option("#move-form select", label=website.name)
    page.fill("#move-form textarea", "A web callback, not omni-channel.")
    page.click("#move-form button")
    assert page.locator("#category").inner_text() == f"{website.name} (moved from {omni.name})"
    browser.screenshot("moved")

    # Screening: judge1 declares a conflict with Ann's organization and can no longer see it.
    set_phase(browser, cycle, "screening")
    login_as(browser, judges[0])
    browser.goto("/awards/judging/")
    page.select_option("#conflict-form select", label="Ann Org")
    page.click("#conflict-form button")
    assert "Peer coaching" not in page.locator("#judge-applications").inner_text()
    # Blind review: the conflicted application is simply not found, as any application the judge may not see.
    response = browser.goto(f"/awards/applications/{ann_app}/")
    assert response.status == 404
    # judge2 scores blind: no organization names, no other scores before their own.
    login_as(browser, judges[1])
    browser.goto(f"/awards/applications/{ann_app}/")
    assert page.locator("#organization").inner_text() == "Hidden during blind review"
    for select in page.locator("#score-form select").all():
        select.select_option("8")
    page.click("#score-form button")
    assert page.locator("#panel-scores tbody tr").count() == 1
    browser.screenshot("judge-scored")
    with scopes_disabled():
        for judge in judges[1:]:
            for pk, base in ((ann_app, 7), (bob_app, 6), (cat_app, 5)):
                application = Application.objects.get(pk=pk)
                values = {c.pk: base + (judge.pk % 3) for c in cycle.criteria.all()}
                panel_domain.submit_scorecard(judge=judge, application=application, values=values)
        for pk in (bob_app, cat_app):
            panel_domain.submit_scorecard(
                judge=judges[0],
                application=Application.objects.get(pk=pk),
                values={c.pk: 6 for c in cycle.criteria.all()},
            )
    browser.goto("/awards/judging/")
    assert "You have scored 3 of 3 applications." in page.locator("#progress").inner_text()

    # Finalist selection: staff choose finalists and notify every applicant.
    login_as(browser, staff)
    set_phase(browser, cycle, "finalist_selection")
    for pk in (ann_app, bob_app):
        browser.goto(f"/awards/applications/{pk}/")
        page.click("#make-finalist")
    browser.goto(f"/awards/staff/cycles/{cycle.pk}/")
    page.click("#notify-applicants")
    assert page.locator(".alert").first.inner_text() == "Every applicant was notified."

    # Step 4: the story deadline has passed; Ann's late story is refused, naming the deadline.
    with scopes_disabled():
        today = timezone.localdate()
        Cycle.objects.filter(pk=cycle.pk).update(
            application_deadline=today - dt.timedelta(days=40),
            checklist_deadline=today - dt.timedelta(days=30),
            interviews_start=today - dt.timedelta(days=30),
            interviews_end=today - dt.timedelta(days=20),
            finalists_deadline=today - dt.timedelta(days=10),
            story_deadline=today - dt.timedelta(days=3),
        )
        story_deadline = today - dt.timedelta(days=3)
    login_as(browser, ann)
    browser.goto(f"/awards/applications/{ann_app}/")
    story = {
        "impact": "Csat up 9 points.",
        "how_it_works": "Peers coach weekly.",
        "results": "FCR +6, Esat +4.",
        "difference": "CSRs own it.",
    }
    for name, text in story.items():
        page.fill(f"#story-form [name={name}]", text)
    page.click("#story-form button")
    assert f"was {story_deadline:%B} {story_deadline.day}, {story_deadline.year} at 23:59 (America/Toronto)" in (
        page.locator(".alert-danger").inner_text()
    )
    browser.screenshot("late-story-refused")
    # Staff grant Ann an individual extension; the story then goes in on time.
    login_as(browser, staff)
    browser.goto(f"/awards/applications/{ann_app}/")
    page.select_option("#extension_step", "story")
    page.fill("#extension_until", (today + dt.timedelta(days=2)).isoformat())
    page.fill("#extension_reason", "Their CX lead was ill.")
    page.locator("form[action$='/extension/'] button").click()
    login_as(browser, ann)
    browser.goto(f"/awards/applications/{ann_app}/")
    for name, text in story.items():
        page.fill(f"#story-form [name={name}]", text)
    page.click("#story-form button")
    assert page.locator(".alert").first.inner_text() == "Nomination story submitted."
    page.locator("form[action$='/consent/'] button").click()
    page.fill("#gala_name", "Ann Admin")
    page.fill("#gala_email", "ann@example.com")
    page.locator("form[action$='/gala/'] button").click()
    assert page.locator(".alert").first.inner_text() == "Gala attendee registered."
    with scopes_disabled():
        bob_application = Application.objects.get(pk=bob_app)
        apps_domain.grant_extension(
            user=staff, application=bob_application, step="story", until=today + dt.timedelta(days=2), reason="Same"
        )
        apps_domain.submit_story(user=bob, application=bob_application, **story)

    # Winner selection: identities revealed; staff decide one winner per category and publish.
    login_as(browser, staff)
    set_phase(browser, cycle, "winner_selection")
    browser.goto(f"/awards/staff/categories/{omni.pk}/?stage=screening")
    assert page.locator("#ranking tbody tr").count() == 1
    browser.screenshot("ranking")
    browser.goto(f"/awards/applications/{ann_app}/")
    page.click("#decide-winner")
    page.wait_for_url(re.compile(r"/awards/staff/categories/\d+/"))
    assert page.locator("#winner").inner_text().startswith("Peer coaching — decided by staff")
    page.click("#publish")
    assert page.locator(".alert").first.inner_text() == "Winner published."
    with scopes_disabled():
        decision = decisions_domain.decide_winner(user=staff, category=website, application=bob_application)
    browser.goto(f"/awards/staff/categories/{website.pk}/")
    page.click("#publish")
    assert "has not recorded consent to publication" in page.locator(".alert-danger").inner_text()
    with scopes_disabled():
        assert WinnerDecision.objects.filter(cycle=cycle).count() == 2
        assert decision.published_at is None

    # Step 5: the public winners page shows the published winner's edited story.
    browser.page.context.clear_cookies()
    browser.goto(f"/awards/{cycle.year}/winners/")
    text = page.locator("main").inner_text()
    assert ("Ann Org" in text, "Peers coach weekly." in text, "Bob Org" in text) == (True, True, False)
    browser.screenshot("winners")
