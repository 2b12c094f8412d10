"""Deadlines read naturally in French: day before month, the time in French style."""

import datetime as dt

from django.utils import translation

from worldclass.awards.domain.deadlines import describe_deadline
from worldclass.awards.models import Cycle


def test_a_deadline_in_french_puts_the_day_first():
    cycle = Cycle(year=2027, name="x", time_zone="America/Toronto")
    with translation.override("fr"):
        assert (
            describe_deadline(cycle=cycle, day=dt.date(2027, 10, 18)) == "18 octobre 2027 à 23 h 59 (America/Toronto)"
        )


def test_a_deadline_in_english_is_written_out():
    cycle = Cycle(year=2027, name="x", time_zone="America/Toronto")
    with translation.override("en"):
        assert (
            describe_deadline(cycle=cycle, day=dt.date(2027, 10, 18)) == "October 18, 2027 at 23:59 (America/Toronto)"
        )
