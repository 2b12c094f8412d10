"""Importing a survey-results file: validate every row, then load all of it or nothing.

The pipeline is set-based so that millions of rows load quickly (docs/import-format.md):

1. Polars reads the file in chunks, every column as text, and validates each chunk with vectorised expressions,
   collecting (row, column, reason) for every bad value. It derives the normalised answers, the UTC instants,
   the local dates in each timestamp's own offset, the delay, the business days (numpy's business-day
   calendar per country) and the canonical content checksum.
2. Valid rows go into a temporary staging table (PostgreSQL: binary `COPY`; SQLite: `executemany`). Checks across
   rows run as SQL on that table: a site given two countries (when the sites gathered chunk by chunk show one), and
   a survey_id repeated with different answers (when the file is refused anyway, or when its rows collide in the
   insert of step 3).
3. If anything is wrong, the transaction rolls back and the rejection is recorded. Otherwise the roster is
   upserted, and the surveys not stored yet are inserted by one `INSERT … SELECT` (imports of one organization take
   turns, so two concurrent imports of overlapping files cannot both insert a survey), changed answers for a known
   survey_id are refused, and the rollups are updated from exactly the rows this batch inserted.

On PostgreSQL, a file of one organization whose rows are all valid and all new surveys skips steps 2 and 3's stage:
each chunk's surveys are copied straight into the surveys table while the next chunk is validated
(`_import_directly`). The first sign that the file is not such a file undoes what it wrote, back to a savepoint, and
the staged path above reads it again from the start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import polars as pl
import polars_hash
import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from psycopg.copy import QueuedLibpqWriter

from worldclass.core.database import is_unique_violation
from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, fill_template, worded_phrase
from worldclass.core.i18n import gettext_noop
from worldclass.directory.domain import (
    DisplayNames,
    PersonSighting,
    RosterIds,
    create_missing_roster,
    upsert_roster,
)
from worldclass.directory.queries import get_organization_by_code
from worldclass.surveys.domain.content import SEPARATOR
from worldclass.surveys.domain.eligibility import business_days_after_coded
from worldclass.surveys.domain.mapping import (
    COLUMNS,
    NAME_COLUMNS,
    REQUIRED_COLUMNS,
    SurveyMapping,
    parse_mapping,
    read_mapping_text,
)
from worldclass.surveys.domain.reimport import find_loaded_batch, record_unchanged_import
from worldclass.surveys.domain.reports import ImportReport, SkippedRows, audit_import
from worldclass.surveys.domain.rows import (
    CHANNEL,
    COUNTRY,
    FALSE_WORDS,
    ID_FIELDS,
    NO_UTC_OFFSET,
    ORG_CODE,
    SURVEY_NOT_BEFORE_CALL,
    TRUE_WORDS,
    MaxLength,
    Rule,
    id_rules,
    rating_rules,
    time_rules,
)
from worldclass.surveys.domain.sources import (
    TabularFile,
    check_header,
    interchange_columns,
    open_tabular,
    skipped_counts,
    with_local_instants,
)
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.signals import surveys_importing, surveys_recorded

CHUNK_ROWS = 200_000
# On PostgreSQL the first chunk is small and each next one twice as large, up to CHUNK_ROWS: the server starts
# writing the first chunk after a fraction of a second instead of after the first CHUNK_ROWS are read and validated.
FIRST_CHUNK_ROWS = 25_000
# Errors kept on the ImportBatch row (the API pages through them); the exception (and so the command and the
# upload's answer) lists every one.
ERRORS_RECORDED = 100_000
# The first errors of a refusal keep the values that word them again in a page's language: as many as an upload's
# page shows (uploads.ERRORS_SHOWN). The others keep their English message alone, which costs less memory.
ERRORS_WORDED = 500
NAME_MAX_LENGTH = 200  # Organization.name, Site.name, Person.name
TIMESTAMP_PATTERN = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)$"
)
NO_OFFSET_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$"
# More errors than this and the refusal starts with a summary per column and reason.
SUMMARY_ABOVE = 50
SUMMARY_LINES = 5
# Decimals beyond this are not ratings on any scale; the bound keeps the integer cast exact.
MAX_RATING_TEXT = 1_000_000
# The staging table's columns, in the order chunks are written.
STAGE_COLUMNS = [
    ("row_index", "bigint"),
    ("org", "text"),
    ("site", "text"),
    ("country", "text"),
    ("supervisor", "text"),
    ("csr", "text"),
    ("survey_id", "text"),
    ("call_id", "text"),
    ("channel", "text"),
    ("call_at", "timestamptz"),
    ("surveyed_at", "timestamptz"),
    ("call_local_date", "date"),
    ("survey_local_date", "date"),
    ("call_month", "date"),
    ("delay_seconds", "bigint"),
    ("business_days", "integer"),
    ("resolved", "boolean"),
    ("first_call", "boolean"),
    ("overall_sat", "smallint"),
    ("csr_sat", "smallint"),
    ("comment", "text"),
    ("is_fcr", "boolean"),
    ("is_wcc", "boolean"),
    ("content_sha256", "text"),
]
STAGE_NAMES = [name for name, _ in STAGE_COLUMNS]
# The surveys table's columns an import writes, in the order of both the staged INSERT and the direct COPY.
SURVEY_COLUMNS = [
    "organization_id",
    "site_id",
    "supervisor_id",
    "csr_id",
    "survey_id",
    "call_id",
    "channel",
    "call_at",
    "surveyed_at",
    "call_local_date",
    "survey_local_date",
    "call_month",
    "delay_seconds",
    "business_days_after_call",
    "resolved",
    "first_call",
    "rating_scale_min",
    "rating_scale_max",
    "overall_sat",
    "csr_sat",
    "comment",
    "is_fcr",
    "is_world_class_call",
    "content_sha256",
    "import_batch_id",
    "created_at",
]


@dataclass(frozen=True)
class _Wording:
    """A kind of row error: its message's template (an English msgid) naming the row's `values` and the
    `constants`, and its reason (the message without the row's values, to count errors alike in the summary)."""

    template: str
    values: tuple[str, ...] = ()
    constants: tuple[tuple[str, object], ...] = ()
    reason: str = ""

    @cached_property
    def reason_text(self) -> str:
        return fill_template(self.reason, dict(self.constants))

    def reason_phrase(self) -> dict:
        return worded_phrase(self.reason, **dict(self.constants))

    def message_expr(self, values: tuple[pl.Expr, ...]) -> pl.Expr:
        """The English message of each row as a Polars expression, from the row's `values` (in this order)."""
        named = {**dict(self.constants), **dict(zip(self.values, values, strict=True))}
        parts: list[pl.Expr] = []
        for text, name, spec, conversion in string.Formatter().parse(self.template):
            if text:
                parts.append(pl.lit(text))
            if name is None:
                continue
            value = named[name]
            if isinstance(value, pl.Expr):  # a row's value is written as it is
                parts.append(value.cast(pl.String))
            else:
                parts.append(pl.lit(format(repr(value) if conversion == "r" else value, spec or "")))
        return pl.concat_str(parts)


@dataclass
class _RowError:
    """A bad value of a row: its wording, its English message (made in Polars, or from the values), and for the
    first errors of a file (ERRORS_WORDED) the row's values, so that a page can word the message again."""

    row: int  # 0-based record index, mapped to a file line at the end
    field: str | None
    wording: _Wording
    message: str = ""
    values: tuple | None = None  # the row's values that the wording names, in its order
    ref_row: int | None = None  # the row whose file line the template names as `{ref}`

    def detail(self, lines: dict[int, int]) -> ErrorDetail:
        if self.values is None:
            return ErrorDetail(message=self.message, field=self.field, line=lines[self.row])
        params = {**dict(self.wording.constants), **dict(zip(self.wording.values, self.values, strict=True))}
        if self.ref_row is not None:
            params["ref"] = lines[self.ref_row]
            return ErrorDetail.worded(self.wording.template, field=self.field, line=lines[self.row], **params)
        return ErrorDetail(
            message=self.message, field=self.field, line=lines[self.row], template=self.wording.template, params=params
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_surveys(
    *,
    path: Path,
    mapping: SurveyMapping | None = None,
    actor: str,
    user=None,
    source_name: str | None = None,
    on_rows_read: Callable[[int], None] | None = None,
) -> ImportReport:
    """Load a survey-results file (CSV or xlsx) all-or-nothing; re-loading the same rows is a no-op.

    `on_rows_read(rows)` is told how many rows have been read and validated so far, after each chunk.

    Raises `AppError(code="invalid_file")` listing every bad line, or `Conflict` when a survey_id already loaded
    comes with different answers. Either way nothing is written but the record of the rejected import.
    """
    path = Path(path)
    mapping = mapping or SurveyMapping()
    source_name = source_name or path.name
    sha256 = file_sha256(path)
    # Same bytes through the same mapping as a loaded batch: "No change" without reading a row (reimport.py says why).
    earlier = find_loaded_batch(sha256=sha256, mapping=mapping.as_dict())
    if earlier is not None:
        return record_unchanged_import(
            earlier=earlier, actor=actor, user=user, source_name=source_name, mapping=mapping.as_dict()
        )
    try:
        # Imports are certifier back-office work across every organization in the file.
        with (
            scopes_disabled(),
            transaction.atomic(),
            closing(open_tabular(path, options=mapping.file, name=source_name)) as source,
        ):
            return _import_source(
                source=source,
                mapping=mapping,
                actor=actor,
                user=user,
                sha256=sha256,
                source_name=source_name,
                on_rows_read=on_rows_read,
            )
    except AppError as error:
        record_rejected_import(
            error=error, mapping=mapping, actor=actor, user=user, sha256=sha256, source_name=source_name
        )
        raise


def import_surveys_with_mapping_file(
    *,
    path: Path,
    mapping_file: tuple[str, bytes] | None,
    actor: str,
    user=None,
    source_name: str | None = None,
) -> ImportReport:
    """`import_surveys` with the mapping file as given (its name and bytes): a bad mapping is refused before the
    data is read, and recorded as a rejected import like any other."""
    path = Path(path)
    mapping = None
    if mapping_file is not None:
        name, data = mapping_file
        try:
            mapping = parse_mapping(read_mapping_text(data, source=name), source=name)
        except AppError as error:
            record_rejected_import(
                error=error,
                mapping=SurveyMapping(),
                actor=actor,
                user=user,
                sha256=file_sha256(path),
                source_name=source_name or path.name,
            )
            raise
    return import_surveys(path=path, mapping=mapping, actor=actor, user=user, source_name=source_name)


def _import_source(
    *,
    source: TabularFile,
    mapping: SurveyMapping,
    actor: str,
    user,
    sha256: str,
    source_name: str,
    on_rows_read: Callable[[int], None] | None,
) -> ImportReport:
    reading = _Reading(source=source, mapping=mapping, names=_check_columns(source, mapping), on_rows_read=on_rows_read)
    batch_fields = {"actor": actor, "user": user, "source_name": source_name, "sha256": sha256}
    try:
        if connection.vendor == "postgresql":
            # Room for the staging joins and group-bys of a big file to stay in memory, for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")
            try:
                # A savepoint: when the file leaves the direct path, what it wrote is undone (its lock released too)
                # and the staged path reads the file again from the start.
                with transaction.atomic():
                    return _import_directly(reading=reading, batch_fields=batch_fields)
            except _LeaveDirectPath:
                reading.close()
                reading = reading.again()
        return _import_staged(reading=reading, batch_fields=batch_fields)
    finally:
        # Not left to the garbage collector: an error's traceback can hold the reading in a cycle for long.
        reading.close()


class _Reading:
    """One pass over the file: its chunks without the skipped rows, validated, and what is gathered from them."""

    def __init__(
        self,
        *,
        source: TabularFile,
        mapping: SurveyMapping,
        names: list[str],
        on_rows_read: Callable[[int], None] | None,
    ) -> None:
        self.source, self.mapping, self.names, self.on_rows_read = source, mapping, names, on_rows_read
        self.roster = _RosterCollector()
        self.display_names = _NameCollector(names)
        self.errors: list[_RowError] = []
        self.skipped: Counter[tuple[int, str]] = Counter()
        self.rows_total = self.rows_valid = 0
        # Certification counts the rows into its rollups as they are read, on the other core from the COPY.
        scale = (mapping.scale_min, mapping.scale_max)
        self.tallies = [tally for _receiver, tally in surveys_importing.send(sender=ImportBatch, scale=scale) if tally]

    def again(self) -> _Reading:
        return _Reading(source=self.source, mapping=self.mapping, names=self.names, on_rows_read=self.on_rows_read)

    def close(self) -> None:
        """The tallies' files are removed: the import is done with this reading."""
        for tally in self.tallies:
            tally.close()

    def chunks(self) -> Iterator[tuple[pl.DataFrame, list[_RowError]]]:
        """Each chunk's valid rows and errors; the caller writes the rows, then `gather`s them."""
        columns = _interchange_columns(self.mapping, self.names, self.source)
        # Growing chunks on PostgreSQL only, whose writes overlap the reading; on SQLite they would only be more.
        first = FIRST_CHUNK_ROWS if connection.vendor == "postgresql" else None
        for chunk in self.source.batches(columns, CHUNK_ROWS, first_chunk_rows=first):
            if self.mapping.skip:
                self.skipped.update(skipped_counts(chunk))
                chunk = chunk.filter(pl.col("__skip_rule").is_null()).drop("__skip_rule", "__skip_value")
            self.rows_total += chunk.height
            # Rows are read in file order: the first errors are in the first rows with errors.
            valid, errors = _validate(chunk, self.mapping, worded_rows=max(0, ERRORS_WORDED - len(self.errors)))
            self.errors.extend(errors)
            yield valid, errors

    def gather(self, valid: pl.DataFrame) -> None:
        self.rows_valid += valid.height
        if not self.errors:
            for tally in self.tallies:
                tally.add(valid)
        self.roster.add(valid)
        if self.on_rows_read is not None:
            self.on_rows_read(self.rows_total)
        self.display_names.add(valid)

    def skipped_rows(self) -> list[SkippedRows]:
        skip_columns = list(self.mapping.skip)
        return [
            SkippedRows(column=skip_columns[rule], value=value, rows=count)
            for (rule, value), count in sorted(self.skipped.items(), key=lambda item: (item[0][0], -item[1]))
        ]


class _LeaveDirectPath(Exception):
    """The file is not one the direct path writes; the staged path takes it."""


def _import_directly(*, reading: _Reading, batch_fields: dict) -> ImportReport:
    """PostgreSQL, for a file whose rows are all valid and all new surveys (a client's export of its new months, or a
    first load): each chunk's missing people are created, and its surveys copied straight into the surveys table by a
    second thread while the next chunk is read and validated. No staging table, no `INSERT … SELECT`: the writing
    overlaps the reading (docs/performance.md).

    Anything else raises `_LeaveDirectPath` as soon as it shows: a bad value (the staged path lists every error), a
    later organization whose turn another import has, a survey already loaded or repeated in the file (the COPY's
    unique violation), a site given two countries."""
    mapping = reading.mapping
    scale = (mapping.scale_min, mapping.scale_max)
    organizations: set[str] = set()
    batch = lowest_pk = None
    loading: _BackgroundCopy | None = None
    counting: _InThread | None = None
    known = RosterIds()  # the ids of every code so far
    types = _copy_types([SurveyResponse._meta.get_field(column).db_type(connection) for column in SURVEY_COLUMNS])
    try:
        for valid, errors in reading.chunks():
            if errors:
                raise _LeaveDirectPath
            if valid.height == 0:
                reading.gather(valid)
                continue
            codes = set(valid["org"].unique().to_list())
            sites, people = _chunk_roster(valid)  # before waiting: the server may still be writing the last chunk
            _wait_for_direct_copy(loading)
            if batch is None:
                # Every organization's turn at once, in code order, as the staged path takes them: a turn taken
                # later could wait on an import waiting for one this import holds.
                organizations = codes
                _take_turns(organizations=sorted(organizations))
                batch = ImportBatch.objects.create(
                    **batch_fields, mapping=mapping.as_dict(), status=ImportBatch.Status.APPLIED
                )
                lowest_pk = _next_survey_pk()
            elif not codes <= organizations:
                # A file of several organizations one after another: the next one's turn, if no other import has
                # it. Waiting for it here, holding the others, could deadlock; the staged path waits for all in order.
                if not _take_turns_now(organizations=sorted(codes - organizations)):
                    raise _LeaveDirectPath
                organizations |= codes
            ids = _create_missing_roster(sites=sites, people=people, known=known)
            rows = _survey_rows(valid, ids=ids, batch_id=batch.id, scale=scale)
            loading = _BackgroundCopy(
                connection.connection,
                f"COPY surveys_surveyresponse ({', '.join(SURVEY_COLUMNS)}) FROM STDIN (FORMAT binary)",
                lambda rows=rows: _copy_pieces(rows, types=types),
            )
            # Counted and gathered while the server writes the chunk, not before: it needs no database.
            reading.gather(valid)
        # What is left to do without the database: the tally resolved to roster ids, in a thread of its own while
        # the server writes the last chunk and the roster is upserted (which gives each code the id it has now); for
        # 10M surveys the rollup rows took 3.8 s, when the server waited (each range of them is now summed and sorted
        # as the rollups' COPY takes it). Then the roster's changes.
        counting = _InThread(lambda: [tally.rollup_rows(known) for tally in reading.tallies])
        reading.roster.prepare()
        _wait_for_direct_copy(loading)
        if batch is None or reading.roster.gives_a_site_two_countries():
            raise _LeaveDirectPath
        # The people each chunk created have no site or supervisor yet: the whole file's upsert moves everyone.
        organizations, roster_ids = reading.roster.upsert(names=reading.display_names.names())
        counting.wait()
    except BaseException:
        # The savepoint is rolled back after both threads are done: the copy under way, on the one connection, and
        # the counting, so that no thread outlives the import. Their own errors are second to this one.
        for thread in (loading, counting):
            with suppress(Exception):
                if thread is not None:
                    thread.wait()
        raise
    return _record_batch(
        batch=batch,
        reading=reading,
        organizations=organizations,
        roster_ids=roster_ids,
        created=reading.rows_valid,
        survey_pks=(lowest_pk, _highest_survey_pk()),
    )


def _chunk_roster(
    valid: pl.DataFrame,
) -> tuple[dict[tuple[str, str], str], list[tuple[str, str, bool, bool]]]:
    """A chunk's sites, with their country, and its people: (organization, code, is CSR, is supervisor)."""
    sites = valid.select("org", "site", "country").unique()
    people = (
        pl.concat(
            [
                valid.select("org", pl.col("csr").alias("code"), is_csr=True, is_supervisor=False),
                valid.select("org", pl.col("supervisor").alias("code"), is_csr=False, is_supervisor=True),
            ]
        )
        .group_by("org", "code")
        .agg(pl.col("is_csr").any(), pl.col("is_supervisor").any())
        .sort("org", "code")
    )
    return {(org, site): country for org, site, country in sites.iter_rows()}, list(people.iter_rows())


def _create_missing_roster(
    *, sites: dict[tuple[str, str], str], people: list[tuple[str, str, bool, bool]], known: RosterIds
) -> RosterIds:
    """The roster ids of a chunk's codes: those of codes an earlier chunk named from `known`, the others looked up,
    or created when not on the roster yet (`known` gains them). Most of a later chunk's codes are known: it then
    waits for no statement between two COPYs."""
    new_sites = {key: country for key, country in sites.items() if key not in known.sites}
    new_people = [person for person in people if (person[0], person[1]) not in known.people]
    if new_sites or new_people:
        found = create_missing_roster(sites=new_sites, people=new_people)
        known.organizations.update(found.organizations)
        known.sites.update(found.sites)
        known.people.update(found.people)
    # A code the roster still lacks stays out, as `create_missing_roster` leaves it: the COPY refuses its null.
    return RosterIds(
        organizations={org: known.organizations[org] for org, _site in sites if org in known.organizations},
        sites={key: known.sites[key] for key in sites if key in known.sites},
        people={
            key: known.people[key] for key in ((org, code) for org, code, *_flags in people) if key in known.people
        },
    )


def _wait_for_direct_copy(loading: _BackgroundCopy | None) -> None:
    if loading is None:
        return
    try:
        loading.wait()
    except psycopg.IntegrityError as error:
        # A survey already loaded or repeated in the file: the staged path says which. Any other error (a cancelled
        # statement, a full disk) stops the import, as it would the staged path's.
        raise _LeaveDirectPath from error


def _survey_rows(
    valid: pl.DataFrame, *, ids: RosterIds, batch_id: int, scale: tuple[int, int]
) -> Iterator[pl.DataFrame]:
    """A chunk's surveys as the binary COPY writes them, in `SURVEY_COLUMNS` order, each code replaced by its roster
    id (a code missing from `ids` leaves a null, which the table refuses), in pieces of `COPY_PIECE_ROWS`. The ids
    are read here, in the importing thread; each piece is joined to them when the copy's thread asks for it: joining
    the whole chunk first kept the server waiting 0.1 s a chunk of 240,000 rows."""
    organizations = pl.DataFrame(
        list(ids.organizations.items()), schema={"org": pl.String, "organization_id": pl.Int64}, orient="row"
    )
    sites = pl.DataFrame(
        [(*key, pk) for key, pk in ids.sites.items()],
        schema={"org": pl.String, "site": pl.String, "site_id": pl.Int64},
        orient="row",
    )
    people = pl.DataFrame(
        [(*key, pk) for key, pk in ids.people.items()],
        schema={"org": pl.String, "code": pl.String, "id": pl.Int64},
        orient="row",
    )
    # The columns not copied as they are in the valid rows.
    computed = {
        "business_days_after_call": pl.col("business_days"),
        "rating_scale_min": pl.lit(scale[0]),
        "rating_scale_max": pl.lit(scale[1]),
        "is_world_class_call": pl.col("is_wcc"),
        "import_batch_id": pl.lit(batch_id),
        "created_at": pl.lit(timezone.now()),
    }

    def with_ids(piece: pl.DataFrame) -> pl.DataFrame:
        return (
            piece.lazy()
            .join(organizations.lazy(), on="org", how="left", maintain_order="left")
            .join(sites.lazy(), on=["org", "site"], how="left", maintain_order="left")
            .join(
                people.lazy().rename({"code": "supervisor", "id": "supervisor_id"}),
                on=["org", "supervisor"],
                how="left",
                maintain_order="left",
            )
            .join(
                people.lazy().rename({"code": "csr", "id": "csr_id"}),
                on=["org", "csr"],
                how="left",
                maintain_order="left",
            )
            .select([computed.get(column, pl.col(column)).alias(column) for column in SURVEY_COLUMNS])
            .collect()
        )

    def pieces() -> Iterator[pl.DataFrame]:
        # In the order of the unique key (organization, survey id), sorted in the copy's thread: an export in call
        # order gives survey ids scattered over the key, and sorted inserts touch its pages in turn. 1.3 s less of
        # the server's CPU for a million surveys in call order (docs/performance.md, fifteenth session).
        for piece in valid.sort("org", "survey_id").iter_slices(COPY_PIECE_ROWS):
            yield with_ids(piece)

    return pieces()


# Rows per piece of a chunk's COPY: PostgreSQL writes one piece while the next is made.
COPY_PIECE_ROWS = 20_000


def _copy_types(db_types: list[str]) -> list[str]:
    """Columns' database types as the binary COPY writes them: checked, and Arrow loaded, in the importing thread
    rather than in the copy's."""
    from worldclass.core.binary_copy import copy_type  # Arrow loads only where PostgreSQL copies

    return [copy_type(db_type) for db_type in db_types]


def _copy_pieces(pieces: Iterable[pl.DataFrame], *, types: list[str]) -> Iterator[memoryview]:
    """A chunk's rows, given in pieces, as binary COPY data: the server stores the values as they come, where it
    parsed the CSV text of a million surveys in 2.5 to 3 s more."""
    from worldclass.core.binary_copy import binary_copy_pieces  # loaded by `_copy_types` already

    return binary_copy_pieces(pieces, types=types)


def _import_staged(*, reading: _Reading, batch_fields: dict) -> ImportReport:
    """Every file: its valid rows staged, checked across rows, then inserted with their roster ids by one statement."""
    source, mapping = reading.source, reading.mapping
    stage = _Stage.create()
    try:
        for valid, _errors in reading.chunks():
            stage.load(valid)
            reading.gather(valid)
    except BaseException:
        # The file could not be read to the end: the copy under way is waited for (its own error, if any, is
        # second to this one) before the transaction rolls back.
        with suppress(Exception):
            stage.wait_for_loads()
        raise
    stage.analyze()
    errors = reading.errors
    if reading.roster.gives_a_site_two_countries():
        errors.extend(stage.country_errors())
    if errors:
        # The file is refused: its surveys repeated with other answers are listed with its other errors. A file
        # without errors finds its repeats when they collide in the insert (`_Stage.insert_surveys`).
        errors.extend(stage.repeated_survey_errors())
        raise _invalid_file(source, errors)

    batch = ImportBatch.objects.create(
        **batch_fields, mapping=mapping.as_dict(), status=ImportBatch.Status.APPLIED, rows_total=reading.rows_total
    )
    _take_turns(organizations=reading.roster.organizations())
    organizations, roster_ids = reading.roster.upsert(names=reading.display_names.names())
    if connection.vendor == "postgresql":
        # The roster may have just grown by thousands of people in this transaction; stale estimates make the
        # planner join a large file against "a few" people with nested loops (tens of millions of comparisons).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_organization, directory_site, directory_person")
    try:
        created, survey_pks = stage.insert_surveys(batch_id=batch.id, scale=(mapping.scale_min, mapping.scale_max))
    except _RepeatedWithOtherAnswers as repeated:
        raise _invalid_file(source, repeated.errors) from None
    if created < reading.rows_total:
        conflicts = stage.changed_answers()
        if conflicts:
            lines = source.lines([row for row, _ in conflicts])
            changed = gettext_noop(
                "{count:,} row(s) change the answers of surveys already loaded; customers' answers are never edited, "
                "so nothing was imported."
            )
            raise Conflict(
                changed.format(count=len(conflicts)),
                code="changed_answers",
                template=changed,
                params={"count": len(conflicts)},
                details=[
                    ErrorDetail.worded(
                        gettext_noop("survey {survey_id!r} is already loaded with different content"),
                        field="survey_id",
                        line=lines[row],
                        survey_id=survey_id,
                    )
                    for row, survey_id in conflicts
                ],
            )
    stage.drop()
    return _record_batch(
        batch=batch,
        reading=reading,
        organizations=organizations,
        roster_ids=roster_ids,
        created=created,
        survey_pks=survey_pks,
    )


def _record_batch(
    *,
    batch: ImportBatch,
    reading: _Reading,
    organizations: list[str],
    roster_ids: RosterIds,
    created: int,
    survey_pks: tuple[int, int],
) -> ImportReport:
    """The surveys are written: the rollups and eligibility, the batch's counts, the audit."""
    eligibility: list[dict] = []
    if created:
        # Certification adds the batch to the rollups here, in this transaction (all or nothing), and says how many
        # of its surveys each survey window counts.
        for _receiver, findings in surveys_recorded.send(
            sender=ImportBatch,
            import_batch_id=batch.id,
            survey_pks=survey_pks,
            tallies=reading.tallies if created == reading.rows_valid else [],
            roster=roster_ids,
        ):
            eligibility.extend(findings or [])

    batch.status = ImportBatch.Status.APPLIED if created else ImportBatch.Status.NO_OP
    batch.rows_total = reading.rows_total
    batch.rows_created = created
    batch.rows_unchanged = reading.rows_total - created
    if len(organizations) == 1:
        batch.organization = get_organization_by_code(code=organizations[0])
    batch.save()
    report = ImportReport.of_batch(
        batch, organizations=organizations, skipped=reading.skipped_rows(), eligibility=eligibility
    )
    mapping = reading.mapping.as_dict()
    audit_import(
        report=report,
        batch=batch,
        actor=batch.actor,
        user=batch.user,
        names_changed=roster_ids.renamed,
        mapping=mapping,
        eligibility=report.eligibility,
    )
    return report


def record_rejected_import(
    *, error: AppError, mapping: SurveyMapping, actor: str, user, sha256: str, source_name: str
) -> None:
    """Record a refused import (the one recorder: the command line, the API and the web upload's form all refuse
    through it). Runs after the import's transaction rolled back, so only the record is written."""
    row_errors = [d for d in error.details if d.line is not None] or error.details
    with scopes_disabled(), transaction.atomic():
        batch = ImportBatch.objects.create(
            actor=actor,
            user=user,
            source_name=source_name,
            sha256=sha256,
            mapping=mapping.as_dict(),
            status=ImportBatch.Status.REJECTED,
            error_count=len(row_errors) or 1,
            errors=[{"code": error.code, "message": error.message}]
            + [d.as_dict() for d in error.details[:ERRORS_RECORDED]],
        )
        record_audit_event(
            actor=actor,
            user=user,
            action="surveys.import_rejected",
            object_type="surveys.importbatch",
            object_id=batch.id,
            summary=f"{source_name}: {error.message.splitlines()[0]}",
            input_sha256=sha256,
            counts={"errors": len(row_errors)},
            details={"code": error.code, "first_errors": [d.as_dict() for d in error.details[:20]]},
        )


# --- reading -----------------------------------------------------------------------------------------------


def _check_columns(source: TabularFile, mapping: SurveyMapping) -> list[str]:
    """Refuse a header that lacks a column the mapping reads, or repeats one; returns the name columns given."""
    present = check_header(source, mapping, required=REQUIRED_COLUMNS, optional=["comment", *NAME_COLUMNS])
    return [column for column in present if column in NAME_COLUMNS]


def _interchange_columns(mapping: SurveyMapping, names: list[str], source: TabularFile) -> list[pl.Expr]:
    return interchange_columns(
        mapping,
        required=REQUIRED_COLUMNS,
        optional=["comment", *NAME_COLUMNS],
        present=[*names, *(["comment"] if _gives_comment(mapping, source) else [])],
        frame_names=source.frame_names,
    )


def _gives_comment(mapping: SurveyMapping, source: TabularFile) -> bool:
    """Many exports have no comment column: then every comment is empty."""
    return "comment" in mapping.constants or "comment" in mapping.columns or "comment" in source.header


# --- validation --------------------------------------------------------------------------------------------


def _with_fast_timestamps(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The common spellings `2025-01-31T14:05:00-05:00` and `…:00Z`, parsed by fixed positions (fast). The local
    time and the offset are computed once each, then tested: an eager expression used twice is computed twice."""
    parsed = []
    for column in columns:
        text = pl.col(column)
        length = text.str.len_bytes()
        with_offset = (length == 25) & text.str.slice(19, 1).is_in(["+", "-"]) & (text.str.slice(22, 1) == ":")
        zulu = (length == 20) & text.str.slice(19, 1).is_in(["Z", "z"])
        offset = (
            pl.when(zulu)
            .then(pl.lit(0, dtype=pl.Int64))
            .when(with_offset)
            .then(
                pl.when(text.str.slice(19, 1) == "-").then(-1).otherwise(1)
                * (
                    text.str.slice(20, 2).cast(pl.Int64, strict=False) * 60
                    + text.str.slice(23, 2).cast(pl.Int64, strict=False)
                )
            )
        )
        parsed += [
            text.str.slice(0, 19)
            .str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")
            .alias(f"__{column}_fast_local"),
            offset.alias(f"__{column}_fast_offset"),
        ]
    df = df.with_columns(parsed)
    outputs = []
    for column in columns:
        local, offset = pl.col(f"__{column}_fast_local"), pl.col(f"__{column}_fast_offset")
        # A null offset (neither spelling) makes `sane` null, which `when` takes as false.
        sane = local.is_not_null() & (offset.abs() < 24 * 60)
        outputs += _timestamp_outputs(column, sane, local, offset)
    return df.with_columns(outputs).drop([f"__{c}_fast_{part}" for c in columns for part in ("local", "offset")])


def _timestamp_outputs(column: str, sane: pl.Expr, local: pl.Expr, offset: pl.Expr) -> list[pl.Expr]:
    """Columns __<column>_local (naive local time) and __<column>_offset (minutes), null when unparsed."""
    return [
        pl.when(sane).then(local).alias(f"__{column}_local"),
        pl.when(sane).then(offset).alias(f"__{column}_offset"),
    ]


def _derived_timestamp_columns(column: str) -> list[pl.Expr]:
    local, offset = pl.col(f"__{column}_local"), pl.col(f"__{column}_offset")
    return [
        (local - (offset * 60_000_000).cast(pl.Duration("us"))).alias(f"__{column}_utc"),
        local.dt.date().alias(f"__{column}_local_date"),
    ]


def _timestamp_columns(column: str) -> list[pl.Expr]:
    """Any ISO 8601 spelling with an offset (fractions, a space, `+0530`, `+05`), parsed by a regex (slower)."""
    parts = pl.col(column).str.extract_groups(TIMESTAMP_PATTERN)
    hours = parts.struct.field("h").cast(pl.Int64, strict=False)
    minutes = parts.struct.field("mi").cast(pl.Int64, strict=False)
    seconds = parts.struct.field("s").fill_null("0").cast(pl.Int64, strict=False)
    micros = parts.struct.field("f").fill_null("").str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64, strict=False)
    tz = parts.struct.field("tz")
    tz_digits = tz.str.replace(":", "")
    offset = (
        pl.when(tz.str.to_uppercase() == "Z")
        .then(pl.lit(0, dtype=pl.Int64))
        .otherwise(
            pl.when(tz.str.slice(0, 1) == "-").then(-1).otherwise(1)
            * (
                tz_digits.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + tz_digits.str.slice(3, 2).str.pad_end(2, "0").cast(pl.Int64, strict=False)
            )
        )
    )
    local_date = parts.struct.field("date").str.to_date("%Y-%m-%d", strict=False)
    sane = (hours <= 23) & (minutes <= 59) & (seconds <= 59) & (offset.abs() < 24 * 60) & local_date.is_not_null()
    local = local_date.cast(pl.Datetime("us")) + pl.duration(
        hours=hours, minutes=minutes, seconds=seconds, microseconds=micros
    )
    return _timestamp_outputs(column, sane, local, offset)


def _local_timestamp_columns(frame: pl.DataFrame, column: str, mapping: SurveyMapping) -> pl.DataFrame:
    """Offset-less timestamps read in the mapping's [file] timezone (see `with_local_instants`), as the columns
    the other timestamp parsers give, for the rows in `frame`."""
    frame = with_local_instants(frame.select("row_index", column), column, mapping.file)
    if mapping.file.timezone is None:
        # A date_format without a zone: the timestamp parses, but its instant would still be a guess.
        return frame.select(
            "row_index",
            pl.lit(None, dtype=pl.Datetime("us")).alias(f"__{column}_local"),
            pl.col("__naive").is_not_null().alias(f"__{column}_no_zone"),
        )
    return frame.select(
        "row_index",
        pl.when(pl.col("__offset").is_not_null()).then(pl.col("__naive")).alias(f"__{column}_local"),
        pl.col("__offset").alias(f"__{column}_offset"),
        pl.col("__gap").alias(f"__{column}_gap"),
    )


def _parse_timestamps(df: pl.DataFrame, mapping: SurveyMapping) -> pl.DataFrame:
    """Add the parsed timestamp columns: the fast path for every row; with a [file] timezone or date_format, the
    local spellings for rows it did not parse (an export without offsets: most rows); the regex for the rest."""
    df = _with_fast_timestamps(df, ["call_at", "surveyed_at"])
    local = mapping.file.timezone is not None or mapping.file.date_format is not None
    for column in ["call_at", "surveyed_at"]:
        df = df.with_columns(pl.lit(False).alias(f"__{column}_gap"), pl.lit(False).alias(f"__{column}_no_zone"))
        if local:
            missed = df.filter(pl.col(f"__{column}_local").is_null())
            if missed.height:
                df = df.update(_local_timestamp_columns(missed, column, mapping), on="row_index")
        missed = df.filter(pl.col(f"__{column}_local").is_null() & ~pl.col(f"__{column}_gap"))
        if missed.height:
            slow = missed.select("row_index", *_timestamp_columns(column))
            df = df.update(slow, on="row_index")
    return df.with_columns(*_derived_timestamp_columns("call_at"), *_derived_timestamp_columns("surveyed_at"))


@dataclass(frozen=True)
class _Check:
    """One of `_validate`'s checks: the column, whether a row is bad, the wording of its error and the row's
    values that the wording names (expressions, in the wording's order)."""

    column: str
    bad: pl.Expr
    wording: _Wording
    values: tuple[pl.Expr, ...] = ()


def _check(column: str, bad: pl.Expr, template: str, reason: str, *, values: dict | None = None, **constants):
    values = values or {}
    wording = _Wording(template=template, values=tuple(values), constants=tuple(constants.items()), reason=reason)
    return _Check(column=column, bad=bad, wording=wording, values=tuple(values.values()))


def _rule_check(
    rule: Rule, tested: pl.Expr, *, shown: pl.Expr | None = None, row: dict[str, pl.Expr] | None = None, **named
) -> _Check:
    """A row rule as one of `_validate`'s checks: `tested` is the value it tests (parsed), `shown` the text its
    message quotes (by default the tested value), `row` the other parsed fields it compares with, `named` the other
    texts its message quotes."""
    return _check(
        rule.field,
        rule.refuses_expr(tested, **(row or {})),
        rule.message,
        rule.reason,
        values={"value": tested if shown is None else shown, **named},
        **rule.parameters(),
    )


def _rating(column: str) -> pl.Expr:
    """A rating as an integer: `5`, or an integral decimal `5.0` (`5,0` with a decimal comma); `4.5` is null."""
    text = pl.col(column)
    whole = text.cast(pl.Int64, strict=False)
    decimal = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    integral = decimal.is_finite() & (decimal == decimal.floor()) & (decimal.abs() <= MAX_RATING_TEXT)
    return pl.when(whole.is_not_null()).then(whole).when(integral).then(decimal.cast(pl.Int64)).alias(f"__{column}")


def _validate(
    chunk: pl.DataFrame, mapping: SurveyMapping, *, worded_rows: int = ERRORS_WORDED
) -> tuple[pl.DataFrame, list[_RowError]]:
    """Normalise a chunk and list its bad values; returns the valid rows in staging form and the errors, those of
    the first `worded_rows` bad rows with the values their messages name."""
    df = chunk.with_columns(
        [pl.col(c).fill_null("").str.strip_chars() for c in COLUMNS + NAME_COLUMNS if c != "comment"]
    )
    df = df.with_columns(pl.col("comment").fill_null(""))
    for column, table in mapping.values.items():
        df = df.with_columns(pl.col(column).replace(list(table), list(table.values())))
    df = df.with_columns(
        pl.col("country").str.to_uppercase(),
        pl.col("channel").str.to_lowercase(),
        pl.col("resolved").str.to_lowercase().alias("__resolved"),
        pl.col("first_call").str.to_lowercase().alias("__first_call"),
        _rating("overall_sat"),
        _rating("csr_sat"),
    )
    df = _parse_timestamps(df, mapping)
    low, high = mapping.scale_min, mapping.scale_max
    checks: list[_Check] = []
    for column in ID_FIELDS:
        checks.extend(_rule_check(rule, pl.col(column)) for rule in id_rules(column))
    for column in NAME_COLUMNS:
        checks.append(_rule_check(MaxLength(field=column, limit=NAME_MAX_LENGTH), pl.col(column)))
    checks.append(_rule_check(ORG_CODE, pl.col("org")))
    checks.append(_rule_check(COUNTRY, pl.col("country")))
    checks.append(_rule_check(CHANNEL, pl.col("channel")))
    for column in ["resolved", "first_call"]:
        checks.append(
            _check(
                column,
                ~pl.col(f"__{column}").is_in(TRUE_WORDS + FALSE_WORDS),
                gettext_noop("'{value}' is not yes/no (accepted: yes/no, y/n, true/false, 1/0)"),
                gettext_noop("is not yes/no"),
                values={"value": pl.col(column)},
            )
        )
    for rule in rating_rules(low=low, high=high):
        value = pl.col(f"__{rule.field}")
        checks.append(
            _check(
                rule.field,
                value.is_null(),
                gettext_noop("'{value}' is not a whole number on the scale {low}..{high}"),
                gettext_noop("is not a whole number"),
                values={"value": pl.col(rule.field)},
                low=low,
                high=high,
            )
        )
        checks.append(_rule_check(rule, value))
    zone = mapping.file.timezone
    date_format = mapping.file.date_format
    for years in time_rules():
        column = years.field
        utc = pl.col(f"__{column}_utc")
        unparsed = utc.is_null()
        gap = pl.col(f"__{column}_gap")
        no_zone = pl.col(f"__{column}_no_zone") | pl.col(column).str.contains(NO_OFFSET_PATTERN)
        shown = {"value": pl.col(column)}
        if zone is not None:
            checks.append(
                _check(
                    column,
                    gap,
                    gettext_noop("'{value}' does not exist in {zone} (the clocks went forward)"),
                    gettext_noop("a local time that does not exist in {zone}"),
                    values=shown,
                    zone=zone,
                )
            )
        else:
            checks.append(
                _check(
                    column,
                    unparsed & no_zone,
                    gettext_noop(
                        "'{value}' has no UTC offset (write e.g. 2025-01-31T14:05:00-05:00, or set [file] timezone "
                        "in the mapping)"
                    ),
                    NO_UTC_OFFSET,
                    values=shown,
                )
            )
        # What a value that cannot be read is not, as the mapping's [file] section lets it be written.
        constants = {}
        if zone is None:
            unreadable = (
                gettext_noop("'{value}' is not an ISO 8601 timestamp with a UTC offset"),
                gettext_noop("is not an ISO 8601 timestamp with a UTC offset"),
            )
        elif date_format:
            unreadable = (
                gettext_noop("'{value}' is not an ISO 8601 timestamp or a date {date_format!r} with a time"),
                gettext_noop("is not an ISO 8601 timestamp or a date {date_format!r} with a time"),
            )
            constants = {"date_format": date_format}
        else:
            unreadable = (
                gettext_noop("'{value}' is not an ISO 8601 timestamp"),
                gettext_noop("is not an ISO 8601 timestamp"),
            )
        checks.append(
            _check(
                column,
                unparsed & ~gap & ~(no_zone if zone is None else pl.lit(False)),
                *unreadable,
                values=shown,
                **constants,
            )
        )
        checks.append(_rule_check(years, utc, shown=pl.col(column)))
    checks.append(
        _rule_check(
            SURVEY_NOT_BEFORE_CALL,
            pl.col("__surveyed_at_utc"),
            shown=pl.col("surveyed_at"),
            row={"call_at": pl.col("__call_at_utc")},
            call_at=pl.col("call_at"),
        )
    )

    errors: list[_RowError] = []
    # Lazily, so that subexpressions the checks share are computed once.
    df = (
        df.lazy()
        .with_columns(pl.any_horizontal([check.bad.fill_null(False) for check in checks]).alias("__bad"))
        .collect()
    )
    if df["__bad"].any():
        bad_rows = df.filter(pl.col("__bad"))
        worded = bad_rows.head(worded_rows)
        for check in checks:
            message = check.wording.message_expr(check.values).alias("message")
            values = [value.cast(pl.String).alias(f"__value_{i}") for i, value in enumerate(check.values)]
            errors.extend(
                _RowError(row=row, field=check.column, wording=check.wording, message=text, values=tuple(found))
                for row, text, *found in worded.filter(check.bad.fill_null(False))
                .select("row_index", message, *values)
                .iter_rows()
            )
            errors.extend(
                _RowError(row=row, field=check.column, wording=check.wording, message=text)
                for row, text in bad_rows.slice(worded_rows)
                .filter(check.bad.fill_null(False))
                .select("row_index", message)
                .iter_rows()
            )
        df = df.filter(~pl.col("__bad"))
    return _staging_frame(df, mapping), errors


def _content_sha256(lines: str) -> pl.Expr:
    """`content.content_sha256` (SHA-256 of the UTF-8 line, in hex) of every line of a column, computed in Rust:
    in Python it was 2 s per million rows."""
    return polars_hash.col(lines).chash.sha2_256()


def _staging_frame(df: pl.DataFrame, mapping: SurveyMapping) -> pl.DataFrame:
    """The derived fields of valid rows, in the staging table's column order."""
    if df.height == 0:
        return df.select(STAGE_NAMES[:1]).clear()
    resolved = pl.col("__resolved").is_in(TRUE_WORDS)
    first_call = pl.col("__first_call").is_in(TRUE_WORDS)
    top = mapping.scale_max
    call_utc, survey_utc = pl.col("__call_at_utc"), pl.col("__surveyed_at_utc")
    df = df.with_columns(
        resolved.alias("resolved"),
        first_call.alias("first_call"),
        pl.col("__overall_sat").alias("overall_sat"),
        pl.col("__csr_sat").alias("csr_sat"),
        pl.col("__call_at_local_date").alias("call_local_date"),
        pl.col("__surveyed_at_local_date").alias("survey_local_date"),
        pl.col("__call_at_local_date").dt.month_start().alias("call_month"),
        # Whole seconds, rounded down: a survey 9 min 59.9 s after the call is not 10 minutes after it.
        ((survey_utc - call_utc).dt.total_microseconds() // 1_000_000).alias("delay_seconds"),
        (resolved & first_call).alias("is_fcr"),
        (resolved & (pl.col("__overall_sat") == top) & (pl.col("__csr_sat") == top)).alias("is_wcc"),
        pl.concat_str(
            [
                pl.col("survey_id"),
                pl.col("call_id"),
                pl.col("org"),
                pl.col("site"),
                pl.col("supervisor"),
                pl.col("csr"),
                pl.col("channel"),
                pl.format("{}@{}", call_utc.cast(pl.Int64), pl.col("__call_at_offset")),
                pl.format("{}@{}", survey_utc.cast(pl.Int64), pl.col("__surveyed_at_offset")),
                pl.when(resolved).then(pl.lit("1")).otherwise(pl.lit("0")),
                pl.when(first_call).then(pl.lit("1")).otherwise(pl.lit("0")),
                pl.col("__overall_sat").cast(pl.String),
                pl.col("__csr_sat").cast(pl.String),
                pl.lit(f"{mapping.scale_min}-{mapping.scale_max}"),
                pl.col("comment"),
            ],
            separator=SEPARATOR,
        ).alias("__canonical"),
        call_utc.alias("call_at"),
        survey_utc.alias("surveyed_at"),
    )
    # Each row's country as its index among the chunk's countries, sorted as the dense rank numbers them.
    business_days = business_days_after_coded(
        countries=df["country"].unique().sort().to_list(),
        codes=df["country"].rank("dense").to_numpy().astype(np.int64) - 1,
        starts=df["call_local_date"].to_numpy().astype("datetime64[D]"),
        ends=df["survey_local_date"].to_numpy().astype("datetime64[D]"),
    )
    df = df.with_columns(
        pl.Series("business_days", business_days), _content_sha256("__canonical").alias("content_sha256")
    )
    return df.select(STAGE_NAMES + NAME_COLUMNS)


# --- staging and loading -----------------------------------------------------------------------------------


class _RosterCollector:
    """The latest row per CSR and per supervisor, the sites and the organizations, gathered chunk by chunk."""

    def __init__(self) -> None:
        self.people: list[pl.DataFrame] = []
        self.sites: list[pl.DataFrame] = []
        self._upsert: dict | None = None  # `prepare`d arguments of `upsert_roster`

    @staticmethod
    def _latest(frame: pl.DataFrame, person: str) -> pl.DataFrame:
        columns = ["org", "site", "supervisor", "call_at", "row_index"]
        return (
            frame.select(pl.col(person).alias("code"), pl.lit(person).alias("role"), *columns)
            .sort(["call_at", "row_index"])
            .group_by(["org", "code", "role"], maintain_order=True)
            .last()
        )

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        self._upsert = None
        self.people.append(pl.concat([self._latest(frame, "csr"), self._latest(frame, "supervisor")]))
        self.sites.append(frame.select("org", "site", "country").unique())
        # Keep memory bounded for files with very many people: fold the partial results now and then.
        if len(self.people) >= 16:
            self.people = [self._fold(self.people)]
            self.sites = [pl.concat(self.sites).unique()]

    @staticmethod
    def _fold(parts: list[pl.DataFrame]) -> pl.DataFrame:
        return (
            pl.concat(parts)
            .sort(["call_at", "row_index"])
            .group_by(["org", "code", "role"], maintain_order=True)
            .last()
        )

    def organizations(self) -> list[str]:
        return sorted({code for part in self.sites for code in part["org"].unique().to_list()})

    def gives_a_site_two_countries(self) -> bool:
        """Whether some site comes with two countries: a few rows per site to look at, where finding the rows that
        differ means grouping the whole staged file (half a second a million rows)."""
        if not self.sites:
            return False
        sites = pl.concat(self.sites).unique()
        return sites.select(pl.struct("org", "site").is_duplicated().any()).item()

    def upsert(self, *, names: DisplayNames | None) -> tuple[list[str], RosterIds]:
        """Create or update the organizations, sites and people the rows name, with the display names the file
        gives; returns the organization codes and the ids of every code."""
        if not self.people:
            return [], RosterIds()
        self.prepare()
        ids = upsert_roster(**self._upsert, names=names)
        return sorted(self._upsert["organizations"]), ids

    def prepare(self) -> None:
        """Gather the upsert's arguments from the chunks' rows, if not done since the last `add`: the direct path
        does it while its last chunk is copied."""
        if self._upsert is not None or not self.people:
            return
        people = self._fold(self.people)
        sites = pl.concat(self.sites).unique()
        sightings = [
            PersonSighting(
                organization=org,
                code=code,
                site=site,
                supervisor=supervisor if role == "csr" else None,
                as_of=call_at.replace(tzinfo=dt.UTC),
                is_csr=role == "csr",
                is_supervisor=role == "supervisor",
            )
            for org, code, role, site, supervisor, call_at, _row in people.iter_rows()
        ]
        self._upsert = {
            "organizations": set(sites["org"].to_list()),
            "sites": {(org, site): country for org, site, country in sites.iter_rows()},
            "sightings": sightings,
        }


class _NameCollector:
    """Per code, the last non-empty display name in file order, gathered chunk by chunk from the valid rows."""

    KEYS = {"org_name": ["org"], "site_name": ["org", "site"], "supervisor_name": ["org", "supervisor"]}
    KEYS["csr_name"] = ["org", "csr"]

    def __init__(self, present: list[str]) -> None:
        self.parts: dict[str, list[pl.DataFrame]] = {column: [] for column in present}

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        for column, parts in self.parts.items():
            parts.append(self._last(frame.filter(pl.col(column) != "").select(*self.KEYS[column], column), column))
            if len(parts) >= 16:
                self.parts[column] = [self._last(pl.concat(parts), column)]

    def _last(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        return frame.group_by(self.KEYS[column], maintain_order=True).agg(pl.col(column).last())

    def names(self) -> DisplayNames | None:
        """None when the file gives no name column: the names staff gave stay as they are."""
        if not self.parts:
            return None
        names = DisplayNames()
        for column, parts in self.parts.items():
            if not parts:
                continue
            for *key, name in self._last(pl.concat(parts), column).iter_rows():
                if column == "org_name":
                    names.organizations[key[0]] = name
                elif column == "site_name":
                    names.sites[(key[0], key[1])] = name
                else:
                    names.people[(key[0], key[1])] = name
        return names


class _RepeatedWithOtherAnswers(Exception):
    """The file repeats survey_ids with other answers (found when its rows collided in the insert)."""

    def __init__(self, errors: list[_RowError]) -> None:
        super().__init__(f"{len(errors)} repeated survey(s)")
        self.errors = errors


class _Stage:
    """A temporary table holding the valid rows of the file being imported, in this transaction."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.vendor = connection.vendor
        # Rows repeating an earlier row of the file with the same content: loaded once, from the first.
        self.repeated_rows: list[int] = []
        self._loading: _BackgroundCopy | None = None

    @classmethod
    def create(cls) -> _Stage:
        stage = cls(f"wc_survey_stage_{uuid.uuid4().hex[:12]}")
        if stage.vendor == "postgresql":
            # The surveys' survey_id compares byte by byte (migration 0011); the stage's must compare with it.
            columns = ", ".join(f"{n} {t}" + (' COLLATE "C"' if n == "survey_id" else "") for n, t in STAGE_COLUMNS)
        else:
            # SQLite stores Django's text forms of dates and datetimes; the row index is the rowid.
            types = {"row_index": "integer primary key", "timestamptz": "text", "date": "text", "boolean": "integer"}
            columns = ", ".join(f"{n} {types.get(n) or types.get(t, t)}" for n, t in STAGE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {stage.name} ({columns})")
        return stage

    def load(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        frame = frame.select(STAGE_NAMES)
        if self.vendor == "postgresql":
            columns = ", ".join(STAGE_NAMES)
            # One chunk in flight at most, so memory stays bounded by the chunk size.
            self.wait_for_loads()
            connection.ensure_connection()
            types = _copy_types([db_type for _, db_type in STAGE_COLUMNS])
            self._loading = _BackgroundCopy(
                connection.connection,
                f"COPY {self.name} ({columns}) FROM STDIN (FORMAT binary)",
                lambda: _copy_pieces(frame.iter_slices(COPY_PIECE_ROWS), types=types),
            )
            return
        frame = frame.with_columns(
            _django_sqlite_datetime("call_at"),
            _django_sqlite_datetime("surveyed_at"),
            *[pl.col(c).dt.strftime("%Y-%m-%d") for c in ["call_local_date", "survey_local_date", "call_month"]],
        )
        placeholders = ", ".join(["%s"] * len(STAGE_NAMES))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.name} VALUES ({placeholders})", frame.iter_rows())

    def wait_for_loads(self) -> None:
        """Wait for the chunk being copied; raises its error, if any."""
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.wait()

    def analyze(self) -> None:
        """Give the planner the staging table's statistics: autovacuum never analyzes temporary tables, and
        without them PostgreSQL plans the roster joins of a million rows as nested loops over the whole stage. On
        PostgreSQL, only the columns the stage is joined and grouped on: half the time of all 24."""
        columns = " (row_index, org, site, country, supervisor, csr, survey_id)" if self.vendor == "postgresql" else ""
        self._execute("ANALYZE {stage}" + columns)

    def _fetch(self, sql: str, params=()) -> list[tuple]:
        self.wait_for_loads()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", self.name), params)
            return cursor.fetchall()

    def _execute(self, sql: str, params=()) -> None:
        self.wait_for_loads()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", self.name), params)

    def _repeated_surveys(self) -> list[tuple]:
        """Every row repeating an earlier row's survey_id: (row, first row, survey_id, same content)."""
        return self._fetch(
            """
            WITH firsts AS (
                SELECT org, survey_id, MIN(row_index) AS first_row FROM {stage}
                GROUP BY org, survey_id HAVING COUNT(*) > 1
            )
            SELECT s.row_index, f.first_row, s.survey_id, s.content_sha256 = fs.content_sha256
            FROM {stage} s
            JOIN firsts f ON f.org = s.org AND f.survey_id = s.survey_id
            JOIN {stage} fs ON fs.row_index = f.first_row
            WHERE s.row_index <> f.first_row
            ORDER BY s.row_index
            """
        )

    def repeated_survey_errors(self) -> list[_RowError]:
        """A survey_id repeated with different answers within the file; the rows repeating an earlier row's answers
        are kept for `drop_repeats`."""
        errors = []
        # Finding out whether any survey_id repeats is one grouping of the stage (1.2 s a million rows), where the
        # query naming the repeated rows also joins the whole stage twice (another 1.2 s).
        repeated = self._fetch("SELECT 1 FROM {stage} GROUP BY org, survey_id HAVING COUNT(*) > 1 LIMIT 1")
        repeats = self._repeated_surveys() if repeated else []
        self.repeated_rows = [row for row, _first, _survey_id, same in repeats if same]
        for row, first_row, survey_id, same in repeats:
            if same:
                continue
            errors.append(
                _RowError(row=row, field="survey_id", wording=REPEATED, values=(survey_id,), ref_row=first_row)
            )
        return errors

    def country_errors(self) -> list[_RowError]:
        """Every row giving a site another country than the site's first row in the file."""
        errors = []
        countries = self._fetch(
            """
            WITH firsts AS (
                SELECT org, site, MIN(row_index) AS first_row FROM {stage}
                GROUP BY org, site HAVING COUNT(DISTINCT country) > 1
            )
            SELECT s.row_index, f.first_row, s.site, s.country, fs.country
            FROM {stage} s
            JOIN firsts f ON f.org = s.org AND f.site = s.site
            JOIN {stage} fs ON fs.row_index = f.first_row
            WHERE s.country <> fs.country
            ORDER BY s.row_index
            """
        )
        for row, first_row, site, country, first_country in countries:
            errors.append(
                _RowError(
                    row=row,
                    field="country",
                    wording=OTHER_COUNTRY,
                    values=(site, country, first_country),
                    ref_row=first_row,
                )
            )
        return errors

    def drop_repeats(self) -> None:
        """Remove the rows that repeat an earlier row with the same content, so each survey is inserted once."""
        if not self.repeated_rows:
            return
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"DELETE FROM {self.name} WHERE row_index = ANY(%s)", [self.repeated_rows])
            else:
                cursor.executemany(f"DELETE FROM {self.name} WHERE row_index = %s", [(r,) for r in self.repeated_rows])

    def insert_surveys(self, *, batch_id: int, scale: tuple[int, int]) -> tuple[int, tuple[int, int]]:
        """Insert the rows whose survey_id is not loaded yet; returns how many, and an id range holding them all
        (other writers' surveys may lie in it too: readers filter on the batch)."""
        now = timezone.now()
        if self.vendor == "sqlite":
            now = now.replace(tzinfo=None).isoformat(sep=" ")
        params = [scale[0], scale[1], batch_id, now]
        self.wait_for_loads()
        lowest_possible = _next_survey_pk()
        try:
            # Known surveys are left out by an anti-join, which costs less than ON CONFLICT's speculative insertion
            # of every row. Imports of one organization take turns (`_take_turns`), so only a survey_id the file
            # repeats, or a live answer committed meanwhile, can still collide. Then the statement is undone, the
            # file's repeats are looked for (refused if their answers differ, loaded once if not), and it runs again
            # with ON CONFLICT. Looking for repeats first would group the whole stage for every file (about a second
            # a million rows), where few files repeat a survey.
            with transaction.atomic():
                created = self._insert_surveys(params, on_conflict="")
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            changed = self.repeated_survey_errors()
            if changed:
                raise _RepeatedWithOtherAnswers(changed) from None
            self.drop_repeats()
            created = self._insert_surveys(params, on_conflict="ON CONFLICT (organization_id, survey_id) DO NOTHING")
        return created, (lowest_possible, _highest_survey_pk())

    def _insert_surveys(self, params: list, *, on_conflict: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO surveys_surveyresponse ({", ".join(SURVEY_COLUMNS)})
                SELECT o.id, st.id, sp.id, c.id, s.survey_id, s.call_id, s.channel, s.call_at, s.surveyed_at,
                       s.call_local_date, s.survey_local_date, s.call_month, s.delay_seconds, s.business_days,
                       s.resolved, s.first_call, %s, %s, s.overall_sat, s.csr_sat, s.comment,
                       s.is_fcr, s.is_wcc, s.content_sha256, %s, %s
                FROM {self.name} s
                JOIN directory_organization o ON o.code = s.org
                JOIN directory_site st ON st.organization_id = o.id AND st.code = s.site
                JOIN directory_person sp ON sp.organization_id = o.id AND sp.code = s.supervisor
                JOIN directory_person c ON c.organization_id = o.id AND c.code = s.csr
                WHERE NOT EXISTS (
                    SELECT 1 FROM surveys_surveyresponse r WHERE r.organization_id = o.id AND r.survey_id = s.survey_id
                )
                {on_conflict}
                """,
                params,
            )
            return max(cursor.rowcount, 0)

    def changed_answers(self) -> list[tuple[int, str]]:
        """Rows whose survey_id is already loaded with a different content checksum."""
        return self._fetch(
            """
            SELECT s.row_index, s.survey_id
            FROM {stage} s
            JOIN directory_organization o ON o.code = s.org
            JOIN surveys_surveyresponse r ON r.organization_id = o.id AND r.survey_id = s.survey_id
            WHERE r.content_sha256 <> s.content_sha256
            ORDER BY s.row_index
            """
        )

    def drop(self) -> None:
        self._execute("DROP TABLE IF EXISTS {stage}")


class _InThread:
    """`work()` run in a second thread, beside the importing thread (Polars and psycopg let go of the GIL while
    they work): `wait()` returns when it is done, raising what it raised."""

    def __init__(self, work: Callable[[], object]) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self.thread.start()

    def _run(self, work: Callable[[], object]) -> None:
        try:
            work()
        except BaseException as error:  # handed to the importing thread by wait()
            self.error = error

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


class _BackgroundCopy(_InThread):
    """A chunk's COPY, its binary data made and sent from a second thread while the main thread reads and validates
    the next chunk: PostgreSQL writes the rows on the other core. Django's `connection` belongs to its thread, so
    this writes through the psycopg connection itself, which lets one user at a time in; the import does not touch
    the database again before `wait()`. `pieces` gives the data in pieces, each made while the one before is sent:
    psycopg's queued writer sends them from a thread of its own, where the plain writer's `write` returned only once
    its piece had left, and the server had used up what its socket held before the next piece was made. Its queue
    holds at most this chunk's data: the next chunk's COPY starts after `wait()`."""

    def __init__(self, raw_connection, sql: str, pieces: Callable[[], Iterable[memoryview]]) -> None:
        super().__init__(lambda: self._copy(raw_connection, sql, pieces))

    def _copy(self, raw_connection, sql: str, pieces: Callable[[], Iterable[memoryview]]) -> None:
        with raw_connection.cursor() as cursor, cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy:
            for piece in pieces():
                copy.write(piece)


def _next_survey_pk() -> int:
    """A bound no id taken from now on is below: PostgreSQL's sequence hands out increasing values (this one is
    spent, a harmless gap), whatever ids were written explicitly; SQLite's AUTOINCREMENT goes above every id ever
    used."""
    if connection.vendor == "postgresql":
        sql = "SELECT nextval(pg_get_serial_sequence('surveys_surveyresponse', 'id'))"
    else:
        sql = "SELECT COALESCE(MAX(id), 0) + 1 FROM surveys_surveyresponse"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _highest_survey_pk() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM surveys_surveyresponse")
        return cursor.fetchone()[0]


def _take_turns(*, organizations: list[str]) -> None:
    """Imports naming the same organization write one at a time, until the first commits: so two of them never wait
    on each other's rows (a deadlock), and the second sees the first's surveys as already loaded. The locks are taken
    in code order. SQLite has one writer at a time anyway."""
    if connection.vendor != "postgresql" or not organizations:
        return
    with connection.cursor() as cursor:
        for code in sorted(organizations):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [_turn_key(code)])


def _take_turns_now(*, organizations: list[str]) -> bool:
    """`_take_turns` without waiting (PostgreSQL): whether this import now has every organization's turn. The
    turns taken before one that another import has are kept until the savepoint or transaction ends."""
    with connection.cursor() as cursor:
        for code in organizations:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", [_turn_key(code)])
            if not cursor.fetchone()[0]:
                return False
    return True


def _turn_key(organization: str) -> str:
    return f"worldclass.import.{organization}"


def _django_sqlite_datetime(column: str) -> pl.Expr:
    """Django's SQLite text form of a UTC datetime: no fraction when it is zero."""
    value = pl.col(column)
    return (
        pl.when(value.dt.microsecond() == 0)
        .then(value.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(value.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        .alias(column)
    )


# --- error reporting ---------------------------------------------------------------------------------------


def _invalid_file(source: TabularFile, errors: list[_RowError]) -> AppError:
    """Every error with its file line, ordered by line and column; above SUMMARY_ABOVE errors, a summary per
    column and reason (how many, and the first lines) comes first."""
    lines = source.lines([e.row for e in errors] + [e.ref_row for e in errors if e.ref_row is not None])
    order = {column: index for index, column in enumerate(COLUMNS + NAME_COLUMNS)}
    located = sorted(
        ((e.detail(lines), e.wording) for e in errors),
        key=lambda item: (item[0].line, order.get(item[0].field or "", len(order))),
    )
    details = [detail for detail, _ in located]
    bad_lines = len({d.line for d in details})
    if len(details) <= SUMMARY_ABOVE:
        return AppError.worded(
            gettext_noop("{bad_lines:,} bad line(s) in the file; nothing was imported."),
            code="invalid_file",
            details=details,
            bad_lines=bad_lines,
        )
    groups: dict[tuple[str, str], list[int]] = {}
    reasons: dict[str, dict] = {}
    for detail, wording in located:
        reason = wording.reason_text
        if reason not in reasons:
            reasons[reason] = wording.reason_phrase()
        groups.setdefault((detail.field or "", reason), []).append(detail.line)
    summary = [
        ErrorDetail.worded(
            gettext_noop("{count:,} errors: {reason} (first at lines {lines})")
            if len(found) > 1
            else gettext_noop("{count:,} error: {reason} (first at line {lines})"),
            field=column or None,
            count=len(found),
            reason=reasons[reason],
            lines=", ".join(str(n) for n in found[:SUMMARY_LINES]),
        )
        for (column, reason), found in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return AppError.worded(
        gettext_noop(
            "{errors:,} errors on {bad_lines:,} line(s); nothing was imported. "
            "First a summary per column and reason ({kinds} kind(s)), then every error."
        ),
        code="invalid_file",
        details=summary + details,
        errors=len(details),
        bad_lines=bad_lines,
        kinds=len(summary),
    )


REPEATED = _Wording(
    template=gettext_noop("survey {survey_id!r} appears again with different content (first at line {ref})"),
    values=("survey_id",),
    reason=gettext_noop("a survey appears again with different content"),
)
OTHER_COUNTRY = _Wording(
    template=gettext_noop(
        "site {site!r} has country {country!r} here but {first_country!r} at line {ref}; a site is in one country"
    ),
    values=("site", "country", "first_country"),
    reason=gettext_noop("a site given another country than on its first line"),
)
