"""Demo data for survey operations: a month of a site's calls, flowing through the sample to answers and a case."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.core.months import Month
from worldclass.demo import DEMO_PASSWORD
from worldclass.demo.queries import demo_organization_name
from worldclass.directory.models import Organization, Site
from worldclass.operations.domain import invitations as channels
from worldclass.operations.domain.calls import import_calls
from worldclass.operations.domain.sampling import commit_sample_key, key_reveal_opens_at, reveal_sample_key
from worldclass.operations.models import Call, Invitation, RecoveryCase, SamplePlan

# The survey demo's own Montréal site and its first team (demo/synthetic.py), so that the two demos show one
# organization, one site and the same people.
ORG_CODE = "northwind"
SITE_CODE = "montreal"
CSRS = [(f"MTL-{n:05d}", "SUP-MTL-001") for n in range(1, 6)]
CALL_TYPES = [("billing", 5), ("technical", 3), ("moving", 1)]
# One entry per unit of weight, for `rng.choice`.
_CALL_TYPE_DRAWS = [name for name, weight in CALL_TYPES for _ in range(weight)]
DAYS = 30
# Phone invitations of the last days are left for demo-interviewer to call (they stay open 24 hours after the call).
UNCALLED_DAYS = 2
# Files of the latest calls imported at most, until one invitation is the interviewer's (a call per CSR each). About
# one call in nine is invited, half of them by phone (the plan's weights below): 20 files, about 11 invitations, left
# the interviewer nothing about once in 2,000 minutes (a CI run met one, 2026-11-28 12:42 UTC); 100 files, about 55
# invitations, practically never. Files are imported only until one is the interviewer's.
LATEST_BATCHES = 100
CALLS_PER_CSR_PER_DAY = 12
RESPONSE_CHANCE = {"web": 0.45, "ivr": 0.35, "phone": 0.6}


def _user(username: str, role: str, organization=None) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization)
    return user


def _call_row(
    *, rng: random.Random, call_id: str, csr: str, supervisor: str, started: dt.datetime, ended: dt.datetime
) -> dict:
    """One call of the site's call log: its customer, language, type and disposition drawn from `rng`."""
    contact = rng.random()
    customer = rng.randint(0, 4000)
    return {
        "call_id": call_id,
        "org": ORG_CODE,
        "site": SITE_CODE,
        "country": "CA",
        "timezone": "America/Toronto",
        "supervisor": supervisor,
        "csr": csr,
        "customer_phone": f"+1514555{customer:04d}" if contact < 0.85 else "",
        "customer_email": f"client{customer}@example.net" if contact > 0.3 else "",
        "language": "fr" if rng.random() < 0.6 else "en",
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat(),
        "queue": "general",
        "call_type": rng.choice(_CALL_TYPE_DRAWS),
        "disposition": "abandoned" if rng.random() < 0.05 else "answered",
        "do_not_survey": "yes" if rng.random() < 0.03 else "no",
    }


def _numbered(rows: list[dict]) -> list[tuple[int, dict]]:
    """Rows with their line in a call file (the header is line 1)."""
    return [(index + 2, row) for index, row in enumerate(rows)]


def _day_rows(*, rng: random.Random, day: dt.date, until: dt.datetime, zone, seed: int) -> list[tuple[int, dict]]:
    rows = []
    for csr, supervisor in CSRS:
        for n in range(CALLS_PER_CSR_PER_DAY):
            started = dt.datetime.combine(day, dt.time(8), tzinfo=zone) + dt.timedelta(minutes=rng.randint(0, 600))
            ended = started + dt.timedelta(minutes=rng.randint(2, 15))
            if ended > until:
                continue
            call_id = f"NW{seed}-{day:%Y%m%d}-{csr}-{n:03d}"
            rows.append(
                _call_row(rng=rng, call_id=call_id, csr=csr, supervisor=supervisor, started=started, ended=ended)
            )
    return _numbered(rows)


def _latest_rows(*, rng: random.Random, now: dt.datetime, batch: int, seed: int) -> list[tuple[int, dict]]:
    """A call per CSR that ended in the last two hours, at least 20 minutes ago (its invitation is open by now)."""
    rows = []
    for csr, supervisor in CSRS:
        started = now - dt.timedelta(minutes=rng.randint(35, 120))
        ended = started + dt.timedelta(minutes=rng.randint(2, 15))
        call_id = f"NW{seed}-{now:%Y%m%d%H%M}-latest{batch:02d}-{csr}"
        rows.append(_call_row(rng=rng, call_id=call_id, csr=csr, supervisor=supervisor, started=started, ended=ended))
    return _numbered(rows)


