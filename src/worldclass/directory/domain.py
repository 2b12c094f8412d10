"""Keeping the roster (organizations, sites, supervisors, CSRs) in step with the survey rows that name them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django_scopes import scopes_disabled

from worldclass.directory.models import Organization, Site


@dataclass(frozen=True)
class PersonSighting:
    """The latest row naming a person in one role: where they were, and (for CSRs) who supervised them."""

    organization: str
    code: str
    site: str
    as_of: dt.datetime
    supervisor: str | None = None
    is_csr: bool = False
    is_supervisor: bool = False


@dataclass
class RosterIds:
    """Database ids of the roster rows an upsert touched, by their codes."""

    organizations: dict[str, int] = field(default_factory=dict)
    sites: dict[tuple[str, str], int] = field(default_factory=dict)
    people: dict[tuple[str, str], int] = field(default_factory=dict)
    renamed: int = 0  # rows whose display name the upsert changed


def upsert_roster(
    *,
    organizations: set[str],
    sites: dict[tuple[str, str], str],
    sightings: list[PersonSighting],
    names: DisplayNames | None = None,
) -> RosterIds:
    """Create missing organizations, sites and people, move people to their latest site and supervisor, and give
    them the display names a file gives.

    `sites` maps (organization code, site code) to the site's country. A person's site, supervisor and
    `roster_as_of` follow the latest call seen, so an older file never moves anyone back. An empty name never erases
    one; a person's name is written with their move, each row once. Safe against a concurrent upsert: rows are
    created with conflict-ignoring inserts, and people are locked in id order, then moved by one statement that
    compares each sighting with the row as it is then.
    """
    ids = RosterIds()
    # The roster spans every organization in the file: certifier-side work, across tenants on purpose.
    with transaction.atomic(), scopes_disabled():
        ids.organizations = _create_missing_organizations(organizations)
        code_of_organization = {pk: code for code, pk in ids.organizations.items()}
        _create_missing_sites(sites, organization_ids=ids.organizations)
        changed_sites = []
        # FOR NO KEY UPDATE: the ids never change, so a live answer recording a survey (whose reference check locks
        # its parents FOR KEY SHARE) does not wait for this import to commit.
        locked_sites = Site.objects.select_for_update(no_key=True)
        for site in locked_sites.filter(organization_id__in=ids.organizations.values()):
            key = (code_of_organization[site.organization_id], site.code)
            if key not in sites:
                continue
            ids.sites[key] = site.id
            if site.country != sites[key]:
                site.country = sites[key]
                changed_sites.append(site)
        _update_rows(Site, ["country"], [(site.country, site.id) for site in changed_sites])
        if names is not None:
            # Names of codes the file's rows do not name are left out, as the people's are below.
            organization_names = [
                (ids.organizations[org], None, name)
                for org, name in names.organizations.items()
                if org in organizations
            ]
            site_names = [
                (ids.organizations[org], code, name)
                for (org, code), name in names.sites.items()
                if (org, code) in sites
            ]
            ids.renamed += _rename_rows(Organization, organization_names)
            ids.renamed += _rename_rows(Site, site_names)

        merged = _merge_sightings(sightings)
        _insert_missing_people(
            [
                (ids.organizations[org], code, sighting.is_csr, sighting.is_supervisor)
                for (org, code), sighting in sorted(merged.items())
            ]
        )
        ids.people = _people_ids(list(merged), organization_ids=ids.organizations)
        people_names = names.people if names is not None else {}
        as_stored = connection.ops.adapt_datetimefield_value
        ids.renamed += _move_people(
            [
                (
                    ids.people[key],
                    ids.sites[(key[0], sighting.site)],
                    None if sighting.supervisor is None else ids.people[(key[0], sighting.supervisor)],
                    as_stored(sighting.as_of),
                    sighting.is_csr,
                    sighting.is_supervisor,
                    people_names.get(key, ""),
                )
                for key, sighting in merged.items()
            ]
        )
    return ids


def create_missing_roster(*, sites: dict[tuple[str, str], str], people: list[tuple[str, str, bool, bool]]) -> RosterIds:
    """Create the organizations, sites (with their country) and people (organization, code, is CSR, is supervisor)
    not on the roster yet, as `upsert_roster` creates them, and return the ids of all of them. Nobody already on the
    roster is changed: an import writing its surveys chunk by chunk needs their ids first, and moves people by one
    `upsert_roster` of the whole file afterwards."""
    ids = RosterIds()
    with transaction.atomic(), scopes_disabled():
        ids.organizations = _create_missing_organizations({org for org, _site in sites} | {org for org, *_ in people})
        code_of_organization = {pk: code for code, pk in ids.organizations.items()}
        _create_missing_sites(sites, organization_ids=ids.organizations)
        for pk, organization_id, code in Site.objects.filter(organization_id__in=code_of_organization).values_list(
            "id", "organization_id", "code"
        ):
            key = (code_of_organization[organization_id], code)
            if key in sites:
                ids.sites[key] = pk
        _insert_missing_people(
            [(ids.organizations[org], code, is_csr, is_supervisor) for org, code, is_csr, is_supervisor in people]
        )
        ids.people = _people_ids([(org, code) for org, code, *_flags in people], organization_ids=ids.organizations)
    return ids


def _create_missing_organizations(codes: set[str]) -> dict[str, int]:
    """The organizations' ids by code, those missing created with their code as their name."""
    Organization.objects.bulk_create(
        [Organization(code=code, name=code) for code in sorted(codes)], ignore_conflicts=True
    )
    return dict(Organization.objects.filter(code__in=codes).values_list("code", "id"))


