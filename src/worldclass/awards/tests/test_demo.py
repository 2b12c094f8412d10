import io

from worldclass.awards.demo import DEMO_PASSWORD, populate_demo
from worldclass.awards.models import Cycle, Phase, WinnerDecision


def test_the_demo_has_a_finished_cycle_with_published_winners_and_an_open_cycle(db):
    populate_demo(seed=1, stdout=io.StringIO())
    past = Cycle.objects.get(year=2019)
    current = Cycle.objects.exclude(year=2019).get()
    assert (past.phase, WinnerDecision.objects.filter(cycle=past, published_at__isnull=False).count()) == (
        Phase.CLOSED,
        3,
    )
    assert (current.phase, current.panel.count()) == (Phase.APPLICATIONS, 6)


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
