import datetime as dt

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from worldclass.core.months import Month
from worldclass.core.stats import beta_binomial_pmf
from worldclass.portal.progress import compare_editions, progress_for
from worldclass.portal.queries import Entity
from worldclass.portal.tests.factories import edition, rollups_for

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2015, 1, 1), dt.date(2015, 2, 1), dt.date(2015, 3, 1)


def _rollup(world, month, eligible, fcr):
    rollups_for(obj=world.csr, level="csr", months=[month], eligible=eligible, fcr=fcr)


def test_short_of_the_sample_says_what_the_rest_of_the_month_needs(world):
    # 2015: FCR at least 80% on at least 25 surveys over at least 3 months.
    with scopes_disabled():
        _rollup(world, JAN, 10, 8)
        _rollup(world, FEB, 10, 8)
        _rollup(world, MAR, 4, 3)
        progress = progress_for(entity=Entity("csr", world.csr), edition=edition(2015), through=Month(2015, 3))
    expected_probability = sum(beta_binomial_pmf(k=k, n=6, alpha=20, beta=6) for k in (5, 6))
    assert (
        progress.status.qualifies,
        progress.window_surveys,
        progress.more_surveys_needed,
        progress.expected_more_surveys,
        progress.meeting_needed,
        round(progress.required_rate, 2),
        round(progress.probability, 6),
    ) == (False, 24, 1, 6, 5, 83.33, round(expected_probability, 6))


def test_a_qualifying_entity_is_certified_and_needs_nothing_more(world):
    with scopes_disabled():
        for month in (JAN, FEB, MAR):
            _rollup(world, month, 10, 9)
        progress = progress_for(entity=Entity("csr", world.csr), edition=edition(2015), through=Month(2015, 3))
    assert (
        progress.status.qualifies,
        progress.status.certified_since,
        str(progress.window_first),
        progress.window_surveys,
        progress.meeting_needed,
        progress.probability,
    ) == (True, "2015-03", "2015-01", 30, 0, 1.0)


def test_out_of_reach_gives_no_required_rate_and_zero_probability(world):
    with scopes_disabled():
        _rollup(world, JAN, 10, 0)
        _rollup(world, FEB, 10, 0)
        _rollup(world, MAR, 5, 0)
        progress = progress_for(entity=Entity("csr", world.csr), edition=edition(2015), through=Month(2015, 3))
    assert (progress.meeting_needed, progress.probability) == (None, 0.0)


def test_no_data_means_no_progress(world):
    with scopes_disabled():
        assert progress_for(entity=Entity("csr", world.csr), edition=edition(2015), through=Month(2015, 3)) is None


def test_what_if_evaluates_the_entity_under_every_edition(world):
    with scopes_disabled():
        for month in (JAN, FEB, MAR):
            _rollup(world, month, 10, 9)
        standings = compare_editions(entity=Entity("csr", world.csr), through=Month(2015, 3))
    # Only the 10-minutes-to-24-hours window (2014 and 2015) has these rollups; 2014 counts WCC (80 of 30 > 80%? no).
    assert [(s.edition.year, s.status is not None and s.status.qualifies) for s in standings] == [
        (2008, False),
        (2009, False),
        (2010, False),
        (2011, False),
        (2012, False),
        (2013, False),
        (2014, False),
        (2015, True),
    ]


def test_progress_page_renders_for_the_csr(world):
    with scopes_disabled():
        for month in (JAN, FEB, MAR):
            _rollup(world, month, 10, 9)
    client = Client()
    client.force_login(world.users["csr"])
    response = client.get(f"/dashboard/csr/{world.csr.id}/progress/?edition=2015")
    assert (response.status_code, "Qualifies now" in response.content.decode()) == (200, True)


def test_editions_page_exports_the_comparison(world):
    with scopes_disabled():
        for month in (JAN, FEB, MAR):
            _rollup(world, month, 10, 9)
    client = Client()
    client.force_login(world.users["supervisor"])
    response = client.get(f"/dashboard/csr/{world.csr.id}/editions/?format=csv")
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert (len(lines), lines[-1].split(",")[:6]) == (
        9,
        ["2015", "First Call Resolution", "80.0", "25", "True", "True"],
    )
