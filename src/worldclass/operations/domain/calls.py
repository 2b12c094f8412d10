"""Call records in: validation, the roster, keyed customer identities, the sample's decisions, contact purge."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone as dj_timezone
from django_scopes import scopes_disabled

from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail
from worldclass.core.months import Month
from worldclass.directory.domain import PersonSighting, upsert_roster
from worldclass.directory.models import Organization, Person, Site
from worldclass.operations.domain import sampling, windows
from worldclass.operations.models import (
    Call,
    CallImport,
    Channel,
    Invitation,
    SampleOutcome,
    SamplePlan,
)
from worldclass.surveys.domain.mapping import SurveyMapping, load_mapping
from worldclass.surveys.domain.rows import COUNTRY, YES_NO, MaxLength, NotBefore, WithinYears
from worldclass.surveys.domain.sources import (
    check_header,
    interchange_columns,
    open_tabular,
    with_local_instants,
)

COLUMNS = [
    "call_id",
    "org",
    "site",
    "country",
    "timezone",
    "supervisor",
    "csr",
    "customer_phone",
    "customer_email",
    "language",
    "started_at",
    "ended_at",
    "queue",
    "call_type",
    "disposition",
    "do_not_survey",
]
REQUIRED = ["call_id", "org", "site", "supervisor", "csr", "language", "started_at", "ended_at", "call_type"]
OPTIONAL_COLUMNS = [name for name in COLUMNS if name not in REQUIRED]
READ_CHUNK_ROWS = 200_000
# A timestamp that ends in an offset (or Z) needs no [file] timezone.
OFFSET_SUFFIX = r"([Zz]|[+-]\d{2}(:?\d{2})?)$"
DISPOSITIONS = {"answered", "abandoned", "transferred"}
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
# The survey rows' rules that calls share: the years an instant may have, the order of two instants, the codes.
TIME_RULES = {name: WithinYears(field=name) for name in ("started_at", "ended_at")}
ENDED_NOT_BEFORE_STARTED = NotBefore(
    field="ended_at", earlier="started_at", message="is before {earlier}", reason="is before {earlier}"
)
CODE_RULES = [MaxLength(field=name) for name in ("call_id", "org", "site", "supervisor", "csr", "queue", "call_type")]
# Observed response rates replace the plan's assumption once this many invitations of a call type have closed.
MIN_INVITATIONS_FOR_RATE = 20
RESPONSE_RATE_FLOOR = 0.05
RESPONSE_RATE_LOOKBACK_DAYS = 90
MIN_CALLS_FOR_VOLUME = 100


@dataclass(frozen=True)
class CallRow:
    """One validated input row."""

    line: int
    call_id: str
    org: str
    site: str
    country: str
    timezone: str
    supervisor: str
    csr: str
    customer_phone: str
    customer_email: str
    language: str
    started_at: dt.datetime
    ended_at: dt.datetime
    queue: str
    call_type: str
    disposition: str
    do_not_survey: bool

    def content_sha256(self) -> str:
        body = {name: getattr(self, name) for name in COLUMNS}
        body["started_at"] = self.started_at.isoformat()
        body["ended_at"] = self.ended_at.isoformat()
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass
class CallImportReport:
    call_import: CallImport | None
    rows_total: int
    rows_created: int
    rows_unchanged: int
    selected: int
    invited: int

    def as_dict(self) -> dict:
        return {
            "import_id": self.call_import.pk if self.call_import else None,
            "rows_total": self.rows_total,
            "rows_created": self.rows_created,
            "rows_unchanged": self.rows_unchanged,
            "selected": self.selected,
            "invited": self.invited,
        }


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return ("+" if phone.strip().startswith("+") else "") + digits


def customer_key(*, kind: str, value: str) -> str:
    """A keyed hash of a customer's phone or e-mail: the same customer gives the same key, nobody can reverse it."""
    if not value:
        return ""
    normalized = normalize_phone(value).lstrip("+") if kind == "phone" else value.strip().lower()
    return hmac.new(
        settings.WORLDCLASS_CUSTOMER_HASH_KEY.encode(), f"{kind}:{normalized}".encode(), hashlib.sha256
    ).hexdigest()