def _answers(rng: random.Random) -> dict:
    happy = rng.random() < 0.8
    return {
        "resolved": "yes" if happy or rng.random() < 0.3 else "no",
        "first_call": "yes" if rng.random() < 0.85 else "no",
        "overall_sat": str(rng.choice([4, 5, 5, 5]) if happy else rng.choice([1, 2, 3])),
        "csr_sat": str(rng.choice([4, 5, 5, 5]) if happy else rng.choice([1, 2, 3, 4])),
        "comment": "",
    }


def _complete(
    *, rng: random.Random, invitation: Invitation, after: dt.datetime, until: dt.datetime, interviewer
) -> None:
    """Simulate the customer answering (or not) between the day's import and the next one, on its channel.

    Answers come after the import that decided the call, as they do live, so that the quota rule replays.
    """
    if rng.random() >= RESPONSE_CHANCE[invitation.channel]:
        return
    at = max(invitation.opens_at, after) + dt.timedelta(minutes=rng.randint(1, 240))
    if at >= min(until, invitation.expires_at):
        return
    answers = _answers(rng)
    if invitation.channel == "web":
        token = channels.issue_web_link(invitation=invitation)
        channels.submit_web_answers(token=token, data=answers, now=at)
    elif invitation.channel == "ivr":
        keys = {
            "resolved": "1" if answers["resolved"] == "yes" else "2",
            "first_call": "1" if answers["first_call"] == "yes" else "2",
            "overall_sat": answers["overall_sat"],
            "csr_sat": answers["csr_sat"],
        }
        channels.record_ivr_answers(invitation_id=invitation.pk, keys=keys, now=at, actor="demo ivr")
    else:
        channels.record_interview(
            invitation_id=invitation.pk, interviewer=interviewer, outcome="completed", data=answers, now=at
        )


def _open_web_invitation(*, organization: Organization, now: dt.datetime) -> Invitation | None:
    """A web invitation a customer can still open for half an hour: the one whose link the demo prints."""
    return (
        Invitation.objects.filter(
            organization=organization,
            channel="web",
            status=Invitation.Status.OPEN,
            opens_at__lte=now,
            expires_at__gt=now + dt.timedelta(minutes=30),
        )
        .order_by("-expires_at")
        .first()
    )


