"""PostgreSQL's direct path: a valid file of one organization's new surveys is copied into the surveys table chunk by
chunk, with no staging table, and stores exactly what the staged path stores; any other file leaves it."""

import datetime as dt
import threading

import psycopg
import pytest
from django.db import connection, transaction

from worldclass.certification.domain import rollups
from worldclass.certification.models import MonthlyRollup
from worldclass.core.errors import AppError
from worldclass.directory.models import Organization, Person, Site
from worldclass.surveys.domain import importing
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import COLUMNS, NAME_COLUMNS, parse_mapping
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.csvfiles import row, rows, write_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("unscoped"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the direct path is PostgreSQL's only"),
]

# The columns an import writes, the roster's by code, less the batch's own.
SURVEY_FIELDS = [
    column.removesuffix("_id") + "__code"
    if column in {"organization_id", "site_id", "supervisor_id", "csr_id"}
    else column
    for column in importing.SURVEY_COLUMNS
    if column not in {"import_batch_id", "created_at"}
]


@pytest.fixture
def stages(monkeypatch) -> list[str]:
    """The staging tables imports create: none on the direct path."""
    created = []
    create = importing._Stage.create

    def counted_create(cls):
        stage = create()
        created.append(stage.name)
        return stage

    monkeypatch.setattr(importing._Stage, "create", classmethod(counted_create))
    return created


def stored() -> dict:
    """Everything imports wrote, by codes rather than ids."""
    people = dict(Person.objects.values_list("id", "code"))
    sites = dict(Site.objects.values_list("id", "code"))
    organizations = dict(Organization.objects.values_list("id", "code"))
    entity = {"csr": people, "supervisor": people, "site": sites, "organization": organizations}
    return {
        "surveys": sorted(SurveyResponse.objects.values_list(*SURVEY_FIELDS)),
        "people": sorted(
            Person.objects.values_list(
                "organization__code",
                "code",
                "name",
                "site__code",
                "supervisor__code",
                "roster_as_of",
                "is_csr",
                "is_supervisor",
            )
        ),
        "sites": sorted(Site.objects.values_list("organization__code", "code", "country", "name")),
        "organizations": sorted(Organization.objects.values_list("code", "name")),
        "rollups": sorted(
            (
                *(r.window.code, r.level, entity[r.level][r.entity_id], r.month, r.eligible, r.ineligible),
                *(r.world_class, r.fcr, r.resolved, r.overall_top_box, r.csr_top_box),
            )
            for r in MonthlyRollup.objects.select_related("window")
        ),
        "batches": sorted(
            ImportBatch.objects.values_list(
                "status", "rows_total", "rows_created", "rows_unchanged", "organization__code"
            )
        ),
    }


def stored_after(imports) -> dict:
    """What `imports` store, undone afterwards."""
    with transaction.atomic():
        reports = [import_surveys(actor="tests", **kwargs) for kwargs in imports()]
        result = {**stored(), "reports": [(r.status, r.rows_created, r.rows_unchanged, r.eligibility) for r in reports]}
        transaction.set_rollback(True)
    return result


