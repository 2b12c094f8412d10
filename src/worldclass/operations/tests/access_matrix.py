"""Who may open each operations route (see accounts/tests/access.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.tests.access import AccessCase, as_superuser, only, public
from worldclass.accounts.tests.world import ROLES
from worldclass.operations.models import Invitation, RecoveryCase
from worldclass.operations.tests.factories import call_row, load_calls, set_plan

SITE_READERS = {"certifier_staff", "org_admin", "site_manager", "other_org_admin"}
WEIGHTS = {
    "web": {"web_weight": 1, "ivr_weight": 0, "interviewer_weight": 0},
    "ivr": {"web_weight": 0, "ivr_weight": 1, "interviewer_weight": 0},
    "phone": {"web_weight": 0, "ivr_weight": 0, "interviewer_weight": 1},
}


def _invitation(world, channel: str) -> Invitation:
    set_plan("tor", expected_calls_per_csr=30, assumed_response_rate=1.0, **WEIGHTS[channel])
    now = timezone.now()
    load_calls([call_row(started=now - dt.timedelta(minutes=40))], now=now - dt.timedelta(minutes=35))
    with scopes_disabled():
        return Invitation.objects.select_related("call", "site").latest("id")


def _web_link(world) -> None:
    from worldclass.operations.domain.invitations import issue_web_link

    world.extra["token"] = issue_web_link(invitation=_invitation(world, "web"))


def _phone(world) -> None:
    world.extra["invitation"] = _invitation(world, "phone").pk


def _ivr(world) -> None:
    world.extra["invitation"] = _invitation(world, "ivr").pk


def _completed_interview(world) -> None:
    from worldclass.operations.domain.invitations import record_interview

    invitation = _invitation(world, "phone")
    answers = {"resolved": "no", "first_call": "yes", "overall_sat": "3", "csr_sat": "3"}
    record_interview(
        invitation_id=invitation.pk,
        interviewer=world.users["interviewer"],
        outcome="completed",
        data=answers,
        now=timezone.now(),
    )
    world.extra["invitation"] = invitation.pk
    with scopes_disabled():
        world.extra["case"] = RecoveryCase.objects.get().pk


# The same batch for every role, so that a repeat is recognized as unchanged.
MATRIX_CALL = call_row(call_id="MATRIX-1", started=dt.datetime(2026, 3, 2, 14, tzinfo=dt.UTC))


def site_scoped(ok: int = 200) -> dict[str, int]:
    """Readers of the site's operations get `ok`; another organization's admin gets 404; others 403."""
    expect = only(SITE_READERS, ok=ok)
    expect["other_org_admin"] = 404
    return expect


def api_only(allowed: set[str], ok: int = 200) -> dict[str, int]:
    allowed = as_superuser(allowed)
    expect = {role: (ok if role in allowed else 403) for role in ROLES}
    expect["anonymous"] = 401
    return expect


CASES = [
    AccessCase("operations:survey", lambda w: "/survey/unknown-token/", public(404), label="unknown"),
    AccessCase("operations:survey", lambda w: f"/survey/{w.extra['token']}/", public(200), setup=_web_link),
    AccessCase("operations:home", lambda w: "/operations/", only(SITE_READERS)),
    AccessCase("operations:site_report", lambda w: f"/operations/sites/{w.site.pk}/", site_scoped()),
    AccessCase("operations:site_export", lambda w: f"/operations/sites/{w.site.pk}/export.csv", site_scoped()),
    AccessCase("operations:site_audit", lambda w: f"/operations/sites/{w.site.pk}/audit/", site_scoped()),
    AccessCase("operations:cases", lambda w: "/operations/cases/", only(SITE_READERS)),
    AccessCase("operations:integrity", lambda w: "/operations/integrity/", only({"certifier_staff"})),
    AccessCase(
        "operations:case_detail",
        lambda w: f"/operations/cases/{w.extra['case']}/",
        site_scoped(),
        setup=_completed_interview,
    ),
    AccessCase("operations:interviewer_queue", lambda w: "/operations/interviews/", only({"interviewer"})),
    AccessCase(
        "operations:interview",
        lambda w: f"/operations/interviews/{w.extra['invitation']}/",
        only({"interviewer"}),
        setup=_phone,
    ),
    AccessCase("operations:qa_list", lambda w: "/operations/qa/", only({"qa_reviewer", "certifier_staff"})),
    AccessCase(
        "operations:qa_review",
        lambda w: f"/operations/qa/{w.extra['invitation']}/",
        only({"qa_reviewer", "certifier_staff"}),
        setup=_completed_interview,
    ),
    AccessCase(
        "operations-calls",
        lambda w: "/api/v1/calls/",
        # The first allowed caller creates the calls (201); the others repeat the batch unchanged (200).
        {**api_only(set()), "certifier_staff": 201, "org_admin": 200, "superuser": 200},
        method="post",
        data=lambda w: {"organization": "acme", "calls": [MATRIX_CALL]},
        content_type="application/json",
    ),
    # Every reader of operations may list cases (another organization's admin: their own, none of Acme's).
    AccessCase("operations-recovery-cases", lambda w: "/api/v1/recovery-cases/", api_only(SITE_READERS)),
    AccessCase("operations-ivr-invitations", lambda w: "/api/v1/ivr/invitations/", api_only({"certifier_staff"})),
    AccessCase(
        "operations-ivr-responses",
        lambda w: "/api/v1/ivr/responses/",
        # The superuser comes after certifier staff and repeats the recorded answer unchanged (200).
        {**api_only({"certifier_staff"}, ok=201), "superuser": 200},
        method="post",
        data=lambda w: {
            "invitation": w.extra["invitation"],
            "keys": {"resolved": "1", "first_call": "1", "overall_sat": 5, "csr_sat": 5},
        },
        content_type="application/json",
        setup=_ivr,
    ),
]