def _parse_instant(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("needs a UTC offset")
    return parsed


def load_calls_mapping(path: Path) -> SurveyMapping:
    """A mapping file for call records: the survey mapping's sections over the calls' columns (no [rating])."""
    return load_mapping(path, columns=COLUMNS, optional_columns=[], ratings=False)


def validate_call_rows(raw_rows: list[tuple[int, dict]]) -> tuple[list[CallRow], list[ErrorDetail]]:
    """Check every row and return the valid rows and every problem, each naming its line and column."""
    rows: list[CallRow] = []
    errors: list[ErrorDetail] = []
    for line, raw in raw_rows:
        value = {name: str(raw.get(name) or "").strip() for name in COLUMNS}
        row_errors = [ErrorDetail(message="is required", field=name, line=line) for name in REQUIRED if not value[name]]
        # Problems the file reader found (a local time that does not exist), as "column:message|…".
        for problem in str(raw.get("__problems") or "").split("|"):
            if problem:
                name, message = problem.split(":", 1)
                row_errors.append(ErrorDetail(message=message, field=name, line=line))
                value[name] = ""
        started = ended = None
        for name in ("started_at", "ended_at"):
            if value[name]:
                try:
                    parsed = _parse_instant(value[name])
                except ValueError:
                    row_errors.append(ErrorDetail(message="must be ISO 8601 with a UTC offset", field=name, line=line))
                    continue
                if TIME_RULES[name].refuses(parsed):
                    row_errors.append(ErrorDetail(message=TIME_RULES[name].summary(), field=name, line=line))
                else:
                    if name == "started_at":
                        started = parsed
                    else:
                        ended = parsed
        order = ENDED_NOT_BEFORE_STARTED
        if started and ended and order.refuses(ended, started_at=started):
            row_errors.append(ErrorDetail(message=order.describe(), field=order.field, line=line))
        if value["language"] and value["language"] not in {"en", "fr"}:
            row_errors.append(ErrorDetail(message="must be en or fr", field="language", line=line))
        disposition = value["disposition"].lower() or "answered"
        if disposition not in DISPOSITIONS:
            row_errors.append(
                ErrorDetail(message="must be answered, abandoned or transferred", field="disposition", line=line)
            )
        do_not_survey = YES_NO.get(value["do_not_survey"].lower() or "no")
        if do_not_survey is None:
            row_errors.append(ErrorDetail(message="must be yes or no", field="do_not_survey", line=line))
        if value["timezone"]:
            try:
                ZoneInfo(value["timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                row_errors.append(ErrorDetail(message="is not an IANA time zone", field="timezone", line=line))
        if COUNTRY.refuses(value["country"].upper()):
            row_errors.append(
                ErrorDetail(message="must be an ISO 3166 alpha-2 code with known holidays", field="country", line=line)
            )
        phone = value["customer_phone"]
        if phone and (not _PHONE_CHARS.match(phone) or not 7 <= len(re.sub(r"\D", "", phone)) <= 15):
            row_errors.append(ErrorDetail(message="is not a phone number", field="customer_phone", line=line))
        if value["customer_email"]:
            try:
                validate_email(value["customer_email"])
            except ValidationError:
                row_errors.append(ErrorDetail(message="is not an e-mail address", field="customer_email", line=line))
        for rule in CODE_RULES:
            if rule.refuses(value[rule.field]):
                row_errors.append(ErrorDetail(message=rule.describe(), field=rule.field, line=line))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            CallRow(
                line=line,
                call_id=value["call_id"],
                org=value["org"],
                site=value["site"],
                country=value["country"].upper(),
                timezone=value["timezone"],
                supervisor=value["supervisor"],
                csr=value["csr"],
                customer_phone=normalize_phone(phone) if phone else "",
                customer_email=value["customer_email"].lower(),
                language=value["language"],
                started_at=started,
                ended_at=ended,
                queue=value["queue"],
                call_type=value["call_type"],
                disposition=disposition,
                do_not_survey=do_not_survey,
            )
        )
    return rows, errors


def read_calls_file(
    path: Path, *, mapping: SurveyMapping | None = None, name: str | None = None
) -> tuple[list[tuple[int, dict]], str]:
    """The rows of a calls file (CSV or xlsx), through a mapping's [file], [constants], [columns], [skip] and
    [values] sections, with their line numbers (the header is line 1), and the file's SHA-256.

    Read with the survey import's reader, so that every malformed file (a NUL byte, CR-only line ends, an
    unterminated quote, a repeated column, another encoding) is refused the same way, naming its line."""
    mapping = mapping or SurveyMapping()
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    source = open_tabular(path, options=mapping.file, name=name or path.name)
    try:
        present = check_header(source, mapping, required=REQUIRED, optional=OPTIONAL_COLUMNS)
        columns = interchange_columns(
            mapping, required=REQUIRED, optional=OPTIONAL_COLUMNS, present=present, frame_names=source.frame_names
        )
        frames = list(source.batches(columns, READ_CHUNK_ROWS))
        frame = (
            pl.concat(frames)
            if frames
            else pl.DataFrame(schema={"row_index": pl.UInt32, **dict.fromkeys(COLUMNS, pl.String)})
        )
        if mapping.skip and frame.height:
            frame = frame.filter(pl.col("__skip_rule").is_null())
        frame = frame.with_columns(pl.col(c).fill_null("").str.strip_chars() for c in COLUMNS)
        for column, table in mapping.values.items():
            frame = frame.with_columns(pl.col(column).replace(list(table), list(table.values())))
        problems = pl.lit("")
        if mapping.file.timezone is not None or mapping.file.date_format is not None:
            frame, problems = _localize(frame, mapping)
        frame = frame.with_columns(problems.alias("__problems"))
        lines = source.lines(frame["row_index"].to_list())
    finally:
        source.close()
    rows = []
    for values in frame.select("row_index", "__problems", *COLUMNS).iter_rows():
        raw = dict(zip(COLUMNS, values[2:], strict=True))
        if values[1]:
            raw["__problems"] = values[1]
        rows.append((lines[values[0]], raw))
    return rows, sha256


def _localize(frame: pl.DataFrame, mapping: SurveyMapping) -> tuple[pl.DataFrame, pl.Expr]:
    """Timestamps written without an offset, read in the mapping's [file] timezone (and date_format) and written
    back as ISO 8601 with the offset in force; a local time that does not exist is a problem of its row."""
    zone = mapping.file.timezone
    problems = []
    for column in ("started_at", "ended_at"):
        text = pl.col(column)
        frame = with_local_instants(frame, column, mapping.file)
        naive, offset, gap = pl.col("__naive"), pl.col("__offset"), pl.col("__gap")
        has_offset = text.str.contains(OFFSET_SUFFIX)
        sign = pl.when(offset < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
        written = pl.format(
            "{}{}{}:{}",
            naive.dt.strftime("%Y-%m-%dT%H:%M:%S%.f"),
            sign,
            (offset.abs() // 60).cast(pl.String).str.zfill(2),
            (offset.abs() % 60).cast(pl.String).str.zfill(2),
        )
        frame = frame.with_columns(
            pl.when(~has_offset & offset.is_not_null()).then(written).otherwise(text).alias(column),
            (~has_offset & gap).alias(f"__{column}_gap"),
        ).drop("__naive", "__offset", "__gap")
        problems.append(
            pl.when(pl.col(f"__{column}_gap")).then(
                pl.lit(f"{column}:does not exist in {zone} (the clocks went forward)")
            )
        )
    return frame, pl.concat_str(problems, separator="|", ignore_nulls=True).fill_null("")


def import_calls_file(
    *,
    path: Path,
    actor: str,
    user=None,
    now: dt.datetime | None = None,
    mapping: SurveyMapping | None = None,
    source_name: str | None = None,
) -> CallImportReport:
    """`worldclass import-calls FILE [--mapping FILE.toml]`: every row of one organization, all or nothing.

    A refused file (unreadable, or with bad rows) is recorded as an `operations.calls_rejected` audit event."""
    source_name = source_name or path.name
    try:
        return _import_calls_file(path=path, actor=actor, user=user, now=now, mapping=mapping, source_name=source_name)
    except AppError as error:
        _record_rejection(error=error, path=path, actor=actor, user=user, source_name=source_name)
        raise


def _record_rejection(*, error: AppError, path: Path, actor: str, user, source_name: str) -> None:
    """Runs after the import's transaction rolled back, so only the record is written."""
    with transaction.atomic():
        record_audit_event(
            actor=actor,
            user=user,
            action="operations.calls_rejected",
            summary=f"{source_name}: {error.message.splitlines()[0]}",
            input_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            counts={"errors": len(error.details)},
            details={"code": error.code, "first_errors": [d.as_dict() for d in error.details[:20]]},
        )


def _import_calls_file(
    *, path: Path, actor: str, user, now: dt.datetime | None, mapping: SurveyMapping | None, source_name: str
) -> CallImportReport:
    raw_rows, sha256 = read_calls_file(path, mapping=mapping, name=source_name)
    orgs = {str(row.get("org") or "").strip() for _, row in raw_rows} - {""}
    if len(orgs) > 1:
        raise AppError(
            code="invalid_file",
            message=f"{source_name} names several organizations ({', '.join(sorted(orgs))}); import one at a time.",
        )
    # A certifier-side load: the organization is created on first sight, as the survey import does, and only
    # kept if the import succeeds.
    with transaction.atomic(), scopes_disabled():
        organization = None
        if orgs:
            code = orgs.pop()
            organization, _ = Organization.objects.get_or_create(code=code, defaults={"name": code})
        return import_calls(
            organization=organization,
            raw_rows=raw_rows,
            source_name=source_name,
            sha256=sha256,
            actor=actor,
            user=user,
            now=now,
        )


def _upsert_roster(*, organization, rows: list[CallRow]) -> tuple[dict, dict]:
    """Sites and people named by the rows, created or moved to the latest call's roster; sites get their zone."""
    existing = {
        site.code: site for site in Site.objects.filter(organization=organization, code__in={r.site for r in rows})
    }
    countries = {}
    for row in sorted(rows, key=lambda r: r.started_at):
        known = existing.get(row.site)
        countries[(organization.code, row.site)] = row.country or (known.country if known else "")
    sightings = []
    for row in rows:
        # Each call sights its CSR (under the supervisor) and the supervisor, at the call's site and time.
        seen = {"organization": organization.code, "site": row.site, "as_of": row.started_at}
        sightings.append(PersonSighting(**seen, code=row.csr, supervisor=row.supervisor, is_csr=True))
        sightings.append(PersonSighting(**seen, code=row.supervisor, is_supervisor=True))
    ids = upsert_roster(organizations={organization.code}, sites=countries, sightings=sightings)
    sites = {site.code: site for site in Site.objects.filter(pk__in=ids.sites.values())}
    zones = {row.site: row.timezone for row in sorted(rows, key=lambda r: r.started_at) if row.timezone}
    for code, zone in zones.items():
        if sites[code].timezone != zone:
            sites[code].timezone = zone
            sites[code].save(update_fields=["timezone"])
    people = {person.code: person for person in Person.objects.filter(pk__in=ids.people.values())}
    return sites, people


def sample_month_of(*, started_at: dt.datetime, timezone: str) -> dt.date:
    return started_at.astimezone(ZoneInfo(timezone or "UTC")).date().replace(day=1)


def _plan_for(*, organization, site) -> SamplePlan:
    plan = SamplePlan.objects.filter(site=site).first()
    return plan or SamplePlan.objects.create(organization=organization, site=site)


def _stratum_rates(*, organization, site, plan, call_types: set[str], month: dt.date, now: dt.datetime) -> dict:
    """Each call type's sampling probability, from last month's volume and the observed response rate."""
    previous = (Month.of(month) - 1).first_day()
    volume = Call.objects.filter(site=site, sample_month=previous).aggregate(
        calls=Count("id"), csrs=Count("csr", distinct=True), first=Min("started_at"), last=Max("started_at")
    )
    if volume["calls"] >= MIN_CALLS_FOR_VOLUME and volume["csrs"]:
        # Scaled to a whole month, so that a month only partly loaded does not understate the volume.
        covered_days = max(1.0, (volume["last"] - volume["first"]).total_seconds() / 86400)
        month_days = (Month.of(previous).last_day() - previous).days + 1
        expected = volume["calls"] / volume["csrs"] * max(1.0, month_days / covered_days)
        volume_basis = f"observed in {previous:%Y-%m}"
    else:
        expected, volume_basis = float(plan.expected_calls_per_csr), "plan"
    closed = (
        Invitation.objects.filter(
            site=site,
            expires_at__lte=now,
            expires_at__gt=now - dt.timedelta(days=RESPONSE_RATE_LOOKBACK_DAYS),
            call__call_type__in=call_types,
        )
        .values("call__call_type")
        .annotate(total=Count("id"), completed=Count("id", filter=_completed_q()))
    )
    observed = {row["call__call_type"]: row for row in closed}
    rates = {}
    for call_type in sorted(call_types):
        seen = observed.get(call_type)
        if seen and seen["total"] >= MIN_INVITATIONS_FOR_RATE:
            response_rate = max(RESPONSE_RATE_FLOOR, seen["completed"] / seen["total"])
            rate_basis = f"observed over {seen['total']} invitations"
        else:
            response_rate, rate_basis = plan.assumed_response_rate, "plan"
        rates[call_type] = {
            "probability": sampling.stratum_probability(
                target_per_csr=plan.target_per_csr, expected_calls_per_csr=expected, response_rate=response_rate
            ),
            "expected_calls_per_csr": expected,
            "volume_basis": volume_basis,
            "response_rate": response_rate,
            "response_rate_basis": rate_basis,
        }
    return rates


def _completed_q() -> Q:
    return Q(status=Invitation.Status.COMPLETED)


def _choose_channel(*, plan: SamplePlan, row_phone: str, row_email: str, fraction: float) -> tuple[str, str]:
    """The invitation's channel and, for the web, its medium, spread over the plan's mix by a second draw."""
    if not row_phone:
        return Channel.WEB, "email"
    weights = [
        (Channel.WEB, plan.web_weight),
        (Channel.IVR, plan.ivr_weight),
        (Channel.PHONE, plan.interviewer_weight),
    ]
    total = sum(weight for _, weight in weights) or 1
    point, running = fraction * total, 0
    channel = Channel.WEB
    for name, weight in weights:
        running += weight
        if point < running:
            channel = name
            break
    if channel == Channel.WEB:
        return channel, "email" if row_email else "sms"
    return channel, ""


def import_calls(
    *,
    organization: Organization | None,
    raw_rows: list[tuple[int, dict]],
    source_name: str,
    sha256: str,
    actor: str,
    user=None,
    now: dt.datetime | None = None,
) -> CallImportReport:
    """Load call records for one organization, all or nothing, then decide the sample for every new call.

    Raises `AppError(code="invalid_file")` listing every bad line, or `Conflict` when a known call_id arrives
    with different content. The same rows again change nothing.
    """
    now = now or dj_timezone.now()
    rows, errors = validate_call_rows(raw_rows)
    if organization is None and not errors:
        raise AppError(code="invalid_file", message=f"{source_name} holds no call records.")
    if organization is not None:
        errors.extend(
            ErrorDetail(message=f"names organization {row.org}, not {organization.code}", field="org", line=row.line)
            for row in rows
            if row.org != organization.code
        )
    seen: dict[str, CallRow] = {}
    for row in rows:
        earlier = seen.get(row.call_id)
        if earlier is not None and earlier.content_sha256() != row.content_sha256():
            errors.append(
                ErrorDetail(
                    message=f"repeats call_id {row.call_id} of line {earlier.line} with different content",
                    field="call_id",
                    line=row.line,
                )
            )
        seen.setdefault(row.call_id, row)
    site_zones: dict[str, tuple[str, str, int]] = {}
    for row in rows:
        zone = site_zones.setdefault(row.site, (row.country, row.timezone, row.line))
        if (row.country, row.timezone) != zone[:2]:
            errors.append(
                ErrorDetail(
                    message=f"gives site {row.site} a different country or time zone than line {zone[2]}",
                    field="timezone",
                    line=row.line,
                )
            )
    if errors:
        raise AppError(
            code="invalid_file",
            message=f"{source_name}: {len(errors)} problem(s); nothing was imported.",
            details=errors,
        )
    unique_rows = list(seen.values())
    with transaction.atomic(), scopes_disabled():
        # The load writes across the organization's sites on purpose; callers checked the organization.
        # One import per organization at a time: the sample's decisions are taken in order, as the audit replays them.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        existing = {
            call.call_id: call
            for call in Call.objects.filter(organization=organization, call_id__in=seen.keys()).only(
                "call_id", "content_sha256"
            )
        }
        conflicts = [
            ErrorDetail(message=f"call {row.call_id} was imported before with different content", line=row.line)
            for row in unique_rows
            if row.call_id in existing and existing[row.call_id].content_sha256 != row.content_sha256()
        ]
        if conflicts:
            raise Conflict(
                f"{source_name}: {len(conflicts)} call(s) conflict with earlier imports; nothing was imported.",
                details=conflicts,
            )
        new_rows = sorted(
            (row for row in unique_rows if row.call_id not in existing), key=lambda r: (r.ended_at, r.call_id)
        )
        if not new_rows:
            record_audit_event(
                actor=actor,
                user=user,
                action="operations.calls_unchanged",
                organization=organization,
                summary=f"{source_name}: {len(unique_rows)} call(s) already imported",
                input_sha256=sha256,
            )
            return CallImportReport(None, len(rows), 0, len(unique_rows), 0, 0)
        sites, people = _upsert_roster(organization=organization, rows=new_rows)
        months = {sample_month_of(started_at=r.started_at, timezone=sites[r.site].timezone) for r in new_rows}
        closed = sampling.ensure_not_revealed(organization=organization, months=months)
        if closed:
            closed_months = {m.isoformat()[:7] for m in closed}
            raise AppError(
                code="month_closed",
                message="Calls of a month whose sampling key is revealed can no longer be imported.",
                details=[
                    ErrorDetail(message=f"the sample of {month} is closed", field="started_at", line=row.line)
                    for row in new_rows
                    if (
                        month := sample_month_of(
                            started_at=row.started_at, timezone=sites[row.site].timezone
                        ).isoformat()[:7]
                    )
                    in closed_months
                ],
                status=409,
            )
        call_import = CallImport.objects.create(
            organization=organization,
            actor=actor,
            user=user,
            source_name=source_name,
            sha256=sha256,
            rows_total=len(rows),
            rows_created=len(new_rows),
            rows_unchanged=len(unique_rows) - len(new_rows),
        )
        selected, invited = _decide_sample(
            organization=organization, call_import=call_import, rows=new_rows, sites=sites, people=people, now=now
        )
        record_audit_event(
            actor=actor,
            user=user,
            action="operations.calls_imported",
            organization=organization,
            object_type="call_import",
            object_id=call_import.pk,
            summary=f"{source_name}: {len(new_rows)} new call(s), {invited} invitation(s)",
            input_sha256=sha256,
            counts={"rows": len(rows), "created": len(new_rows), "selected": selected, "invited": invited},
        )
    return CallImportReport(call_import, len(rows), len(new_rows), len(unique_rows) - len(new_rows), selected, invited)


def _decide_sample(*, organization, call_import, rows: list[CallRow], sites, people, now) -> tuple[int, int]:
    window = windows.active_survey_window()
    grace = dt.timedelta(days=settings.WORLDCLASS_CONTACT_GRACE_DAYS)
    plans = {code: _plan_for(organization=organization, site=site) for code, site in sites.items()}
    month_of = {
        row.call_id: sample_month_of(started_at=row.started_at, timezone=sites[row.site].timezone) for row in rows
    }
    keys = {}
    for month in set(month_of.values()):
        keys[month] = bytes.fromhex(
            sampling.commit_sample_key(
                organization=organization, month=Month.of(month), actor="system", now=now
            ).key_hex
        )
    strata_needed: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for row in rows:
        strata_needed[(row.site, month_of[row.call_id])].add(row.call_type)
    strata: dict[str, dict] = {}
    for (site_code, month), call_types in strata_needed.items():
        site = sites[site_code]
        for call_type, rate in _stratum_rates(
            organization=organization, site=site, plan=plans[site_code], call_types=call_types, month=month, now=now
        ).items():
            strata[f"{site.pk}/{call_type}"] = rate
    call_import.rates = {
        "strata": strata,
        "plans": {
            str(site.pk): sampling.ExclusionRules.from_plan(plans[code]).as_dict() for code, site in sites.items()
        },
    }
    call_import.save(update_fields=["rates"])

    history = sampling.InvitationHistory()
    fatigue_days = max(plan.fatigue_days for plan in plans.values())
    earliest = rows[0].ended_at - dt.timedelta(days=fatigue_days)
    for ended, phone_key, email_key in Invitation.objects.filter(
        organization=organization, call__ended_at__gte=earliest
    ).values_list("call__ended_at", "call__phone_key", "call__email_key"):
        history.add((phone_key, email_key), ended)
    completed = defaultdict(int)
    for csr_id, month in Invitation.objects.filter(
        organization=organization, status=Invitation.Status.COMPLETED, call__sample_month__in=set(month_of.values())
    ).values_list("call__csr_id", "call__sample_month"):
        completed[(csr_id, month)] += 1

    drawers = {month: sampling.FractionDrawer(key) for month, key in keys.items()}
    rules_of = {code: sampling.ExclusionRules.from_plan(plan) for code, plan in plans.items()}
    calls, invitations = [], []
    for row in rows:
        site = sites[row.site]
        plan = plans[row.site]
        month = month_of[row.call_id]
        key = keys[month]
        phone_key = customer_key(kind="phone", value=row.customer_phone)
        email_key = customer_key(kind="email", value=row.customer_email)
        probability = strata[f"{site.pk}/{row.call_type}"]["probability"]
        csr = people[row.csr]
        draw = drawers[month](row.call_id)
        outcome = sampling.decide(
            facts=sampling.CallFacts(
                call_id=row.call_id,
                ended_at=row.ended_at,
                disposition=row.disposition,
                do_not_survey=row.do_not_survey,
                customer_keys=(phone_key, email_key),
                csr_id=csr.pk,
                probability=probability,
            ),
            draw=draw,
            rules=rules_of[row.site],
            history=history,
            completed_for_csr=completed[(csr.pk, month)],
        )
        closes_at = windows.window_closes_at(
            window=window, ended_at=row.ended_at, country=site.country, timezone=site.timezone
        )
        call = Call(
            organization=organization,
            site=site,
            supervisor=people[row.supervisor],
            csr=csr,
            call_id=row.call_id,
            language=row.language,
            started_at=row.started_at,
            ended_at=row.ended_at,
            queue=row.queue,
            call_type=row.call_type,
            disposition=row.disposition,
            do_not_survey=row.do_not_survey,
            customer_phone=row.customer_phone,
            customer_email=row.customer_email,
            phone_key=phone_key,
            email_key=email_key,
            window_closes_at=closes_at,
            contact_purge_after=closes_at + grace,
            content_sha256=row.content_sha256(),
            call_import=call_import,
            sample_month=month,
            sampling_probability=probability,
            sample_draw=draw,
            sample_outcome=outcome,
            decided_at=now,
        )
        calls.append(call)
        if outcome == SampleOutcome.SELECTED:
            history.add((phone_key, email_key), row.ended_at)
            channel, medium = _choose_channel(
                plan=plan,
                row_phone=row.customer_phone,
                row_email=row.customer_email,
                fraction=sampling.channel_fraction(key=key, call_id=row.call_id),
            )
            invitations.append(
                Invitation(
                    organization=organization,
                    site=site,
                    call=call,
                    channel=channel,
                    web_medium=medium,
                    language=row.language,
                    opens_at=windows.invitation_opens_at(ended_at=row.ended_at),
                    expires_at=closes_at,
                )
            )
    Call.objects.bulk_create(calls, batch_size=1000)
    for invitation in invitations:
        invitation.call_id = invitation.call.pk
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    return len(invitations), len(invitations)


def purge_contacts(*, now: dt.datetime, actor: str) -> int:
    """Delete customers' phone numbers and e-mail addresses once the survey window and grace period are over."""
    # Retention applies to every organization's calls alike.
    with transaction.atomic(), scopes_disabled():
        due = Call.objects.filter(contact_purge_after__lte=now, contacts_purged_at__isnull=True)
        by_org = dict(due.values_list("organization").annotate(n=Count("id")).values_list("organization", "n"))
        purged = due.update(customer_phone="", customer_email="", contacts_purged_at=now)
        for org_id, count in by_org.items():
            record_audit_event(
                actor=actor,
                action="operations.contacts_purged",
                organization=Organization.objects.get(pk=org_id),
                summary=f"Contact details of {count} call(s) deleted after their survey window",
                counts={"calls": count},
            )
    return purged