def varied_rows(count: int) -> list[dict]:
    """One organization's rows over two sites and months: people in both roles, supervisors who change, names given
    and left out, comments CSV must quote, several UTC offsets, a 0-10 scale and rows a skip rule drops."""
    records = []
    for i in range(count):
        start = dt.datetime(2025, 2, 20, 22, 30) + dt.timedelta(days=i * 5 % 45, minutes=i)
        end = start + dt.timedelta(minutes=[0, 9, 10, 600, 1441, 4321, 10_000][i % 7], seconds=[0, 1, 59][i % 3])
        offset = ["-05:00", "+00:00", "+09:30"][i % 3]
        records.append(
            row(
                survey_id=f"s{i}",
                call_id=f"c{i}",
                site=["tor", "nyc"][i % 2],
                country=["CA", "US"][i % 2],
                supervisor=["S1", "S2", "C1"][i // 5 % 3],
                csr=["C1", "C2", "S1", "C3"][i % 4],
                call_at=start.isoformat() + offset,
                surveyed_at=end.isoformat() + offset,
                resolved=["yes", "no", "Y"][i % 3],
                first_call=["yes", "no"][i // 2 % 2],
                overall_sat=str(i % 11),
                csr_sat=["10", "9", "0"][i % 3],
                comment=["", 'said "fine", then hung up', "deux\nlignes, é"][i % 3],
                org_name="Acme" if i % 4 == 0 else "",
                site_name=f"Site {i % 2}" if i % 3 == 0 else "",
                supervisor_name="",
                csr_name=f"Agent {i}" if i % 5 == 0 else "",
                batch=["keep", "keep", "drop"][i % 3],
            )
        )
    return records


def test_a_new_organizations_file_is_copied_without_a_staging_table(tmp_path, stages):
    report = import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    assert (stages, report.rows_created, SurveyResponse.objects.count()) == ([], 3, 3)


def test_new_surveys_of_an_organization_with_surveys_are_copied_without_a_staging_table(tmp_path, stages):
    import_surveys(path=write_csv(tmp_path / "a.csv", rows(2)), actor="tests")
    later = [row(survey_id=f"t{i}", call_id=f"d{i}") for i in range(3)]
    report = import_surveys(path=write_csv(tmp_path / "b.csv", later), actor="tests")
    assert (stages, report.rows_created, SurveyResponse.objects.count()) == ([], 3, 5)


def test_both_paths_store_the_same_file_read_in_many_chunks(tmp_path, monkeypatch, stages):
    """Chunks growing from 2 rows' worth of bytes to 7 rows' worth, each copied in pieces of 3 rows."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "COPY_PIECE_ROWS", 3)
    mapping = parse_mapping('[rating]\nscale = [0, 10]\n[skip]\n"batch" = ["drop"]\n')
    path = write_csv(tmp_path / "varied.csv", varied_rows(90), columns=[*COLUMNS, *NAME_COLUMNS, "batch"])

    def imports():
        return [{"path": path, "mapping": mapping}]

    direct, staged_by_direct = stored_after(imports), len(stages)
    monkeypatch.setattr(importing, "_import_directly", _leave)
    assert (staged_by_direct, direct) == (0, stored_after(imports))


def test_each_code_is_looked_up_by_the_first_chunk_naming_it(tmp_path, monkeypatch):
    """A later chunk takes the ids of the codes an earlier one named from memory: between two COPYs it asks the
    database only for codes it is the first to name."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    asked = {"sites": [], "people": []}
    create = importing.create_missing_roster

    def counted(*, sites, people):
        asked["sites"].extend(sites)
        asked["people"].extend((org, code) for org, code, *_flags in people)
        return create(sites=sites, people=people)

    monkeypatch.setattr(importing, "create_missing_roster", counted)
    mapping = parse_mapping("[rating]\nscale = [0, 10]\n")
    path = write_csv(tmp_path / "varied.csv", varied_rows(60), columns=[*COLUMNS, *NAME_COLUMNS])
    import_surveys(path=path, mapping=mapping, actor="tests")
    # Sorted lists, not sets: a code asked for twice would show.
    assert (sorted(asked["sites"]), sorted(asked["people"])) == (
        sorted(Site.objects.values_list("organization__code", "code")),
        sorted(Person.objects.values_list("organization__code", "code")),
    )


def test_a_chunk_is_copied_in_the_order_of_its_survey_ids(tmp_path):
    """The unique key's order, whatever the file's: the surveys' ids are taken in that order."""
    import_surveys(path=write_csv(tmp_path / "a.csv", rows(12)[::-1]), actor="tests")
    assert list(SurveyResponse.objects.order_by("id").values_list("survey_id", flat=True)) == sorted(
        f"s{i}" for i in range(1, 13)
    )


def test_both_paths_store_the_same_codes_named_by_two_organizations_across_chunks(tmp_path, monkeypatch, stages):
    """The ids a later chunk takes from memory are its organization's: the same codes under two organizations, in
    both roles, and a survey id each organization uses."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 1)
    records = [
        row(survey_id="s1", csr="C1", supervisor="S1"),
        row(survey_id="s2", csr="C1", supervisor="S1"),
        row(survey_id="s3", csr="S1", supervisor="C1", site="mtl"),
        row(survey_id="s1", org="beta", csr="C1", supervisor="S1"),
        row(survey_id="s4", org="beta", csr="S1", supervisor="C1", site="nyc", country="US"),
        row(survey_id="s5", csr="C1", supervisor="S1", site="mtl"),
    ]
    path = write_csv(tmp_path / "a.csv", records)

    def imports():
        return [{"path": path}]

    direct, staged_by_direct = stored_after(imports), len(stages)
    monkeypatch.setattr(importing, "_import_directly", _leave)
    assert (staged_by_direct, len(direct["surveys"]), direct) == (0, 6, stored_after(imports))


def test_both_paths_store_the_same_next_file_of_a_known_roster(tmp_path, monkeypatch, stages):
    """The second file moves people to other supervisors and sites, some on rows older than their latest."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 4)
    columns = [*COLUMNS, *NAME_COLUMNS, "batch"]
    first = write_csv(tmp_path / "first.csv", varied_rows(30), columns=columns)
    later = [{**record, "survey_id": f"n{i}", "supervisor": "S3"} for i, record in enumerate(reversed(varied_rows(25)))]
    second = write_csv(tmp_path / "second.csv", later, columns=columns)

    mapping = parse_mapping("[rating]\nscale = [0, 10]\n")

    def imports():
        return [{"path": first, "mapping": mapping}, {"path": second, "mapping": mapping}]

    direct, staged_by_direct = stored_after(imports), len(stages)
    monkeypatch.setattr(importing, "_import_directly", _leave)
    assert (staged_by_direct, direct) == (0, stored_after(imports))


def _leave(**kwargs):
    raise importing._LeaveDirectPath


def test_organizations_one_after_another_are_copied_without_a_staging_table(tmp_path, monkeypatch, stages):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)
    records = [row(survey_id="s1"), row(survey_id="s2"), row(survey_id="s3", org="beta")]
    report = import_surveys(path=write_csv(tmp_path / "a.csv", records), actor="tests")
    counts = sorted(SurveyResponse.objects.values_list("organization__code", flat=True))
    assert (stages, report.rows_created, counts) == ([], 3, ["acme", "acme", "beta"])


def test_a_later_organization_whose_turn_is_taken_sends_the_file_to_the_staged_path(tmp_path, monkeypatch, stages):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)
    monkeypatch.setattr(importing, "_take_turns_now", lambda organizations: False)
    records = [row(survey_id="s1"), row(survey_id="s2"), row(survey_id="s3", org="beta")]
    report = import_surveys(path=write_csv(tmp_path / "a.csv", records), actor="tests")
    counts = sorted(SurveyResponse.objects.values_list("organization__code", flat=True))
    assert (len(stages), report.rows_created, counts) == (1, 3, ["acme", "acme", "beta"])


