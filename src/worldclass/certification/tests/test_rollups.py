import datetime as dt
import gc
import tempfile
from collections import Counter

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.certification import receivers
from worldclass.certification.domain import rollups
from worldclass.certification.domain.rollups import rebuild_rollups, survey_window_counts
from worldclass.certification.models import MonthlyRollup, SurveyWindow
from worldclass.directory.domain import RosterIds
from worldclass.directory.tests.factories import PersonFactory, SiteFactory
from worldclass.surveys.domain import importing
from worldclass.surveys.domain.eligibility import is_eligible
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import COLUMNS as MAPPING_COLUMNS
from worldclass.surveys.domain.mapping import parse_mapping
from worldclass.surveys.domain.reports import ImportReport
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.csvfiles import row, write_csv
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]


class _Rollback(Exception):
    """Undo one hypothesis example: survey rows are append-only, so they are rolled back, never deleted."""


def recount() -> dict:
    """Rollups the straightforward way: every survey, every window, every level, one by one in Python."""
    expected: dict = {}
    windows = list(SurveyWindow.objects.all())
    for survey in SurveyResponse.objects.all():
        top = survey.rating_scale_max
        for window in windows:
            eligible = is_eligible(
                window=window,
                delay_seconds=survey.delay_seconds,
                business_days_after_call=survey.business_days_after_call,
            )
            for level, entity in [
                ("csr", survey.csr_id),
                ("supervisor", survey.supervisor_id),
                ("site", survey.site_id),
                ("organization", survey.organization_id),
            ]:
                counts = expected.setdefault((window.id, level, entity, survey.call_month), Counter())
                counts.update(dict.fromkeys(COUNTS, 0))
                if not eligible:
                    counts["ineligible"] += 1
                    continue
                counts["eligible"] += 1
                counts["world_class"] += survey.is_world_class_call
                counts["fcr"] += survey.is_fcr
                counts["resolved"] += survey.resolved
                counts["overall_top_box"] += survey.overall_sat == top
                counts["csr_top_box"] += survey.csr_sat == top
    return {key: dict(counts) for key, counts in expected.items()}


def stored() -> dict:
    return {
        (r.window_id, r.level, r.entity_id, r.month): {c: getattr(r, c) for c in COUNTS}
        for r in MonthlyRollup.objects.all()
    }


# A survey's answers and its delay, on each side of every window's edges (minutes, 24 h, 72 h, business days).
answer_values = {
    "delay_minutes": st.sampled_from([0, 9, 10, 600, 1440, 1441, 2880, 4320, 4321, 7200]),
    "resolved": st.booleans(),
    "first_call": st.booleans(),
    "overall": st.integers(min_value=1, max_value=5),
    "csr_sat": st.integers(min_value=4, max_value=5),
}

survey_rows = st.lists(
    st.fixed_dictionaries(
        {
            "survey": st.integers(min_value=1, max_value=12),
            "csr": st.sampled_from(["C1", "C2", "C3"]),
            "supervisor": st.sampled_from(["S1", "S2"]),
            "site": st.sampled_from([("tor", "CA"), ("nyc", "US"), ("lon", "")]),
            "day": st.integers(min_value=0, max_value=75),
            "offset": st.sampled_from(["-05:00", "+00:00", "+09:00"]),
            **answer_values,
        }
    ),
    min_size=1,
    max_size=20,
)


def to_csv_row(values: dict) -> dict:
    start = dt.datetime(2024, 12, 1, 22, 0) + dt.timedelta(days=values["day"])
    end = start + dt.timedelta(minutes=values["delay_minutes"])
    site, country = values["site"]
    return row(
        survey_id=f"s{values['survey']}",
        call_id=f"c{values['survey']}",
        csr=values["csr"],
        supervisor=values["supervisor"],
        site=site,
        country=country,
        call_at=start.isoformat() + values["offset"],
        surveyed_at=end.isoformat() + values["offset"],
        resolved="yes" if values["resolved"] else "no",
        first_call="yes" if values["first_call"] else "no",
        overall_sat=str(values["overall"]),
        csr_sat=str(values["csr_sat"]),
    )