def _create_missing_sites(sites: dict[tuple[str, str], str], *, organization_ids: dict[str, int]) -> None:
    Site.objects.bulk_create(
        [
            Site(organization_id=organization_ids[org], code=code, country=country)
            for (org, code), country in sorted(sites.items())
        ],
        ignore_conflicts=True,
    )


def _update_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Set `columns` of the rows given as (*values, id), in one statement."""
    if not rows:
        return
    types = {f.column: f.db_type(connection) for f in model._meta.concrete_fields}
    rows_as_v, document = _rows_from_json({column: types[column] for column in [*columns, "id"]}, rows)
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{rows_as_v} UPDATE {model._meta.db_table} AS t SET {assignments} FROM v WHERE t.id = v.id", [document]
        )


def _rows_from_json(columns: dict[str, str], rows: list[tuple]) -> tuple[str, str]:
    """A WITH clause naming `v` the relation of `rows` (tuples in the order of `columns`, which maps each column to its
    PostgreSQL type), and its one parameter: the rows as one JSON document, which either database reads in one pass.
    Arrays of thousands of codes cost more to quote in Python (psycopg quotes each element) than the statements using
    them took, and SQLite would take a statement per row. MATERIALIZED: SQLite would otherwise extract a column from
    a row's JSON again at each mention of it."""
    document = json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, default=str)
    if connection.vendor == "postgresql":
        typed = ", ".join(f"{name} {type_}" for name, type_ in columns.items())
        relation = f"SELECT * FROM json_to_recordset(%s::json) AS r({typed})"
    else:
        fields = ", ".join(f"json_extract(value, '$.{name}') AS {name}" for name in columns)
        relation = f"SELECT {fields} FROM json_each(%s)"
    return f"WITH v AS MATERIALIZED ({relation})", document


def _insert_missing_people(rows: list[tuple[int, str, bool, bool]]) -> None:
    """Create the people of `rows` (organization id, code, is CSR, is supervisor) not on the roster yet, with no name,
    site or supervisor: one statement for thousands where building each model row cost more than the insert."""
    if not rows:
        return
    rows_as_v, document = _rows_from_json(
        {"organization_id": "bigint", "code": "text", "is_csr": "boolean", "is_supervisor": "boolean"}, rows
    )
    with connection.cursor() as cursor:
        # WHERE true: SQLite would read ON CONFLICT as the join's constraint.
        cursor.execute(
            f"{rows_as_v} INSERT INTO directory_person (organization_id, code, name, email, is_csr, is_supervisor) "
            "SELECT v.organization_id, v.code, '', '', v.is_csr, v.is_supervisor FROM v WHERE true "
            "ON CONFLICT (organization_id, code) DO NOTHING",
            [document],
        )


def _people_ids(people: list[tuple[str, str]], *, organization_ids: dict[str, int]) -> dict[tuple[str, str], int]:
    """The ids of the people on the roster among `people` (organization code, person code), read in one statement."""
    if not people:
        return {}
    code_of_organization = {pk: code for code, pk in organization_ids.items()}
    rows_as_v, document = _rows_from_json(
        {"organization_id": "bigint", "code": "text"}, [(organization_ids[org], code) for org, code in people]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{rows_as_v} SELECT p.organization_id, p.code, p.id FROM v "
            "JOIN directory_person AS p ON p.organization_id = v.organization_id AND p.code = v.code",
            [document],
        )
        return {(code_of_organization[org], code): pk for org, code, pk in cursor.fetchall()}


# Where a person is, as of the latest call seen: a sighting at least as late as the roster's moves them.
_MOVES = "(p.roster_as_of IS NULL OR v.as_of >= p.roster_as_of)"
# A file's display name replaces another; an empty one (the file gives none for that row) never erases one.
_RENAMES = "(v.name <> '' AND p.name <> v.name)"
_MOVE_PEOPLE = f"""
    {{sightings_as_v}}
    UPDATE directory_person AS p SET
        name = CASE WHEN {_RENAMES} THEN v.name ELSE p.name END,
        site_id = CASE WHEN {_MOVES} THEN v.site_id ELSE p.site_id END,
        supervisor_id = CASE WHEN {_MOVES} AND v.supervisor_id IS NOT NULL THEN v.supervisor_id
            ELSE p.supervisor_id END,
        roster_as_of = CASE WHEN {_MOVES} THEN v.as_of ELSE p.roster_as_of END,
        is_csr = p.is_csr OR v.is_csr,
        is_supervisor = p.is_supervisor OR v.is_supervisor
    FROM v
    WHERE p.id = v.id AND (
        {_RENAMES}
        OR (v.is_csr AND NOT p.is_csr)
        OR (v.is_supervisor AND NOT p.is_supervisor)
        OR {_MOVES} AND (
            p.roster_as_of IS NULL
            OR p.roster_as_of <> v.as_of
            OR p.site_id IS DISTINCT FROM v.site_id
            OR v.supervisor_id IS NOT NULL AND p.supervisor_id IS DISTINCT FROM v.supervisor_id
        )
    )
"""
_SIGHTING_COLUMNS = {
    "id": "bigint",
    "site_id": "bigint",
    "supervisor_id": "bigint",
    "as_of": "timestamptz",
    "is_csr": "boolean",
    "is_supervisor": "boolean",
    "name": "text",
}


