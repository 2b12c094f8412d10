import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from worldclass.core.errors import AppError, Conflict
from worldclass.directory.models import Person, Site
from worldclass.operations.domain.calls import COLUMNS, customer_key, purge_contacts
from worldclass.operations.models import Call, Invitation
from worldclass.operations.tests.factories import T0, call_row, load_calls, set_plan

pytestmark = pytest.mark.django_db


def write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_import_creates_calls_and_roster(unscoped):
    report = load_calls([call_row(csr="C7", supervisor="S3")])
    assert (report.rows_created, report.rows_unchanged) == (1, 0)
    csr = Person.objects.get(code="C7")
    assert (csr.site.code, csr.supervisor.code, csr.is_csr) == ("tor", "S3", True)
    assert Site.objects.get(code="tor").timezone == "America/Toronto"


def test_reimport_is_idempotent(unscoped):
    rows = [call_row(), call_row()]
    load_calls(rows)
    report = load_calls(rows)
    assert (report.rows_created, report.rows_unchanged, Call.objects.count()) == (0, 2, 2)


def test_conflicting_reimport_is_refused(unscoped):
    row = call_row()
    load_calls([row])
    with pytest.raises(Conflict) as caught:
        load_calls([{**row, "call_type": "claims"}])
    assert [d.line for d in caught.value.details] == [2]


def test_invalid_rows_are_all_reported_by_line_and_nothing_is_written(unscoped):
    rows = [call_row(), call_row(language="de"), call_row(started_at="yesterday", disposition="lost")]
    with pytest.raises(AppError) as caught:
        load_calls(rows)
    found = [(d.line, d.field) for d in caught.value.details]
    assert found == [(3, "language"), (4, "started_at"), (4, "disposition")]
    assert Call.objects.count() == 0


def test_timestamps_without_offset_are_refused(unscoped):
    with pytest.raises(AppError) as caught:
        load_calls([call_row(started_at="2026-03-02T10:00:00")])
    assert [(d.line, d.field) for d in caught.value.details] == [(2, "started_at")]


def test_customer_identity_is_a_keyed_hash(unscoped):
    load_calls([call_row(customer_phone="+1 (416) 555-0101", customer_email="Pat@Example.com")])
    call = Call.objects.get()
    assert call.phone_key == customer_key(kind="phone", value="+14165550101")
    assert call.email_key == customer_key(kind="email", value="pat@example.com")
    assert "4165550101" not in call.phone_key


def test_contacts_are_kept_until_window_closes_plus_grace(unscoped, settings):
    settings.WORLDCLASS_CONTACT_GRACE_DAYS = 7
    load_calls([call_row(started=T0)])
    call = Call.objects.get()
    # The 2015 edition's window: 24 hours after the call.
    assert call.contact_purge_after == T0 + dt.timedelta(minutes=5, hours=24, days=7)


def test_purge_deletes_contact_details_after_grace_and_keeps_the_keys(unscoped):
    load_calls([call_row(started=T0), call_row(started=T0 + dt.timedelta(days=20))])
    purged = purge_contacts(now=T0 + dt.timedelta(days=9), actor="test")
    first, second = Call.objects.order_by("started_at")
    assert purged == 1
    assert (first.customer_phone, first.customer_email, bool(first.phone_key)) == ("", "", True)
    assert second.customer_phone != ""


def test_purge_command_prints_count(unscoped, capsys):
    load_calls([call_row(started=T0 - dt.timedelta(days=400))], now=T0 - dt.timedelta(days=399))
    call_command("purge-contacts")
    assert capsys.readouterr().out.strip() == "Contact details deleted for 1 call(s)."
    assert Call.objects.get().customer_email == ""


def test_import_calls_command_reads_csv(unscoped, tmp_path, capsys):
    path = write_csv(tmp_path / "calls.csv", [call_row(), call_row()])
    call_command("import-calls", str(path))
    assert "2 row(s), 2 new" in capsys.readouterr().out
    assert Call.objects.count() == 2


def test_import_calls_command_fails_with_line_numbers(unscoped, tmp_path):
    path = write_csv(tmp_path / "calls.csv", [call_row(), call_row(customer_email="not-an-email")])
    with pytest.raises(CommandError) as caught:
        call_command("import-calls", str(path))
    assert "line 3, customer_email: is not an e-mail address" in str(caught.value)


def test_file_naming_two_organizations_is_refused(unscoped, tmp_path):
    path = write_csv(tmp_path / "calls.csv", [call_row(), call_row(org="globex")])
    with pytest.raises(CommandError):
        call_command("import-calls", str(path))
    assert Call.objects.count() == 0


def test_selected_call_gets_an_invitation_opening_ten_minutes_after_the_call(unscoped):
    set_plan(target_per_csr=30, expected_calls_per_csr=30, assumed_response_rate=1.0)
    load_calls([call_row(started=T0)])
    invitation = Invitation.objects.get()
    assert invitation.opens_at == T0 + dt.timedelta(minutes=15)
    assert invitation.expires_at == T0 + dt.timedelta(minutes=5, hours=24)


def test_a_refused_file_leaves_no_new_organization_behind(unscoped, tmp_path):
    from worldclass.directory.models import Organization

    path = write_csv(tmp_path / "calls.csv", [call_row(org="initech", language="xx")])
    with pytest.raises(CommandError):
        call_command("import-calls", str(path))
    assert not Organization.objects.filter(code="initech").exists()