def dedupe(records: list[dict]) -> list[dict]:
    """Keep the first row per survey id, so that a generated file has no changed repeats."""
    seen = {}
    for record in records:
        seen.setdefault(record["survey_id"], record)
    return list(seen.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=survey_rows, second=survey_rows)
def test_rollups_equal_a_straightforward_recount(tmp_path, first, second):
    """Two overlapping imports, then a rebuild: rollups always equal the recount from raw surveys."""
    first_rows = dedupe([to_csv_row(v) for v in first])
    known = {r["survey_id"]: r for r in first_rows}
    # The second file repeats some surveys unchanged and adds new ones; changed repeats would be conflicts.
    second_rows = dedupe([known.get(r["survey_id"], r) for r in (to_csv_row(v) for v in second)])
    try:
        with transaction.atomic():
            import_surveys(path=write_csv(tmp_path / "a.csv", first_rows), actor="tests")
            import_surveys(path=write_csv(tmp_path / "b.csv", second_rows), actor="tests")
            assert stored() == recount()
            rebuild_rollups()
            assert stored() == recount()
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=survey_rows,
    by_call_time=st.booleans(),
    chunk=st.integers(min_value=1, max_value=6),
    spill=st.integers(min_value=1, max_value=12),
    bucket=st.integers(min_value=1, max_value=6),
    piece=st.integers(min_value=1, max_value=9),
)
def test_tallied_rollups_equal_a_recount_however_the_file_is_cut(
    tmp_path, monkeypatch, values, by_call_time, chunk, spill, bucket, piece
):
    """Whatever the chunks, the parts written to disk, the entities' ranges and the pieces: one COPY of the rows the
    recount gives, in lock order."""
    records = dedupe([to_csv_row(v) for v in values])
    if by_call_time:
        records.sort(key=lambda r: dt.datetime.fromisoformat(r["call_at"]))
    for name, value in [("CHUNK_ROWS", chunk), ("FIRST_CHUNK_ROWS", chunk)]:
        monkeypatch.setattr(importing, name, value)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", spill)
    monkeypatch.setattr(rollups, "_BUCKET_ROWS", bucket)
    monkeypatch.setattr(rollups, "_COPY_PIECE_ROWS", piece)
    copied = _copied_rollup_rows(monkeypatch)
    try:
        with transaction.atomic():
            writes = _rollup_writes(write_csv(tmp_path / "a.csv", records))
            in_order = copied == sorted(copied, key=lambda r: (r[2].encode(), r[3], r[4], r[0]))
            assert (writes, in_order, len(copied), stored()) == (["COPY"], True, len(stored()), recount())
            raise _Rollback
    except _Rollback:
        pass
    finally:
        monkeypatch.undo()  # the next example wraps the copy's pieces afresh


def test_a_new_window_gets_rollups_from_a_rebuild(tmp_path):
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    window = SurveyWindow.objects.create(
        code="10min-12h", kind="minutes", min_minutes=10, max_minutes=12 * 60, description="10 minutes to 12 hours"
    )
    assert MonthlyRollup.objects.filter(window=window).count() == 0
    written = rebuild_rollups(window=window)
    assert written == 4
    assert sorted(MonthlyRollup.objects.filter(window=window).values_list("level", "eligible")) == [
        ("csr", 1),
        ("organization", 1),
        ("site", 1),
        ("supervisor", 1),
    ]
    assert stored() == recount()


def test_an_import_adds_to_existing_rollups(tmp_path):
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    import_surveys(path=write_csv(tmp_path / "b.csv", [row(survey_id="s2", overall_sat="4")]), actor="tests")
    rollup = MonthlyRollup.objects.get(level="site", window__code="10min-24h")
    assert (rollup.eligible, rollup.world_class, rollup.overall_top_box, rollup.csr_top_box) == (2, 1, 1, 2)


def _rollup_writes(path) -> list[str]:
    """How an import of `path` writes its rollups, in order: "COPY" for the tallied rows, "INSERT" and
    "INSERT … ON CONFLICT" for the statements over the new surveys (Django's debug cursor records a COPY too)."""
    return _import_writing_rollups(path)[1]


