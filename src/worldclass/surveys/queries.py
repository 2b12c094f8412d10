"""Reads of the surveys app: what other apps use (they may not import its models), and the certifier's survey pages
(an upload's progress, saved mappings, the import history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Max, Q, QuerySet
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from worldclass.core.i18n import format_count, in_active_language_worded
from worldclass.surveys.domain.progress import progress_key
from worldclass.surveys.domain.reports import EligibilityFinding, ImportReport, describe_eligibility, describe_import
from worldclass.surveys.models import ImportBatch, SavedMapping, SurveyResponse, SurveyUpload


def last_survey_id() -> int | None:
    """The largest survey id (one index entry), or None before any survey."""
    with scopes_disabled():
        return SurveyResponse.objects.aggregate(last=Max("id"))["last"]


def customer_comments(
    *,
    level: str,
    entity,
    unresolved: bool = False,
    low_rating: bool = False,
    month: dt.date | None = None,
    csr_id: int | None = None,
) -> QuerySet[SurveyResponse]:
    """Customers' verbatim comments about the calls of an organization, site, supervisor or CSR, newest first.

    A low rating is one of the two lowest points of the survey's scale on either question."""
    field_name = {"organization": "organization", "site": "site", "supervisor": "supervisor", "csr": "csr"}[level]
    queryset = SurveyResponse.objects.filter(**{field_name: entity}).exclude(comment="")
    if unresolved:
        queryset = queryset.filter(resolved=False)
    if low_rating:
        queryset = queryset.filter(
            Q(overall_sat__lte=F("rating_scale_min") + 1) | Q(csr_sat__lte=F("rating_scale_min") + 1)
        )
    if month is not None:
        queryset = queryset.filter(call_month=month)
    if csr_id is not None:
        queryset = queryset.filter(csr_id=csr_id)
    return queryset.select_related("csr", "site").order_by("-call_at", "-id")


# Reading and validating is most of an import; the rest (loading, rollups) fills the last part of the bar.
READING_SHARE = 90


@dataclass(frozen=True)
class UploadProgress:
    percent: int
    rows_read: int
    rows_expected: int | None


def upload_progress(*, upload: SurveyUpload) -> UploadProgress:
    """How far an upload's import has come, from what its task last reported."""
    if upload.finished:
        rows = upload.report.get("rows_total", 0)
        return UploadProgress(percent=100, rows_read=rows, rows_expected=rows)
    reported = cache.get(progress_key(upload.pk)) or {}
    rows, total = reported.get("rows", 0), reported.get("total")
    if upload.status != SurveyUpload.Status.RUNNING or not total:
        return UploadProgress(
            percent=0 if upload.status != SurveyUpload.Status.RUNNING else 1, rows_read=rows, rows_expected=total
        )
    share = rows / total if total else 1
    return UploadProgress(
        percent=max(1, min(READING_SHARE, int(share * READING_SHARE))), rows_read=rows, rows_expected=total
    )


def saved_mappings() -> QuerySet[SavedMapping]:
    return SavedMapping.objects.select_related("organization").order_by("organization__name", "name")


def import_history() -> QuerySet[ImportBatch]:
    """Every import, newest first, whoever made it (command line, API or web)."""
    return ImportBatch.objects.select_related("organization", "user").order_by("-started_at", "-id")


def recent_uploads(*, limit: int = 10) -> list[SurveyUpload]:
    return list(SurveyUpload.objects.select_related("uploaded_by", "batch").order_by("-uploaded_at", "-id")[:limit])


# What the upload page shows in its own words; anything else the import reports is shown as a titled table.
REPORT_FIELDS_SHOWN = {
    "batch_id",
    "status",
    "source_name",
    "sha256",
    "rows_total",
    "rows_created",
    "rows_unchanged",
    "organizations",
    "summary",
    "rows_skipped",
    "eligibility",  # shown as the import's own eligibility_lines
    "eligibility_lines",
}


@dataclass(frozen=True)
class ReportWording:
    """An applied upload's report in its reader's language: the summary sentence and each survey window's line."""

    summary: str
    eligibility: list[EligibilityFinding]


def report_wording(*, report: dict) -> ReportWording | None:
    """The stored report of an upload worded in the active language (it is stored as the import ran, in English);
    None before the upload is applied."""
    if not report:
        return None
    found = ImportReport.of_dict(report)
    return ReportWording(summary=describe_import(found), eligibility=describe_eligibility(found))


@dataclass(frozen=True)
class RefusalWording:
    """A refused upload's reason and its problems (each a dict with `line`, `field` and `message`) in its reader's
    language; the refusal is stored in English with each message's template and values."""

    message: str
    details: list[dict]


def refusal_wording(*, error: dict) -> RefusalWording | None:
    """The stored refusal of an upload worded in the active language; None for an upload that was not refused."""
    if not error:
        return None
    return RefusalWording(
        message=in_active_language_worded(error),
        details=[{**detail, "message": in_active_language_worded(detail)} for detail in error.get("details", [])],
    )


@dataclass(frozen=True)
class ReportSection:
    title: str
    columns: list[str]
    rows: list[list]
    text: str = ""


# The page's words for the report's keys it knows (its [skip] rows); a key it does not know is shown as named.
SECTION_TITLES = {"skipped": gettext_lazy("Skipped by the mapping's [skip] rules")}
COLUMN_NAMES = {"column": gettext_lazy("Column"), "value": gettext_lazy("Value"), "rows": gettext_lazy("Rows")}


def report_sections(*, report: dict) -> list[ReportSection]:
    """The rest of an import report (skipped rows, eligibility per survey window, ...), whatever its shape, as
    tables, so that what the import tells the command line the page tells too; in the reader's language where the
    page knows the key, counts grouped as the language writes them."""
    sections = []
    for key, value in report.items():
        if key in REPORT_FIELDS_SHOWN or value in (None, [], {}):
            continue
        title = str(SECTION_TITLES.get(key) or key.replace("_", " ").capitalize())
        if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
            columns = list(dict.fromkeys(k for v in value.values() for k in v))
            rows = [[name, *(_cell(v.get(c, "")) for c in columns)] for name, v in value.items()]
            sections.append(ReportSection(title=title, columns=["", *_column_names(columns)], rows=rows))
        elif isinstance(value, dict):
            sections.append(ReportSection(title=title, columns=[], rows=[[k, _cell(v)] for k, v in value.items()]))
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for v in value for k in v))
            rows = [[_cell(v.get(c, "")) for c in columns] for v in value]
            sections.append(ReportSection(title=title, columns=_column_names(columns), rows=rows))
        elif isinstance(value, list):
            sections.append(ReportSection(title=title, columns=[], rows=[[_cell(v)] for v in value]))
        else:
            sections.append(ReportSection(title=title, columns=[], rows=[], text=str(_cell(value))))
    return sections


def _column_names(columns: list[str]) -> list[str]:
    return [str(COLUMN_NAMES.get(column, column)) for column in columns]


def _cell(value):
    """A count written as the active language groups it; anything else as it is."""
    return format_count(value) if isinstance(value, int) and not isinstance(value, bool) else value