def test_a_turn_another_import_has_is_not_taken_now():
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(hashtextextended('worldclass.import.beta', 0))")
        taken = [importing._take_turns_now(organizations=[code]) for code in ["acme", "beta"]]
    assert taken == [True, False]


def test_a_survey_repeated_in_a_later_chunk_is_loaded_once_by_the_staged_path(tmp_path, monkeypatch, stages):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    records = [*rows(3), row(survey_id="s1", call_id="c1")]
    report = import_surveys(path=write_csv(tmp_path / "a.csv", records), actor="tests")
    assert (len(stages), report.rows_created, report.rows_unchanged) == (1, 3, 1)


def test_a_file_overlapping_loaded_surveys_is_inserted_by_the_staged_path(tmp_path, stages):
    import_surveys(path=write_csv(tmp_path / "a.csv", rows(2)), actor="tests")
    report = import_surveys(path=write_csv(tmp_path / "b.csv", rows(4)), actor="tests")
    assert (len(stages), report.rows_created, report.rows_unchanged) == (1, 2, 2)


def test_a_bad_value_in_a_later_chunk_is_reported_by_the_staged_path_with_nothing_written(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    records = [*rows(4), row(survey_id="s5", overall_sat="9")]
    with pytest.raises(AppError) as refused:
        import_surveys(path=write_csv(tmp_path / "a.csv", records), actor="tests")
    written = (SurveyResponse.objects.count(), Person.objects.count(), MonthlyRollup.objects.count())
    assert ([detail.line for detail in refused.value.details], written) == ([6], (0, 0, 0))


def test_leaving_the_direct_path_releases_the_organizations_turn(tmp_path, monkeypatch):
    """The staged path takes every organization's turn in code order; the direct path's turn, taken under the
    savepoint, must not be held on into it (two imports could then wait on each other)."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)
    turns = []
    take_turns = importing._take_turns

    def counted_take_turns(*, organizations):
        turns.append(_advisory_locks())
        take_turns(organizations=organizations)

    monkeypatch.setattr(importing, "_take_turns", counted_take_turns)
    monkeypatch.setattr(importing, "_take_turns_now", lambda organizations: False)
    records = [row(survey_id="s1", org="zeta"), row(survey_id="s2", org="acme")]
    import_surveys(path=write_csv(tmp_path / "a.csv", records), actor="tests")
    assert turns == [0, 0]


def _advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


class _CancelledSurveyCopy(importing._BackgroundCopy):
    """The direct path's copy cancelled, as an operator's pg_cancel_backend or a statement_timeout cancels it."""

    def _copy(self, raw_connection, sql, pieces):
        if sql.startswith("COPY surveys_surveyresponse"):
            self.error = psycopg.errors.QueryCanceled("canceling statement due to user request")
            return
        super()._copy(raw_connection, sql, pieces)


def test_a_cancelled_copy_stops_the_import_instead_of_reading_the_file_again(tmp_path, monkeypatch, stages):
    monkeypatch.setattr(importing, "_BackgroundCopy", _CancelledSurveyCopy)
    with pytest.raises(psycopg.errors.QueryCanceled):
        import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    assert (stages, SurveyResponse.objects.count()) == ([], 0)


@pytest.fixture
def copy_fails_midway(monkeypatch):
    """Each COPY sends the format's signature and its first piece (one row), then a piece cannot be made; returns
    the real piece maker."""
    copy_pieces = importing._copy_pieces

    def first_piece_then_fail(rows, *, types):
        pieces = iter(copy_pieces(rows, types=types))
        yield next(pieces)
        yield next(pieces)
        raise OSError("No space left on device")

    monkeypatch.setattr(importing, "COPY_PIECE_ROWS", 1)
    monkeypatch.setattr(importing, "_copy_pieces", first_piece_then_fail)
    return copy_pieces


def test_a_copy_failing_after_its_first_piece_stops_the_import_leaving_nothing(tmp_path, copy_fails_midway, stages):
    with pytest.raises(OSError, match="No space left"):
        import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    assert (stages, SurveyResponse.objects.count(), Organization.objects.count()) == ([], 0, 0)


def test_the_connection_is_usable_after_a_copy_failed_midway(tmp_path, monkeypatch, copy_fails_midway):
    with pytest.raises(OSError):
        import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    monkeypatch.setattr(importing, "_copy_pieces", copy_fails_midway)
    report = import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    assert (report.rows_created, SurveyResponse.objects.count()) == (3, 3)


def test_surveys_are_created_while_their_batch_is_imported(tmp_path):
    report = import_surveys(path=write_csv(tmp_path / "a.csv", rows(2)), actor="tests")
    finished = dt.datetime.now(dt.UTC)
    started = ImportBatch.objects.get(pk=report.batch_id).started_at
    created = SurveyResponse.objects.values_list("created_at", flat=True)
    assert [started <= moment <= finished for moment in created] == [True, True]


def test_the_rollup_rows_are_resolved_once_with_the_ids_the_chunks_were_given(tmp_path, monkeypatch):
    """In a thread of their own while the last chunk is copied and the roster upserted, which changes none of the
    ids: they are not resolved again afterwards."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    monkeypatch.setattr(importing, "FIRST_CHUNK_ROWS", 2)
    events = []
    resolve, upsert = rollups.BatchTally._resolved_rows, importing.upsert_roster

    def resolved(tally, roster):
        events.append("rollup rows" if threading.current_thread() is threading.main_thread() else "rollup rows aside")
        return resolve(tally, roster)

    def upserted(**kwargs):
        events.append("roster")
        return upsert(**kwargs)

    monkeypatch.setattr(rollups.BatchTally, "_resolved_rows", resolved)
    monkeypatch.setattr(importing, "upsert_roster", upserted)
    import_surveys(path=write_csv(tmp_path / "a.csv", rows(30)), actor="tests")
    assert (sorted(events), MonthlyRollup.objects.count() > 0) == (["rollup rows aside", "roster"], True)


def test_a_failure_counting_the_rollups_in_their_thread_stops_the_import_leaving_nothing(tmp_path, monkeypatch):
    """Raised in the counting thread only: the importing thread must wait for it and raise what it raised (counting
    again on the importing thread would not fail)."""
    resolve = rollups.BatchTally._resolved_rows

    def fails(tally, roster):
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("no room for the rollup rows")
        return resolve(tally, roster)

    monkeypatch.setattr(rollups.BatchTally, "_resolved_rows", fails)
    with pytest.raises(MemoryError, match="no room for the rollup rows"):
        import_surveys(path=write_csv(tmp_path / "a.csv", rows(3)), actor="tests")
    assert (SurveyResponse.objects.count(), MonthlyRollup.objects.count()) == (0, 0)
