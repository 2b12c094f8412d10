"""The sample as imports decide it, and its audit from the revealed key."""

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.core.errors import AppError
from worldclass.core.months import Month
from worldclass.directory.models import Organization
from worldclass.operations.domain.calls import customer_key
from worldclass.operations.domain.sampling import audit_sample, reveal_sample_key
from worldclass.operations.models import Call, Invitation, SampleKey, SampleOutcome
from worldclass.operations.tests.factories import T0, call_row, load_calls, set_plan

pytestmark = pytest.mark.django_db
MARCH = Month(2026, 3)
AFTER_MARCH = dt.datetime(2026, 4, 10, tzinfo=dt.UTC)


def reveal(org_code="acme"):
    organization = Organization.objects.get(code=org_code)
    reveal_sample_key(organization=organization, month=MARCH, actor="test", now=AFTER_MARCH)
    return organization


def month_of_calls(n=200, **overrides):
    return [call_row(started=T0 + dt.timedelta(hours=3 * i), **overrides) for i in range(n)]


def test_key_is_committed_before_use_and_matches_its_commitment(unscoped):
    load_calls([call_row()])
    key = SampleKey.objects.get()
    import hashlib

    assert hashlib.sha256(bytes.fromhex(key.key_hex)).hexdigest() == key.commitment_sha256


def test_key_cannot_be_revealed_before_the_month_closes(unscoped):
    load_calls([call_row()])
    with pytest.raises(AppError) as caught:
        reveal_sample_key(
            organization=Organization.objects.get(code="acme"),
            month=MARCH,
            actor="test",
            now=dt.datetime(2026, 3, 31, tzinfo=dt.UTC),
        )
    assert caught.value.code == "month_not_closed"


def test_calls_of_a_revealed_month_are_refused(unscoped):
    load_calls([call_row()])
    reveal()
    with pytest.raises(AppError) as caught:
        load_calls([call_row()])
    assert caught.value.code == "month_closed"


def test_audit_passes_on_honest_data(unscoped):
    set_plan(expected_calls_per_csr=100, assumed_response_rate=0.5)
    load_calls(month_of_calls(), now=AFTER_MARCH - dt.timedelta(days=20))
    report = audit_sample(organization=reveal(), month=MARCH)
    assert (report.discrepancies, report.calls_checked) == ([], 200)
    assert report.selected == Invitation.objects.count() > 0


def test_audit_catches_an_invitation_the_rule_does_not_explain(unscoped):
    set_plan(expected_calls_per_csr=100, assumed_response_rate=0.5)
    load_calls(month_of_calls(), now=AFTER_MARCH - dt.timedelta(days=20))
    tampered = Call.objects.filter(sample_outcome=SampleOutcome.NOT_DRAWN).first()
    Invitation.objects.create(
        organization=tampered.organization,
        site=tampered.site,
        call=tampered,
        channel="web",
        language="en",
        opens_at=tampered.ended_at,
        expires_at=tampered.window_closes_at,
    )
    report = audit_sample(organization=reveal(), month=MARCH)
    assert report.discrepancies == [
        f"call {tampered.call_id}: invitation {tampered.invitation.pk} is not explained by the rule (not_drawn)"
    ]


def test_audit_catches_a_selected_call_that_was_not_invited(unscoped):
    set_plan(expected_calls_per_csr=100, assumed_response_rate=0.5)
    load_calls(month_of_calls(), now=AFTER_MARCH - dt.timedelta(days=20))
    dropped = Invitation.objects.first()
    call_id = dropped.call.call_id
    dropped.delete()
    report = audit_sample(organization=reveal(), month=MARCH)
    assert report.discrepancies == [f"call {call_id}: selected but not invited"]