def _import_writing_rollups(path) -> tuple[ImportReport, list[str]]:
    """An import of `path`: its report, and how it wrote its rollups (`_rollup_writes`)."""
    with CaptureQueriesContext(connection) as queries:
        report = import_surveys(path=path, actor="tests")
    writes = []
    for query in queries.captured_queries:
        if query["sql"].startswith("COPY certification_monthlyrollup"):
            writes.append("COPY")
        elif "INSERT INTO certification_monthlyrollup" in query["sql"]:
            writes.append("INSERT … ON CONFLICT" if "ON CONFLICT" in query["sql"] else "INSERT")
    return report, writes


def _copied_rollup_rows(monkeypatch) -> list[tuple]:
    """The rows the tallied rollups' COPY writes, gathered as its pieces are made."""
    copied = []
    pieces = rollups.TalliedRows.pieces

    def copied_pieces(rows, size):
        for piece in pieces(rows, size):
            copied.extend(piece.rows())
            yield piece

    monkeypatch.setattr(rollups.TalliedRows, "pieces", copied_pieces)
    return copied


APRIL = {"call_at": "2025-04-02T10:00:00-04:00", "surveyed_at": "2025-04-02T11:00:00-04:00"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_an_import_of_months_not_counted_yet_copies_the_rows_it_tallied(tmp_path):
    import_surveys(path=write_csv(tmp_path / "march.csv", [row()]), actor="tests")
    april = write_csv(tmp_path / "april.csv", [row(survey_id="s2", **APRIL), row(survey_id="s3", **APRIL)])
    assert _rollup_writes(april) == ["COPY"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_file_read_in_many_chunks_is_tallied_whole(tmp_path, monkeypatch):
    """A CSR's month spread over chunks, whose counts are summed along the way: one row per entity and month."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 3)
    records = [
        row(survey_id=f"s{i}", csr=f"C{i % 2}", overall_sat=str(3 + i % 3), resolved="yes" if i % 4 else "no")
        for i in range(9)
    ]
    assert _rollup_writes(write_csv(tmp_path / "many.csv", records)) == ["COPY"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_chunks_each_spanning_several_months_are_tallied_whole(tmp_path, monkeypatch):
    """Chunks each spanning several months, their counts summed and written to disk along the way, each level's
    entities made a few ids at a time: one row per entity and month."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 3)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 4)
    monkeypatch.setattr(rollups, "_BUCKET_ROWS", 2)
    months = ["2025-02-10", "2025-03-10", "2025-03-11", "2025-04-10"]
    records = [
        row(
            survey_id=f"s{i}",
            csr=f"C{i % 3}",
            call_at=f"{months[i % 4]}T10:00:00-05:00",
            surveyed_at=f"{months[i % 4]}T11:00:00-05:00",
            overall_sat=str(3 + i % 3),
            resolved="yes" if i % 5 else "no",
        )
        for i in range(23)
    ]
    assert _rollup_writes(write_csv(tmp_path / "months.csv", records)) == ["COPY"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_an_organization_named_in_a_later_chunk_of_a_month_already_counted_is_added_to(tmp_path, monkeypatch):
    """The batch's organization months are those of every chunk and month: one counted already, named only by a
    later chunk in another month than the first chunk's, makes the batch add to its rows rather than try copying."""
    import_surveys(path=write_csv(tmp_path / "beta.csv", [row(survey_id="b0", org="beta")]), actor="tests")
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 1)
    # Chunks are cut by bytes, about three of these rows each: beta comes chunks after acme.
    february = {"call_at": "2025-02-12T10:00:00-05:00", "surveyed_at": "2025-02-12T11:00:00-05:00"}
    records = [*(row(survey_id=f"a{i}", **february) for i in range(8)), row(survey_id="b1", org="beta")]
    assert _rollup_writes(write_csv(tmp_path / "both.csv", records)) == ["INSERT … ON CONFLICT"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_tally_holds_at_most_its_spill_rows_between_chunks(tmp_path, monkeypatch):
    """Past `_SPILL_ROWS`, the chunks' counts are summed, then written to disk: what stays in memory between two
    chunks is bounded by it, not by the file."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 4)
    held, add = [], rollups.BatchTally.add

    def add_and_measure(tally, frame):
        add(tally, frame)
        held.append((sum(part.height for part in tally.parts), len(tally.spilled)))

    monkeypatch.setattr(rollups.BatchTally, "add", add_and_measure)
    records = [row(survey_id=f"s{i}", csr=f"C{i}") for i in range(30)]
    assert _rollup_writes(write_csv(tmp_path / "people.csv", records)) == ["COPY"]
    assert max(rows for rows, _files in held) <= 4
    assert held[-1][1] >= 1  # files written
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_tallys_files_are_removed_once_the_import_is_done(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    records = [row(survey_id=f"s{i}", csr=f"C{i}") for i in range(12)]
    assert _rollup_writes(write_csv(tmp_path / "people.csv", records)) == ["COPY"]
    assert list((tmp_path / "temporary").iterdir()) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_tallys_files_are_removed_when_the_import_leaves_the_direct_path(tmp_path, monkeypatch):
    """A survey already loaded sends the file to the staged path: no reading's files outlive the import, without
    waiting for the cyclic garbage collector (a worker's may not run for a long while)."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    import_surveys(path=write_csv(tmp_path / "a.csv", [row(survey_id="s9", csr="C9")]), actor="tests")
    records = [row(survey_id=f"s{i}", csr=f"C{i}") for i in range(14)]
    gc.disable()
    try:
        import_surveys(path=write_csv(tmp_path / "b.csv", records), actor="tests")
        left = list((tmp_path / "temporary").iterdir())
    finally:
        gc.enable()
    assert left == []
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_tally_the_disk_refuses_leaves_the_batch_to_be_counted_from_its_surveys(tmp_path, monkeypatch):
    """A full disk (or no temporary directory) is no reason to refuse the import: the statement over the batch's
    surveys counts it, and the eligibility report is the tally's all the same."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 1)

    def full_disk(spill, frame):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rollups._SpillDirectory, "write", full_disk)
    records = [row(survey_id=f"s{i}", csr=f"C{i % 3}", overall_sat=str(3 + i % 3)) for i in range(12)]
    report, writes = _import_writing_rollups(write_csv(tmp_path / "people.csv", records))
    assert (report.rows_created, writes) == (12, ["INSERT"])
    assert stored() == recount()
    pks = tuple(SurveyResponse.objects.aggregate(first=Min("id"), last=Max("id")).values())
    recounted = rollups.batch_eligibility(import_batch_id=report.batch_id, survey_pks=pks)
    assert report.eligibility == [window.as_dict() for window in recounted]


_ORGANIZATION_IDS = {"acme": 7, "beta": 3}
# Ids in another order than the codes', a person in both roles: the rows must come in the ids' order.
_PERSON_IDS = {(org, f"P{i}"): 60 - 11 * i + 5 * pk for org, pk in _ORGANIZATION_IDS.items() for i in range(5)}
_SITE_IDS = {(org, code): pk * 10 - i for org, pk in _ORGANIZATION_IDS.items() for i, code in enumerate(["nyc", "tor"])}
tally_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(_ORGANIZATION_IDS)),
        st.sampled_from(["nyc", "tor"]),
        st.sampled_from(["P0", "P1", "P2"]),  # supervisor
        st.sampled_from(["P1", "P2", "P3", "P4"]),  # CSR
        st.integers(1, 3),  # call month
        st.sampled_from([0, 599, 600, 86_400, 86_401, 259_200, 400_000]),  # delay, seconds
        st.integers(0, 4),  # business days after the call
        st.tuples(st.booleans(), st.booleans(), st.booleans()),  # world class call, FCR, resolved
        st.integers(1, 5),  # overall
        st.integers(1, 5),  # CSR
    ),
    min_size=1,
    max_size=40,
)


def _straightforward_count(rows: list[tuple], windows: list[SurveyWindow]) -> list[tuple]:
    """The rollup rows of `rows` counted one row, level and window at a time, in the lock order."""
    counts: dict[tuple, list[int]] = {}
    for org, site, supervisor, csr, month, delay, days, (wcc, fcr, resolved), overall, csr_sat in rows:
        entities = {
            "csr": _PERSON_IDS[org, csr],
            "supervisor": _PERSON_IDS[org, supervisor],
            "site": _SITE_IDS[org, site],
            "organization": _ORGANIZATION_IDS[org],
        }
        for level, entity in entities.items():
            for window in windows:
                eligible = is_eligible(window=window, delay_seconds=delay, business_days_after_call=days)
                counted = [wcc, fcr, resolved, overall == 5, csr_sat == 5]
                row = [1, 0, *(int(c) for c in counted)] if eligible else [0, 1, 0, 0, 0, 0, 0]
                key = (window.id, _ORGANIZATION_IDS[org], level, entity, dt.date(2025, month, 1))
                counts[key] = [a + b for a, b in zip(counts.get(key, [0] * 7), row, strict=True)]
    return sorted(((*key, *values) for key, values in counts.items()), key=lambda r: (r[2], r[3], r[4], r[0]))


@settings(max_examples=30, deadline=None)
@given(rows=tally_rows, chunk=st.integers(1, 9), spill=st.integers(1, 8), bucket=st.integers(1, 6))
def test_a_tally_equals_a_straightforward_count_however_it_is_spilled(rows, chunk, spill, bucket):
    """Chunks of any size, counts written to disk at any size, entities made in ranges of any size: the rows are
    those a count row by row gives, in the lock order."""
    windows = list(SurveyWindow.objects.order_by("id"))
    tally = rollups.BatchTally(windows=windows, scale_max=5)
    columns = ["org", "site", "supervisor", "csr", "month", "delay_seconds", "business_days", "flags"]
    frame = pl.DataFrame([r[:8] for r in rows], schema=columns, orient="row").select(
        *columns[:4],
        pl.date(2025, pl.col("month"), 1).alias("call_month"),
        "delay_seconds",
        "business_days",
        *(pl.col("flags").list.get(i).alias(name) for i, name in enumerate(["is_wcc", "is_fcr", "resolved"])),
        pl.Series("overall_sat", [r[8] for r in rows]),
        pl.Series("csr_sat", [r[9] for r in rows]),
    )
    roster = RosterIds(organizations=dict(_ORGANIZATION_IDS), sites=dict(_SITE_IDS), people=dict(_PERSON_IDS))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rollups, "_SPILL_ROWS", spill)
        patch.setattr(rollups, "_BUCKET_ROWS", bucket)
        for part in frame.iter_slices(chunk):
            tally.add(part)
        copied = [row for piece in tally.rollup_rows(roster).pieces(5) for row in piece.rows()]
    assert copied == _straightforward_count(rows, windows)


def test_entities_are_cut_into_id_ranges_of_about_the_bucket_rows(monkeypatch):
    monkeypatch.setattr(rollups, "_BUCKET_ROWS", 4)
    months = pl.DataFrame({"csr_id": [9, 1, 2, 5, 7], "months": [1, 3, 1, 4, 2]})
    assert rollups._id_ranges(months, "csr_id") == [(1, 2), (5, 5), (7, 9)]


def _varied_rows(count: int) -> list[dict]:
    """Rows across three organizations, two sites, people in both roles, a 0-10 scale, each window's edges and
    rows a skip rule drops."""
    records = []
    for i in range(count):
        start = dt.datetime(2025, 2, 20, 22, 30) + dt.timedelta(days=i * 7 % 60, seconds=59 * (i % 2))
        delay = [0, 9, 10, 600, 1440, 1441, 4320, 4321, 10_000][i % 9]
        end = start + dt.timedelta(minutes=delay, seconds=[0, 1, 59][i % 3])
        offset = ["-05:00", "+00:00", "+09:00"][i % 3]
        records.append(
            row(
                survey_id=f"s{i}",
                call_id=f"c{i}",
                org=["acme", "beta", "ACME"][i % 3],
                site=["tor", "nyc"][i % 2],
                country="",
                supervisor=["S1", "C1"][i % 2],
                csr=["C1", "C2", "S1"][i % 3],
                call_at=start.isoformat() + offset,
                surveyed_at=end.isoformat() + offset,
                resolved=["yes", "no"][i % 2],
                first_call=["yes", "no"][i // 2 % 2],
                overall_sat=str(i % 11),
                csr_sat=["10", "9", "0"][i % 3],
                batch=["keep", "keep", "drop"][i % 3],
            )
        )
    return records


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_tallied_rollups_and_report_equal_the_statements_over_the_surveys(tmp_path, monkeypatch):
    """Several organizations, another scale, a skip rule, many chunks: the copied rows are what the SQL computes
    from the stored surveys, and the report what it counts."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    monkeypatch.setattr(rollups, "_SPILL_ROWS", 3)
    monkeypatch.setattr(rollups, "_BUCKET_ROWS", 4)
    mapping = parse_mapping('[rating]\nscale = [0, 10]\n[skip]\n"batch" = ["drop"]\n')
    path = write_csv(tmp_path / "varied.csv", _varied_rows(120), columns=[*MAPPING_COLUMNS, "batch"])
    with CaptureQueriesContext(connection) as queries:
        report = import_surveys(path=path, mapping=mapping, actor="tests")
    assert [q["sql"].split(" (")[0] for q in queries.captured_queries if "monthlyrollup (" in q["sql"]] == [
        "COPY certification_monthlyrollup"
    ]
    assert SurveyResponse.objects.count() == 80
    assert list(rollups.rollup_discrepancies()) == []
    pks = tuple(SurveyResponse.objects.aggregate(first=Min("id"), last=Max("id")).values())
    recounted = rollups.batch_eligibility(import_batch_id=report.batch_id, survey_pks=pks)
    assert report.eligibility == [window.as_dict() for window in recounted]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_tallied_rows_are_copied_in_the_writers_lock_order(tmp_path, monkeypatch):
    """Level bytewise, entity, month, window: the order every writer takes the rows in, so none can deadlock; across
    the pieces they are made in too."""
    monkeypatch.setattr(rollups, "_COPY_PIECE_ROWS", 7)
    copied = _copied_rollup_rows(monkeypatch)
    mapping = parse_mapping("[rating]\nscale = [0, 10]\n")
    import_surveys(path=write_csv(tmp_path / "varied.csv", _varied_rows(60)), mapping=mapping, actor="tests")
    assert copied == sorted(copied, key=lambda r: (r[2].encode(), r[3], r[4], r[0]))
    assert len(copied) == len(stored())


@given(
    months=st.lists(
        st.tuples(st.sampled_from(sorted(rollups.LEVEL_ENTITY)), st.integers(1, 4), st.integers(1, 3)), unique=True
    ),
    window_ids=st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True),
    rows=st.integers(1, 20),
)
def test_tallied_rows_in_pieces_are_each_windows_row_of_each_entity_month_in_order(months, window_ids, rows):
    """Whatever the piece size: every entity-month's row under each window, its counts its window's, in the lock
    order, as sorting all of them at once gives."""

    def count(level: str, entity: int, month: int, window: int, column: int) -> int:
        # Every count its own: a row given another entity-month's or another window's counts shows.
        return ((("csr", "organization", "site", "supervisor").index(level) * 10 + entity) * 10 + month) * 1000 + (
            window * 10 + column
        )

    entity_months = pl.DataFrame(
        [
            {"organization_id": entity * 7, "level": level, "entity_id": entity, "month": dt.date(2024, month, 1)}
            | {"surveys": 10**7}
            | {
                f"{name}_{w}": count(level, entity, month, w, i)
                for w in window_ids
                for i, name in enumerate(["eligible", *rollups._COUNTED])
            }
            for level, entity, month in sorted(months)
        ],
        schema_overrides={"month": pl.Date},
    )
    tallied = rollups.TalliedRows([entity_months], window_ids=window_ids)
    copied = [row for piece in tallied.pieces(rows) for row in piece.rows()]
    expected = [
        (
            w,
            entity * 7,
            level,
            entity,
            dt.date(2024, month, 1),
            count(level, entity, month, w, 0),
            10**7 - count(level, entity, month, w, 0),
            *(count(level, entity, month, w, i) for i in range(1, 6)),
        )
        for level, entity, month in months
        for w in window_ids
    ]
    assert copied == sorted(expected, key=lambda r: (r[2], r[3], r[4], r[0]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_window_changed_while_the_file_was_read_is_counted_from_the_surveys(tmp_path, monkeypatch):
    start_batch_tally = rollups.start_batch_tally

    def tally_then_change_a_window(**kwargs):
        tally = start_batch_tally(**kwargs)
        SurveyWindow.objects.filter(code="10min-24h").update(max_minutes=60)
        return tally

    monkeypatch.setattr(receivers, "start_batch_tally", tally_then_change_a_window)
    assert _rollup_writes(write_csv(tmp_path / "a.csv", [row(**APRIL)])) == ["INSERT"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_an_untallied_import_of_months_not_counted_yet_inserts_its_rollups_as_new_rows(tmp_path, monkeypatch):
    import_surveys(path=write_csv(tmp_path / "march.csv", [row()]), actor="tests")
    monkeypatch.setattr(receivers, "start_batch_tally", lambda **kwargs: None)
    april = write_csv(tmp_path / "april.csv", [row(survey_id="s2", **APRIL)])
    assert _rollup_writes(april) == ["INSERT"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_an_import_into_a_month_already_counted_adds_to_its_rollups(tmp_path):
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    later = write_csv(tmp_path / "b.csv", [row(survey_id="s2", overall_sat="4")])
    assert _rollup_writes(later) == ["INSERT … ON CONFLICT"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_file_naming_a_survey_already_loaded_is_counted_from_its_new_surveys(tmp_path):
    """The tally counted every valid row, one of which was not inserted: the batch is counted from its surveys."""
    import_surveys(path=write_csv(tmp_path / "march.csv", [row(**APRIL)]), actor="tests")
    MonthlyRollup.objects.all().delete()  # so that April is a month not counted yet
    again = write_csv(tmp_path / "again.csv", [row(**APRIL), row(survey_id="s2", **APRIL)])
    assert _rollup_writes(again) == ["INSERT"]
    assert {key: counts["eligible"] for key, counts in stored().items() if key[1] == "organization"} == {
        key: 1 for key, counts in recount().items() if key[1] == "organization"
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_file_repeating_a_row_is_counted_from_its_surveys(tmp_path):
    """A row repeated with the same answers is loaded once: the tally counted it twice, so it is not used."""
    repeated = write_csv(tmp_path / "repeated.csv", [row(**APRIL), row(**APRIL), row(survey_id="s2", **APRIL)])
    assert _rollup_writes(repeated) == ["INSERT"]
    assert SurveyResponse.objects.count() == 2
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL has concurrent writers")
def test_rows_counted_after_the_check_are_added_to(tmp_path, monkeypatch):
    """A live answer committed between the check and the write: the new rows collide, and are added instead."""
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    monkeypatch.setattr(rollups, "_batch_months_have_rollups", lambda **kwargs: False)
    writes = _rollup_writes(write_csv(tmp_path / "b.csv", [row(survey_id="s2", overall_sat="4")]))
    assert writes == ["COPY", "INSERT … ON CONFLICT"]
    assert stored() == recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds to the rollups in one way")
def test_a_tallied_batch_reports_the_eligibility_its_surveys_give(tmp_path, monkeypatch):
    """The import report's figures per window, from the tally, equal those counted from the stored surveys."""
    rows = [
        row(survey_id="instant", surveyed_at="2025-03-12T14:05:00-05:00", call_at="2025-03-12T14:05:00-05:00"),
        row(survey_id="soon", call_at="2025-03-12T14:05:00-05:00", surveyed_at="2025-03-12T14:09:00-05:00"),
        row(survey_id="late", call_at="2025-03-12T14:05:00-05:00", surveyed_at="2025-03-16T14:09:00-05:00"),
        row(survey_id="ok"),
    ]
    counted_from_surveys = []
    figures = rollups._batch_eligibility_figures
    monkeypatch.setattr(
        rollups, "_batch_eligibility_figures", lambda **kw: counted_from_surveys.append(1) or figures(**kw)
    )
    report = import_surveys(path=write_csv(tmp_path / "a.csv", rows), actor="tests")
    assert counted_from_surveys == []
    pks = tuple(SurveyResponse.objects.aggregate(first=Min("id"), last=Max("id")).values())
    recounted = rollups.batch_eligibility(import_batch_id=report.batch_id, survey_pks=pks)
    assert counted_from_surveys == [1]
    assert report.eligibility == [window.as_dict() for window in recounted]
    assert [window["eligible"] for window in report.eligibility] == [1, 3, 1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    delay=st.one_of(st.sampled_from([-1, 0, 599, 600, 86_400, 86_401, 259_200, 259_201]), st.integers(-(10**7), 10**7)),
    business_days=st.integers(min_value=0, max_value=40),
)
def test_the_polars_window_rule_is_the_python_rule(delay, business_days):
    frame = pl.DataFrame({"delay_seconds": [delay], "business_days": [business_days]})
    for window in SurveyWindow.objects.order_by("id"):
        polars_says = frame.select(rollups._eligible_expression(window)).item()
        assert polars_says == is_eligible(window=window, delay_seconds=delay, business_days_after_call=business_days)


def test_rebuild_rollups_command(tmp_path, capsys):
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    MonthlyRollup.objects.all().delete()
    call_command("rebuild-rollups")
    assert capsys.readouterr().out == "Rebuilt 12 monthly rollup rows for every window.\n"
    assert stored() == recount()


live_answers = st.lists(
    st.fixed_dictionaries(
        {
            "csr": st.integers(min_value=0, max_value=1),
            "day": st.integers(min_value=0, max_value=45),
            **answer_values,
        }
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=live_answers)
def test_live_answers_keep_the_rollups_equal_to_a_straightforward_recount(answers):
    """Live answers add their rows from the survey in hand; shared rows (site, month) are added to, never lost."""
    try:
        with transaction.atomic():
            site = SiteFactory(country="CA")
            supervisor = PersonFactory(organization=site.organization, site=site, is_csr=False, is_supervisor=True)
            csrs = [PersonFactory(organization=site.organization, site=site, supervisor=supervisor) for _ in "ab"]
            for answer in answers:
                create_survey_response(
                    csr=csrs[answer["csr"]],
                    call_at=dt.datetime(2025, 1, 30, 22, 0, tzinfo=dt.UTC) + dt.timedelta(days=answer["day"]),
                    delay=dt.timedelta(minutes=answer["delay_minutes"]),
                    resolved=answer["resolved"],
                    first_call=answer["first_call"],
                    overall_sat=answer["overall"],
                    csr_sat=answer["csr_sat"],
                )
            assert stored() == recount()
            raise _Rollback
    except _Rollback:
        pass


def test_a_live_answer_adds_to_the_rows_an_import_created(tmp_path):
    import_surveys(path=write_csv(tmp_path / "a.csv", [row()]), actor="tests")
    imported = SurveyResponse.objects.get()
    create_survey_response(csr=imported.csr, site=imported.site, call_at=imported.call_at)
    assert stored() == recount()


def test_a_survey_counts_once_per_window_eligible_or_not():
    survey = create_survey_response(delay=dt.timedelta(minutes=9), resolved=True, overall_sat=5, csr_sat=4)
    windows = list(SurveyWindow.objects.order_by("id"))
    # eligible, ineligible, world_class, fcr, resolved, overall_top_box, csr_top_box
    assert [counts[1:] for counts in survey_window_counts(survey=survey, windows=windows)] == [
        (0, 1, 0, 0, 0, 0, 0) if window.kind == "minutes" else (1, 0, 0, 1, 1, 1, 0) for window in windows
    ]
