import importlib.machinery
import io
import sys
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate
from worldclass.certification.models import CertificationRun
from worldclass.core.months import Month
from worldclass.demo.domain import demo_hooks, run_demo_hooks
from worldclass.registry.queries import registry_years
from worldclass.surveys.models import ImportBatch, SurveyResponse

pytestmark = pytest.mark.django_db

SMALL = ["--no-serve", "--seed", "1", "--months", "4", "--csrs", "30"]


@pytest.fixture(autouse=True)
def served_url(settings, monkeypatch):
    """The demo points links at its own server; the settings fixture undoes that after each test."""
    monkeypatch.delenv("WORLDCLASS_PUBLIC_URL", raising=False)
    settings.WORLDCLASS_PUBLIC_URL = ""


def run_demo(tmp_path, *extra):
    out = io.StringIO()
    call_command("demo", *SMALL, "--data-dir", str(tmp_path), *extra, stdout=out)
    return out.getvalue()


def test_demo_loads_certifies_and_summarizes(tmp_path, unscoped):
    output = run_demo(tmp_path)
    data_file = next(tmp_path.glob("*.csv"))
    rows = len(data_file.read_text(encoding="utf-8").splitlines()) - 1
    # Other apps' demo hooks may add live-channel surveys of their own; the demo's file is one batch.
    batch = ImportBatch.objects.get(source_name=data_file.name)
    assert (batch.rows_created, SurveyResponse.objects.filter(import_batch=batch).count()) == (rows, rows)
    last_month = Month.of(timezone.localdate()) - 1
    runs = CertificationRun.objects.values_list("edition__year", "program_year")
    assert sorted(runs, key=lambda run: (run[0], run[1] or 0)) == [
        (2008, None),
        (2013, None),
        (2015, None),
        (2015, last_month.year),
    ]
    assert f"2013 World Class Call Certification, through {last_month}" in output
    assert output.count("certified: ") == 3


def test_demo_twice_imports_nothing_new(tmp_path, unscoped):
    run_demo(tmp_path)
    surveys = SurveyResponse.objects.count()
    run_demo(tmp_path)
    assert SurveyResponse.objects.count() == surveys
    assert ImportBatch.objects.first().status == ImportBatch.Status.NO_OP
    # Each demo: three exploratory edition runs and the program year's run.
    assert CertificationRun.objects.count() == 8


def test_demo_data_ends_with_the_month_asked_for(tmp_path, unscoped):
    run_demo(tmp_path, "--end-month", "2024-06")
    assert {f"{month:%Y-%m}" for month in SurveyResponse.objects.values_list("call_month", flat=True)} >= {
        "2024-03",
        "2024-06",
    }
    assert max(CertificationRun.objects.values_list("through_month", flat=True)).isoformat() == "2024-06-01"


def test_demo_on_data_of_another_month_says_to_start_afresh(tmp_path, unscoped):
    run_demo(tmp_path, "--end-month", "2024-06")
    with pytest.raises(CommandError, match="fresh database"):
        run_demo(tmp_path, "--end-month", "2024-07")


def test_every_role_account_has_something_to_do(tmp_path, unscoped):
    from worldclass.accounts.models import User
    from worldclass.awards.queries import applications_for_judge
    from worldclass.operations.domain.invitations import interviewer_queue, qa_sample

    run_demo(tmp_path)
    judge = User.objects.get(username="demo-judge")
    assert applications_for_judge(judge=judge).exists()
    assert interviewer_queue(now=timezone.now()).exists()
    assert qa_sample() != []


def test_demo_hooks_share_one_northwind_and_one_montreal(tmp_path, unscoped):
    from worldclass.directory.models import Organization, Site

    run_demo(tmp_path)
    assert list(Organization.objects.filter(code__icontains="northwind").values_list("code", flat=True)) == [
        "northwind"
    ]
    assert list(Site.objects.filter(organization__code="northwind").values_list("code", flat=True)) == [
        "columbus",
        "montreal",
        "phoenix",
        "toronto",
    ]


def test_demo_certifies_the_editions_asked_for(tmp_path, unscoped):
    run_demo(tmp_path, "--editions", "2014")
    assert list(CertificationRun.objects.filter(program_year=None).values_list("edition__year", flat=True)) == [2014]


def test_unknown_edition_is_refused(tmp_path):
    with pytest.raises(CommandError, match="unknown edition"):
        run_demo(tmp_path, "--editions", "1999")


@pytest.fixture
def fake_hook(monkeypatch):
    calls = []
    module = types.ModuleType("worldclass.awards.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("worldclass.awards.demo", loader=None)

    def populate_demo(*, seed, stdout):
        calls.append(seed)
        stdout.write("awards demo data\n")

    module.populate_demo = populate_demo
    monkeypatch.setitem(sys.modules, "worldclass.awards.demo", module)
    return calls


def test_hooks_are_found_by_module_name(fake_hook):
    assert "awards" in [label for label, _ in demo_hooks()]


def test_hooks_run_with_the_seed(fake_hook, monkeypatch):
    only_awards = [(label, hook) for label, hook in demo_hooks() if label == "awards"]
    monkeypatch.setattr("worldclass.demo.domain.demo_hooks", lambda: only_awards)
    out = io.StringIO()
    ran = run_demo_hooks(seed=42, stdout=out)
    assert ran == ["awards"]
    assert fake_hook == [42]
    assert out.getvalue().endswith("awards demo data\n")


def test_demo_publishes_the_last_program_year(tmp_path, unscoped):
    output = run_demo(tmp_path)
    year = (Month.of(timezone.localdate()) - 1).year
    assert f"Program year {year}: run " in output and "published in the public registry" in output
    assert registry_years()[0].year == year


def test_demo_links_use_the_port_it_serves_on(tmp_path, unscoped):
    output = run_demo(tmp_path, "--port", "8101")
    verify_lines = [line for line in output.splitlines() if "verify one at" in line]
    with scopes_disabled():
        signed = Certificate.objects.order_by("id").first().facts["verify_url"]
    assert (verify_lines[0].split("verify one at ")[1].startswith("http://127.0.0.1:8101/verify/"), signed[:22]) == (
        True,
        "http://127.0.0.1:8101/",
    )


def test_demo_of_a_month_that_has_not_ended_is_refused_before_any_data(tmp_path, unscoped):
    this_month = Month.of(timezone.localdate())
    with pytest.raises(CommandError, match=f"--end-month: {this_month} has not ended"):
        run_demo(tmp_path, "--end-month", str(this_month))
    assert list(tmp_path.iterdir()) == []