def test_audit_catches_a_rewritten_outcome(unscoped):
    set_plan(expected_calls_per_csr=100, assumed_response_rate=0.5)
    load_calls(month_of_calls(), now=AFTER_MARCH - dt.timedelta(days=20))
    call = Call.objects.filter(sample_outcome=SampleOutcome.NOT_DRAWN).first()
    Call.objects.filter(pk=call.pk).update(sample_outcome=SampleOutcome.DO_NOT_SURVEY)
    report = audit_sample(organization=reveal(), month=MARCH)
    assert report.discrepancies == [f"call {call.call_id}: recorded outcome do_not_survey, the rule gives not_drawn"]


def test_audit_command_exits_non_zero_listing_discrepancies(unscoped, capsys):
    set_plan(expected_calls_per_csr=100, assumed_response_rate=0.5)
    load_calls(month_of_calls(50), now=AFTER_MARCH - dt.timedelta(days=20))
    reveal()
    call_command("audit-sample", "--org", "acme", "--month", "2026-03")
    assert "every decision matches the rule" in capsys.readouterr().out
    Invitation.objects.first().delete()
    with pytest.raises(CommandError) as caught:
        call_command("audit-sample", "--org", "acme", "--month", "2026-03")
    assert "1 discrepancy(ies)" in str(caught.value)
    assert "selected but not invited" in capsys.readouterr().err


def test_audit_refuses_an_unrevealed_month(unscoped):
    load_calls([call_row()])
    with pytest.raises(AppError) as caught:
        audit_sample(organization=Organization.objects.get(code="acme"), month=MARCH)
    assert caught.value.code == "key_not_revealed"


def test_audit_with_a_wrong_published_key_reports_the_commitment_mismatch(unscoped):
    load_calls([call_row()])
    report = audit_sample(organization=reveal(), month=MARCH, key_hex="00" * 32)
    assert report.discrepancies[0].startswith("the key does not match the commitment")


def test_exclusions_are_recorded_per_call(unscoped):
    set_plan(expected_calls_per_csr=30, assumed_response_rate=1.0)
    load_calls(
        [
            call_row(do_not_survey="yes"),
            call_row(disposition="abandoned"),
            call_row(customer_phone="", customer_email=""),
        ]
    )
    outcomes = list(Call.objects.order_by("id").values_list("sample_outcome", flat=True))
    assert outcomes == ["do_not_survey", "abandoned", "no_contact"]


def test_fatigue_rule_holds_across_sites(unscoped):
    set_plan("tor", expected_calls_per_csr=30, assumed_response_rate=1.0)
    set_plan("hal", expected_calls_per_csr=30, assumed_response_rate=1.0)
    phone = "+14165550199"
    load_calls(
        [
            call_row(site="tor", customer_phone=phone, started=T0),
            call_row(site="hal", timezone="America/Halifax", customer_phone=phone, started=T0 + dt.timedelta(days=3)),
        ]
    )
    outcomes = list(Call.objects.order_by("started_at").values_list("site__code", "sample_outcome"))
    assert outcomes == [("tor", "selected"), ("hal", "recently_invited")]
    assert Call.objects.filter(phone_key=customer_key(kind="phone", value=phone)).count() == 2


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gaps=st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=5), days=st.integers(1, 40))
def test_no_customer_is_invited_twice_within_the_fatigue_window(unscoped, gaps, days):
    Invitation.objects.all().delete()
    Call.objects.all().delete()
    for code in ("tor", "hal"):
        set_plan(code, expected_calls_per_csr=30, assumed_response_rate=1.0, fatigue_days=days)
    started, rows = T0, []
    for index, gap in enumerate(gaps):
        started += dt.timedelta(days=gap, minutes=1)
        rows.append(
            call_row(
                site=("tor", "hal")[index % 2],
                timezone="America/Toronto",
                customer_phone="+14165550100",
                customer_email="",
                started=started,
            )
        )
    load_calls(rows, now=started + dt.timedelta(days=1))
    invited = sorted(Invitation.objects.values_list("call__ended_at", flat=True))
    assert all(b - a >= dt.timedelta(days=days) for a, b in itertools.pairwise(invited))
