import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from worldclass.core.months import Month
from worldclass.demo.synthetic import COLUMNS, NAME_COLUMNS, SITES, generate_surveys, last_full_month, month_range

END = Month(2025, 12)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "surveys.csv"
    summary = generate_surveys(path=path, seed=7, months=4, csrs=40, surveys_per_csr_month=6.0, end_month=END)
    return summary, path


def test_same_seed_gives_the_same_bytes(tmp_path, small_file):
    _, first = small_file
    again = tmp_path / "again.csv"
    generate_surveys(path=again, seed=7, months=4, csrs=40, surveys_per_csr_month=6.0, end_month=END)
    assert again.read_bytes() == first.read_bytes()


def test_another_seed_gives_other_data(tmp_path, small_file):
    _, first = small_file
    other = tmp_path / "other.csv"
    generate_surveys(path=other, seed=8, months=4, csrs=40, surveys_per_csr_month=6.0, end_month=END)
    assert other.read_bytes() != first.read_bytes()


def test_header_is_the_interchange_format(small_file):
    _, path = small_file
    with path.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [*COLUMNS, *NAME_COLUMNS]


def test_summary_counts_match_the_file(small_file):
    summary, path = small_file
    frame = pl.read_csv(path, infer_schema_length=0)
    assert summary.rows == frame.height
    assert frame.get_column("csr").n_unique() <= summary.csrs
    assert frame.get_column("survey_id").n_unique() == frame.height
    assert (summary.first_month, summary.last_month) == (Month(2025, 9), Month(2025, 12))


def test_every_site_appears_with_its_organization_and_country(small_file):
    _, path = small_file
    frame = pl.read_csv(path, infer_schema_length=0)
    sites = frame.select("org", "site", "country").unique().sort("org", "site").rows()
    assert sites == sorted((s.org, s.code, s.country) for s in SITES)


def test_values_are_valid_for_the_import(small_file):
    _, path = small_file
    frame = pl.read_csv(path, infer_schema_length=0)
    assert set(frame.get_column("channel").unique()) == {"phone", "ivr", "web"}
    assert set(frame.get_column("resolved").unique()) == {"yes", "no"}
    assert set(frame.get_column("first_call").unique()) == {"yes", "no"}
    assert set(frame.get_column("overall_sat").unique()) <= {"1", "2", "3", "4", "5"}
    assert set(frame.get_column("csr_sat").unique()) <= {"1", "2", "3", "4", "5"}


def test_timestamps_carry_the_local_offset_and_surveys_follow_calls(small_file):
    _, path = small_file
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    delays = []
    for row in rows:
        call_at = dt.datetime.fromisoformat(row["call_at"])
        surveyed_at = dt.datetime.fromisoformat(row["surveyed_at"])
        assert call_at.utcoffset() is not None
        delays.append((surveyed_at - call_at).total_seconds())
    assert min(delays) > 0
    # A few surveys come too soon (under 10 minutes) and some too late (beyond 72 hours): not all are eligible.
    assert any(delay < 600 for delay in delays)
    assert any(delay > 72 * 3600 for delay in delays)


def test_call_times_are_in_the_sites_own_time_zone(small_file):
    _, path = small_file
    with path.open(encoding="utf-8") as handle:
        offsets = {(row["site"], row["call_at"][-6:]) for row in csv.DictReader(handle)}
    # Toronto in autumn and winter: daylight time (-04:00) until early November, then standard time (-05:00).
    assert {offset for site, offset in offsets if site == "toronto"} == {"-04:00", "-05:00"}
    # Jamaica keeps standard time all year.
    assert {offset for site, offset in offsets if site == "kingston"} == {"-05:00"}


def test_montreal_comments_are_mostly_french(small_file):
    _, path = small_file
    frame = pl.read_csv(path, infer_schema_length=0).filter(pl.col("site") == "montreal", pl.col("comment") != "")
    english = frame.filter(pl.col("comment").str.contains("(?i)the|thank|service was|call")).height
    assert frame.height > 0
    assert english < frame.height / 2


def test_month_range_crosses_a_year_end():
    assert month_range(end=Month(2025, 2), months=3) == [Month(2024, 12), Month(2025, 1), Month(2025, 2)]


def test_too_few_csrs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="one per site"):
        generate_surveys(path=tmp_path / "x.csv", seed=1, csrs=3, end_month=END)


def test_skill_spread_puts_a_minority_of_csrs_above_the_2013_threshold(tmp_path):
    path = tmp_path / "default.csv"
    generate_surveys(path=path, seed=2015, months=18, csrs=180, end_month=END)
    frame = pl.read_csv(path, infer_schema_length=0)
    world_class_call = (pl.col("resolved") == "yes") & (pl.col("overall_sat") == "5") & (pl.col("csr_sat") == "5")
    rates = frame.group_by("csr").agg(world_class_call.mean().alias("rate")).get_column("rate")
    share_above = (rates > 0.8).mean()
    assert 0.1 < share_above < 0.5
    assert rates.min() < 0.65


def test_the_data_ends_with_the_month_before_today():
    assert last_full_month(today=dt.date(2026, 1, 15)) == Month(2025, 12)


def test_another_end_month_moves_the_calls(tmp_path):
    summary = generate_surveys(path=tmp_path / "x.csv", seed=7, months=2, csrs=20, end_month=Month(2026, 10))
    frame = pl.read_csv(tmp_path / "x.csv", infer_schema_length=0)
    assert (summary.first_month, summary.last_month) == (Month(2026, 9), Month(2026, 10))
    assert sorted({value[:7] for value in frame.get_column("call_at")}) == ["2026-09", "2026-10"]


def test_every_entity_has_one_name_and_no_two_share_one(small_file):
    _, path = small_file
    frame = pl.read_csv(path, infer_schema_length=0)
    for code, name in (
        ("org", "org_name"),
        ("site", "site_name"),
        ("supervisor", "supervisor_name"),
        ("csr", "csr_name"),
    ):
        pairs = frame.select(code, name).unique()
        assert pairs.height == pairs.get_column(code).n_unique() == pairs.get_column(name).n_unique()
    assert frame.filter(pl.col("site") == "montreal").get_column("site_name").unique().to_list() == ["Montréal"]


def test_the_generator_imports_without_django_settings():
    """The benchmarks generate their files before configuring Django: the generator, and the mapping whose columns
    it writes, read no setting when imported (their messages are marked, not translated, at import)."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    source = str(Path(__file__).resolve().parents[3])
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {source!r}); import worldclass.demo.synthetic"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