def _move_people(sightings: list[tuple[int, int, int | None, object, bool, bool, str]]) -> int:
    """Apply each person's latest sighting (id, site id, supervisor id or None, call time as the database stores it,
    seen as CSR, seen as supervisor, display name or "") with one statement, the same on both databases, that compares
    each sighting with the person's row as it is then and writes only the people it changes: so an import that waited
    for another's moves sees them. (Reading 100,000 people into Python to compare them, then writing them, and naming
    them in a second pass, took seconds.) Returns how many people it renamed."""
    if not sightings:
        return 0
    sightings_as_v, document = _rows_from_json(_SIGHTING_COLUMNS, sightings)
    # Counted before the move. PostgreSQL locks the people in id order as it counts, so that two imports moving the
    # same people never wait on each other's rows, and no other writer renames them before the move.
    lock = "ORDER BY p.id FOR NO KEY UPDATE OF p" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            # Counted outside the subquery, not filtered: PostgreSQL would push a filter below the lock.
            f"{sightings_as_v} SELECT count(CASE WHEN renames THEN 1 END) FROM (SELECT {_RENAMES} AS renames FROM v "
            f"JOIN directory_person AS p ON p.id = v.id {lock}) AS sighted",
            [document],
        )
        (renamed,) = cursor.fetchone()
        cursor.execute(_MOVE_PEOPLE.format(sightings_as_v=sightings_as_v), [document])
    return renamed


def _merge_sightings(sightings: list[PersonSighting]) -> dict[tuple[str, str], PersonSighting]:
    """One sighting per person: the latest one, with both roles' flags, and the supervisor of the latest CSR row."""
    merged: dict[tuple[str, str], PersonSighting] = {}
    latest_supervisor: dict[tuple[str, str], tuple[dt.datetime, str]] = {}
    for s in sightings:
        key = (s.organization, s.code)
        if s.is_csr and s.supervisor is not None:
            seen = latest_supervisor.get(key)
            if seen is None or s.as_of >= seen[0]:
                latest_supervisor[key] = (s.as_of, s.supervisor)
        current = merged.get(key)
        if current is None:
            merged[key] = s
            continue
        latest = s if s.as_of >= current.as_of else current
        merged[key] = PersonSighting(
            organization=s.organization,
            code=s.code,
            site=latest.site,
            as_of=latest.as_of,
            is_csr=current.is_csr or s.is_csr,
            is_supervisor=current.is_supervisor or s.is_supervisor,
        )
    result = {}
    for key, s in merged.items():
        supervisor = latest_supervisor.get(key)
        # The supervisor link follows the latest CSR row only if that row is the person's latest sighting.
        use = supervisor[1] if supervisor is not None and supervisor[0] >= s.as_of else None
        result[key] = PersonSighting(
            organization=s.organization,
            code=s.code,
            site=s.site,
            as_of=s.as_of,
            supervisor=use,
            is_csr=s.is_csr,
            is_supervisor=s.is_supervisor,
        )
    return result


@dataclass
class DisplayNames:
    """Display names read from a file, by code: organizations, sites (org, site) and people (org, person)."""

    organizations: dict[str, str] = field(default_factory=dict)
    sites: dict[tuple[str, str], str] = field(default_factory=dict)
    people: dict[tuple[str, str], str] = field(default_factory=dict)


def _rename_rows(model: type[Organization | Site], rows: list[tuple[int, str | None, str]]) -> int:
    """Give the organizations (organization id, None, name) or sites (organization id, code, name) their display
    name, writing only those it changes; returns how many."""
    if not rows:
        return 0
    if model is Organization:
        match = "p.id = v.organization_id"
    else:
        match = "p.organization_id = v.organization_id AND p.code = v.code"
    rows_as_v, document = _rows_from_json({"organization_id": "bigint", "code": "text", "name": "text"}, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{rows_as_v} UPDATE {model._meta.db_table} AS p SET name = v.name FROM v WHERE {match} AND {_RENAMES} "
            # Counted from what it returns: Python's sqlite3 gives no row count for a statement starting with WITH.
            "RETURNING id",
            [document],
        )
        return len(cursor.fetchall())