def populate_demo(*, seed: int, stdout) -> None:
    """A month of calls at Northwind's Montréal site through the sample to web, IVR and interviewer answers.

    Idempotent: a second run finds the calls and only prints the accounts and a fresh link to an open invitation.
    """
    rng = random.Random(seed)
    now = timezone.now()
    with scopes_disabled():
        organization, _ = Organization.objects.get_or_create(
            code=ORG_CODE, defaults={"name": demo_organization_name(code=ORG_CODE)}
        )
        site, _ = Site.objects.get_or_create(
            organization=organization,
            code=SITE_CODE,
            defaults={"name": "Montréal", "country": "CA", "timezone": "America/Toronto"},
        )
        if not site.timezone:  # the survey file names no time zones; the call files need the site's
            site.timezone = "America/Toronto"
            site.save(update_fields=["timezone"])
        SamplePlan.objects.get_or_create(
            site=site,
            # More interviews than the default mix, so that demo-interviewer has calls to make on any day.
            defaults={
                "organization": organization,
                "expected_calls_per_csr": 360,
                "assumed_response_rate": 0.45,
                "interviewer_weight": 3,
            },
        )
        interviewer = _user("demo-interviewer", Role.INTERVIEWER)
        reviewer = _user("demo-qa", Role.QA_REVIEWER)
        manager = _user("northwind-manager", Role.SITE_MANAGER, organization)
        manager.role_assignments.get(role=Role.SITE_MANAGER).sites.set([site])
        zone = ZoneInfo(site.timezone)
        if not Call.objects.filter(organization=organization).exists():
            first_day = (now - dt.timedelta(days=DAYS)).astimezone(zone).date()
            for month_index in range(Month.of(first_day).index, Month.of(now.date()).index + 1):
                month = Month.from_index(month_index)
                committed = dt.datetime.combine(month.first_day(), dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
                commit_sample_key(
                    organization=organization,
                    month=month,
                    actor="demo",
                    now=committed,
                    # The demo is reproducible for a seed; a real key is drawn from the operating system.
                    key_bytes=hashlib.sha256(f"demo-sample-key:{seed}:{month}".encode()).digest(),
                )
            for offset in range(DAYS + 1):
                day = first_day + dt.timedelta(days=offset)
                import_at = min(now, dt.datetime.combine(day, dt.time(23, 59), tzinfo=zone))
                next_import = min(now, import_at + dt.timedelta(days=1))
                rows = _day_rows(rng=rng, day=day, until=import_at, zone=zone, seed=seed)
                if not rows:
                    continue
                with transaction.atomic():
                    report = import_calls(
                        organization=organization,
                        raw_rows=rows,
                        source_name=f"northwind-calls-{day}.csv",
                        sha256=f"{seed:016x}{day:%Y%m%d}".ljust(64, "0"),
                        actor="demo",
                        now=import_at,
                    )
                    if report.call_import is None:
                        continue
                    for invitation in Invitation.objects.filter(call__call_import=report.call_import).select_related(
                        "call", "site"
                    ):
                        if invitation.channel == "phone" and offset >= DAYS - UNCALLED_DAYS:
                            continue  # the interviewer's calls still to make when they first log in
                        _complete(
                            rng=rng, invitation=invitation, after=import_at, until=next_import, interviewer=interviewer
                        )
            # The sample decides which calls are surveyed and by which channel, so on some runs (a Monday, after a
            # weekend without calls) none of the last day's phone or web invitations is still open. Calls keep
            # coming in: the latest are imported, a file at a time as a contact center sends them, until the
            # interviewer has one to make and a customer has a web survey to open.
            for batch in range(LATEST_BATCHES):
                if (
                    channels.interviewer_queue(now=now).filter(site=site).exists()
                    and _open_web_invitation(organization=organization, now=now) is not None
                ):
                    break
                import_calls(
                    organization=organization,
                    raw_rows=_latest_rows(rng=rng, now=now, batch=batch, seed=seed),
                    source_name=f"northwind-calls-latest-{batch:02d}.csv",
                    sha256=f"{seed:016x}{now:%Y%m%d%H%M}{batch:02d}".ljust(64, "0"),
                    actor="demo",
                    now=now,
                )
            for month_index in range(Month.of(first_day).index, Month.of(now.date()).index + 1):
                month = Month.from_index(month_index)
                if now >= key_reveal_opens_at(month):
                    reveal_sample_key(organization=organization, month=month, actor="demo", now=now)
            for invitation in channels.qa_sample()[:3]:
                channels.record_review(
                    invitation_id=invitation.pk,
                    reviewer=reviewer,
                    errors=rng.choice([0, 0, 1]),
                    notes="Demo review",
                    now=now,
                )
        open_web = _open_web_invitation(organization=organization, now=now)
        cases = RecoveryCase.objects.filter(organization=organization).count()
        calls = Call.objects.filter(organization=organization).count()
        invited = Invitation.objects.filter(organization=organization).count()
        completed = Invitation.objects.filter(organization=organization, status="completed").count()
    stdout.write(
        f"Operations demo: {calls} calls at {organization.name} / {site.name}, {invited} invited, "
        f"{completed} answered, {cases} follow-up case(s).\n"
    )
    stdout.write(f"  interviewer: demo-interviewer / {DEMO_PASSWORD}  (/operations/interviews/)\n")
    stdout.write(f"  QA reviewer: demo-qa / {DEMO_PASSWORD}  (/operations/qa/)\n")
    stdout.write(f"  site manager: northwind-manager / {DEMO_PASSWORD}  (/operations/, /operations/cases/)\n")
    if open_web is not None:
        with scopes_disabled():
            token = channels.issue_web_link(invitation=open_web)
        stdout.write(f"  open web survey ({open_web.language}): {channels.survey_url(token)}\n")
    stdout.write(f"  verify the sample: worldclass audit-sample --org {ORG_CODE} --month {Month.of(now.date()) - 1}\n")
