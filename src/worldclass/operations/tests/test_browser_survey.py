"""A customer opens a web invitation link in chromium, answers in French, and the response is counted."""

import pytest
from django.conf import settings
from django.test import Client

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.operations.domain.invitations import issue_web_link
from worldclass.surveys.models import SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_answers_in_french_and_the_response_is_counted(browser, invite, unscoped):
    invitation = invite("web", language="fr", csr="C1")
    token = issue_web_link(invitation=invitation)
    page = browser.page

    browser.goto(f"/survey/{token}/")
    assert page.locator("h1").inner_text() == "Parlez-nous de votre appel à tor"
    browser.screenshot("survey-fr")
    page.get_by_role("group", name="Votre problème a-t-il été résolu ?").get_by_text("Oui").click()
    page.get_by_role("group", name="Était-ce votre premier appel à ce sujet ?").get_by_text("Oui").click()
    page.get_by_role("group", name="Dans l\u2019ensemble").get_by_text("5", exact=True).click()
    page.get_by_role("group", name="Êtes-vous satisfait du représentant").get_by_text("4", exact=True).click()
    page.get_by_label("Autre chose à nous dire ? (facultatif)").fill("Service rapide, merci")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.locator("h1").inner_text() == "Merci !"
    browser.screenshot("thanks-fr")

    response = SurveyResponse.objects.get()
    assert (response.channel, response.overall_sat, response.csr_sat, response.comment) == (
        "web",
        5,
        4,
        "Service rapide, merci",
    )

    # The link is single-use: opening it again says so, in French.
    browser.goto(f"/survey/{token}/")
    assert page.locator("h1").inner_text() == "Ce sondage a déjà été rempli"

    # The site manager's report counts the answer.
    manager = User.objects.create_user(username="manager", password="x" * 12)
    RoleAssignment.objects.create(user=manager, role=Role.SITE_MANAGER, organization=invitation.organization)
    manager.role_assignments.get().sites.set([invitation.site])
    client = Client()
    client.force_login(manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": browser.base_url,
            }
        ]
    )
    browser.goto(f"/operations/sites/{invitation.site.pk}/?month={invitation.call.sample_month:%Y-%m}")
    row = page.get_by_role("row", name="C1")
    assert row.get_by_role("cell").nth(3).inner_text() == "1"
    browser.screenshot("report-counted")


def _tab_to(page, selector: str, *, limit: int = 30) -> None:
    """Press Tab until the element matching `selector` has the focus (fails if it is not reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_a_customer_answers_with_the_keyboard_alone_on_a_320_px_screen(browser, invite, unscoped):
    invitation = invite("web", language="en", csr="C1")
    token = issue_web_link(invitation=invitation)
    page = browser.page
    page.set_viewport_size({"width": 320, "height": 720})
    browser.goto(f"/survey/{token}/")
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    _tab_to(page, "input[name=resolved]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=first_call]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=overall_sat]")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    _tab_to(page, "input[name=csr_sat]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _tab_to(page, "textarea[name=comment]")
    page.keyboard.type("Quick and kind")
    browser.screenshot("survey-keyboard-320")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browser.screenshot("survey-keyboard-sent")

    response = SurveyResponse.objects.get()
    assert (width, page.locator("h1").inner_text(), response.overall_sat, response.csr_sat, response.comment) == (
        0,
        "Thank you!",
        5,
        3,
        "Quick and kind",
    )
