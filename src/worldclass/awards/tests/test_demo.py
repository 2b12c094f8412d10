import datetime as dt
import io

from worldclass.accounts.models import User
from worldclass.awards.demo import DEMO_PASSWORD, current_award_year, populate_demo
from worldclass.awards.models import Cycle, Phase, WinnerDecision
from worldclass.awards.queries import applications_for_judge


def test_the_demo_has_a_finished_cycle_with_published_winners_and_a_cycle_in_screening(db):
    populate_demo(seed=1, stdout=io.StringIO())
    past = Cycle.objects.get(year=2019)
    current = Cycle.objects.exclude(year=2019).get()
    assert (past.phase, WinnerDecision.objects.filter(cycle=past, published_at__isnull=False).count()) == (
        Phase.CLOSED,
        3,
    )
    assert (current.phase, current.panel.count()) == (Phase.SCREENING, 7)


def test_the_demo_judge_has_applications_to_score(db):
    populate_demo(seed=1, stdout=io.StringIO())
    judge = User.objects.get(username="demo-judge")
    assert applications_for_judge(judge=judge, cycle=Cycle.objects.exclude(year=2019).get()).count() == 4


def test_the_current_award_year_is_the_one_whose_applications_closed_last():
    assert (current_award_year(today=dt.date(2026, 11, 26)), current_award_year(today=dt.date(2026, 3, 1))) == (
        2026,
        2025,
    )


def test_the_demo_is_idempotent(db):
    populate_demo(seed=1, stdout=io.StringIO())
    populate_demo(seed=1, stdout=io.StringIO())
    assert Cycle.objects.count() == 2


def test_the_demo_prints_its_accounts(db):
    out = io.StringIO()
    populate_demo(seed=1, stdout=out)
    assert DEMO_PASSWORD in out.getvalue() and "awards-judge6" in out.getvalue()


def test_the_demo_cycle_has_the_seed_dates(db):
    populate_demo(seed=1, stdout=io.StringIO())
    past = Cycle.objects.get(year=2019)
    assert (str(past.application_deadline), str(past.winners_deadline)) == ("2019-09-30", "2020-02-15")
