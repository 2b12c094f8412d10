"""Leaderboards rank and page in the database: a board of thousands reads only the page it shows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.certification.models import Edition
from worldclass.core import exports
from worldclass.core.stats import wilson_interval, wilson_lower_bound_sql
from worldclass.directory.models import Person
from worldclass.portal.queries import Period, ranked_members, resolve_entity
from worldclass.portal.tests.factories import rollups_for

pytestmark = pytest.mark.django_db
MAR = dt.date(2015, 3, 1)
BOARD = "/dashboard/site/{site}/leaderboard/?of=csr&edition=2015&through=2015-03"


def client_for(world) -> Client:
    client = Client()
    client.force_login(world.users["site_manager"])
    return client


def add_csrs(world, count: int, *, first: int = 0) -> None:
    with scopes_disabled():
        for n in range(first, first + count):
            person = Person.objects.create(
                organization=world.org, code=f"R{n:03d}", site=world.site, supervisor=world.supervisor, is_csr=True
            )
            # Distinct counts (whichever metric the 2015 edition ranks by): each CSR has its own lower bound.
            rollups_for(obj=person, level="csr", months=[MAR], eligible=20 + n, world_class=10 + n, fcr=10 + n)


def board(client: Client, world, page: int = 1):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(BOARD.format(site=world.site.id) + f"&page={page}")
    assert response.status_code == 200
    return response, captured


def test_the_second_page_continues_the_ranks(world):
    add_csrs(world, 60)
    response, _ = board(client_for(world), world, page=2)
    standings = list(response.context["page"])
    by_bound = sorted(range(60), key=lambda n: -wilson_interval(10 + n, 20 + n)[0])
    # Ranks 51..60 in the order of the Python rule, then the world's own CSRs without surveys, unranked.
    assert [(s.rank, s.obj.code) for s in standings[:10]] == [
        (51 + i, f"R{n:03d}") for i, n in enumerate(by_bound[50:])
    ]
    assert [s.rank for s in standings[10:]] == [None] * (len(standings) - 10)


def test_a_page_reads_only_the_members_it_shows(world):
    add_csrs(world, 60)
    _, captured = board(client_for(world), world)
    ranked = [q["sql"] for q in captured.captured_queries if "rank_position" in q["sql"] and "LIMIT" in q["sql"]]
    assert [sql.split("LIMIT")[1].split()[0] for sql in ranked] == ["50"]


def test_the_rank_order_reads_each_members_rollups_once_per_measure(world):
    add_csrs(world, 3)
    _, captured = board(client_for(world), world)
    [ranked] = [q["sql"] for q in captured.captured_queries if "rank_position" in q["sql"] and "LIMIT" in q["sql"]]
    # The lower bound and the sample size, in the window only: the rows are ordered by the rank it gives (one sort
    # key), not by the measures again.
    assert ranked.count('FROM "certification_monthlyrollup"') == 2


def test_a_board_of_many_takes_as_many_queries_as_a_board_of_few(world):
    client = client_for(world)
    add_csrs(world, 3)
    _, few = board(client, world)
    add_csrs(world, 120, first=3)
    _, many = board(client, world)
    assert len(many) == len(few)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_the_database_lower_bound_is_the_python_one(successes, extra):
    n = successes + extra
    low = (
        Edition.objects.annotate(low=wilson_lower_bound_sql(successes, n)).values_list("low", flat=True).first()
        if n
        else None
    )
    expected = wilson_interval(successes, n)
    assert low == (None if expected is None else pytest.approx(expected[0], rel=1e-12, abs=1e-15))


def test_the_leaderboard_csv_streams_in_blocks_of_rows(world, monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_BLOCK", 2)
    monkeypatch.setattr(exports, "CSV_ROWS_FIRST_BLOCK", 2)
    add_csrs(world, 5)
    path = f"/dashboard/site/{world.site.id}/export/leaderboard.csv?of=csr&edition=2015&through=2015-03"
    response = client_for(world).get(path)
    blocks = list(response.streaming_content)
    rows = b"".join(blocks).decode("utf-8-sig").splitlines()
    # The header and 5 ranked CSRs, then the world's own CSRs without surveys.
    assert (response.streaming, len(blocks), rows[0].split(",")[0], [r.split(",")[0] for r in rows[1:6]]) == (
        True,
        (len(rows) - 1) // 2 + 1,  # a block per two data rows, then the rest
        "Rank",
        ["1", "2", "3", "4", "5"],
    )


def test_a_board_sorted_by_name_keeps_each_members_rank(world):
    add_csrs(world, 60)
    response = client_for(world).get(BOARD.format(site=world.site.id) + "&sort=name")
    by_bound = sorted(range(60), key=lambda n: -wilson_interval(10 + n, 20 + n)[0])
    rank_of = {f"R{n:03d}": position for position, n in enumerate(by_bound, start=1)}
    # The world's own CSRs (named, without surveys) come first by name, unranked; then R000, R001, ... by code.
    shown = [(s.obj.code, s.rank) for s in response.context["page"] if s.obj.code.startswith("R")]
    assert shown == [(f"R{n:03d}", rank_of[f"R{n:03d}"]) for n in range(len(shown))]


def test_a_board_sorted_by_name_reads_only_the_page_it_shows(world):
    add_csrs(world, 60)
    with CaptureQueriesContext(connection) as captured:
        client_for(world).get(BOARD.format(site=world.site.id) + "&sort=name")
    ranked = [q["sql"] for q in captured.captured_queries if "rank_position" in q["sql"] and "LIMIT" in q["sql"]]
    assert [sql.split("LIMIT")[1].split()[0] for sql in ranked] == ["50"]


def test_the_leaderboard_csvs_first_block_builds_only_its_members(world, monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_FIRST_BLOCK", 2)
    add_csrs(world, 120)
    path = f"/dashboard/site/{world.site.id}/export/leaderboard.csv?of=csr&edition=2015&through=2015-03"
    response = client_for(world).get(path)
    built = []
    receiver = lambda sender, instance, **kwargs: built.append(instance.code)  # noqa: E731
    post_init.connect(receiver, sender=Person, weak=False)
    try:
        next(iter(response.streaming_content))
    finally:
        post_init.disconnect(receiver, sender=Person)
        # Closing the download ends the tenant scope it streams in now, not whenever it is collected.
        response.close()
    # The first counted chunk (50 CSRs, each with its supervisor), not the board's 120 and more.
    assert len(built) == 2 * 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no plans with subplans to count")
def test_a_board_sorted_by_sample_size_reads_each_members_rollups_as_often_as_the_rank_order(world):
    add_csrs(world, 3)
    with scopes_disabled():
        entity = resolve_entity(level="site", pk=world.site.id)
        edition = Edition.objects.get(year=2015)

        def subplans(sort: str) -> int:
            ranked = ranked_members(
                entity=entity,
                level="csr",
                window=edition.survey_window,
                period=Period(first=MAR, last=MAR),
                metric=edition.metric,
                sort=sort,
            )
            # Each subquery PostgreSQL plans (and runs per member) heads a line of its own.
            return len(re.findall(r"^\s*SubPlan \d+$", ranked[:50].explain(), re.MULTILINE))

        # The lower bound and the sample size: the sort by sample size is the window's own, not a third subquery.
        assert (subplans("rank"), subplans("surveys")) == (2, 2)
