"""What an import did: the report a command, the API and the upload page show, and its audit event.

Shared by a full import (`importing`) and a re-import answered from an earlier batch (`reimport`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from worldclass.core.domain import record_audit_event
from worldclass.core.i18n import format_count, in_active_language
from worldclass.surveys.models import ImportBatch


@dataclass
class SkippedRows:
    """Rows a [skip] rule left out: the file column, the value, how many."""

    column: str
    value: str
    rows: int

    def describe(self) -> str:
        return f'[skip] "{self.column}" = "{self.value}"'


@dataclass
class ImportReport:
    """What an import did."""

    batch_id: int
    status: str
    source_name: str
    sha256: str
    rows_total: int
    rows_created: int
    rows_unchanged: int
    organizations: list[str] = field(default_factory=list)
    skipped: list[SkippedRows] = field(default_factory=list)
    eligibility: list[dict] = field(default_factory=list)  # per survey window: see surveys.signals.surveys_recorded

    @property
    def rows_skipped(self) -> int:
        return sum(s.rows for s in self.skipped)

    def summary(self) -> str:
        """The report in one sentence, in English: what the command line prints, the API answers and the audit
        keeps. A page shows `describe_import` in its reader's language."""
        with translation.override("en"):
            return describe_import(self)

    def eligibility_lines(self) -> list[str]:
        """Per survey window of the editions, how many new surveys count, with a warning and its likely cause; in
        English, as `summary`."""
        with translation.override("en"):
            return [finding.text for finding in describe_eligibility(self)]

    def as_dict(self) -> dict:
        body = asdict(self)
        body["skipped"] = [asdict(s) for s in self.skipped]
        with translation.override("en"):
            body["eligibility"] = [{**window, "warning": _warning(window)} for window in self.eligibility]
        return {**body, "rows_skipped": self.rows_skipped, "summary": self.summary()}

    @classmethod
    def of_dict(cls, body: dict) -> ImportReport:
        """A report as `as_dict` stored it (an upload's), to describe it again in another language."""
        names = {f.name for f in fields(cls)}
        found = {key: value for key, value in body.items() if key in names}
        found["skipped"] = [SkippedRows(**rows) for rows in body.get("skipped", [])]
        return cls(**{"batch_id": None, "status": "", "source_name": "", "sha256": "", **found})

    @classmethod
    def of_batch(cls, batch: ImportBatch, *, organizations: list[str], **found) -> ImportReport:
        """The report of a stored batch, with what only the import knows (`skipped`, `eligibility`)."""
        return cls(
            batch_id=batch.id,
            status=batch.status,
            source_name=batch.source_name,
            sha256=batch.sha256,
            rows_total=batch.rows_total,
            rows_created=batch.rows_created,
            rows_unchanged=batch.rows_unchanged,
            organizations=organizations,
            **found,
        )


@dataclass(frozen=True)
class EligibilityFinding:
    """One survey window's line of an import report: its text, and whether it warns that few surveys count."""

    text: str
    warning: bool


def describe_import(report: ImportReport) -> str:
    """What the import did, in one sentence in the active language."""
    if report.rows_created == 0:
        if report.rows_total == 0:
            clauses = [_("No change: the file has no survey rows")]
        else:
            clauses = [
                ngettext(
                    "No change: its %(count)s row was already loaded",
                    "No change: all %(count)s rows were already loaded",
                    report.rows_total,
                )
                % {"count": format_count(report.rows_total)}
            ]
    else:
        clauses = [
            ngettext("Imported %(count)s new survey", "Imported %(count)s new surveys", report.rows_created)
            % {"count": format_count(report.rows_created)}
        ]
    if report.skipped:
        rules = ", ".join(
            f"{s.describe()}: {format_count(s.rows)}" if len(report.skipped) > 1 else s.describe()
            for s in report.skipped
        )
        clauses.append(
            ngettext("skipped %(count)s row (%(rules)s)", "skipped %(count)s rows (%(rules)s)", report.rows_skipped)
            % {"count": format_count(report.rows_skipped), "rules": rules}
        )
    if report.rows_created and report.rows_unchanged:
        clauses.append(
            ngettext(
                "%(count)s already loaded, unchanged", "%(count)s already loaded, unchanged", report.rows_unchanged
            )
            % {"count": format_count(report.rows_unchanged)}
        )
    return pgettext("clauses of a sentence", "; ").join(clauses) + "."


def describe_eligibility(report: ImportReport) -> list[EligibilityFinding]:
    """Per survey window of the editions, how many new surveys count, in the active language; a window where fewer
    than half count is a warning with its likely cause."""
    findings = []
    for window in report.eligibility:
        values = {
            "window": in_active_language(window, "description"),
            "editions": _years(window["editions"]),
            "eligible": format_count(window["eligible"]),
            "surveys": format_count(window["surveys"]),
        }
        text = (
            ngettext(
                "%(window)s (%(editions)s): %(eligible)s of %(surveys)s new surveys eligible",
                "%(window)s (%(editions)s): %(eligible)s of %(surveys)s new surveys eligible",
                window["eligible"],
            )
            % values
        )
        warning = _warning(window)
        if warning:
            findings.append(
                EligibilityFinding(
                    text=_("Warning: %(text)s; %(cause)s.") % {"text": text, "cause": warning}, warning=True
                )
            )
        else:
            findings.append(EligibilityFinding(text=f"{text}.", warning=False))
    return findings


def _warning(window: dict) -> str:
    """The likely cause of few eligible surveys (`certification` says which), in the active language; a report
    stored before causes were given keeps its English text."""
    cause = window.get("cause")
    if not cause:
        return window.get("warning", "")
    count = format_count(cause.get("surveys", 0))
    if cause["code"] == "no_survey_time":
        return _("surveyed_at equals call_at on every row: this export has no survey time")
    if cause["code"] == "too_soon":
        return ngettext(
            "%(count)s survey was taken less than %(minutes)s minutes after the call",
            "%(count)s surveys were taken less than %(minutes)s minutes after the call",
            cause["surveys"],
        ) % {"count": count, "minutes": cause["minutes"]}
    if cause["code"] == "too_late_minutes":
        return ngettext(
            "%(count)s survey was taken more than %(minutes)s minutes after the call",
            "%(count)s surveys were taken more than %(minutes)s minutes after the call",
            cause["surveys"],
        ) % {"count": count, "minutes": cause["minutes"]}
    return ngettext(
        "%(count)s survey was taken more than %(days)s business days after the call",
        "%(count)s surveys were taken more than %(days)s business days after the call",
        cause["surveys"],
    ) % {"count": count, "days": cause["days"]}


def _years(years: list[int]) -> str:
    """Edition years, runs of consecutive years written as ranges: `editions 2009-2013, 2015`."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    text = ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
    return ngettext("edition %(years)s", "editions %(years)s", len(years)) % {"years": text}


def audit_import(
    *, report: ImportReport, batch: ImportBatch, actor: str, user, names_changed: int = 0, **details
) -> None:
    """The audit event of an import that was applied (or changed nothing), with its counts and `details`."""
    record_audit_event(
        actor=actor,
        user=user,
        action="surveys.import",
        organization=batch.organization,
        object_type="surveys.importbatch",
        object_id=batch.id,
        summary=f"{report.source_name}: {report.summary()}",
        input_sha256=report.sha256,
        counts={
            "rows_total": report.rows_total,
            "rows_created": report.rows_created,
            "rows_unchanged": report.rows_unchanged,
            "rows_skipped": report.rows_skipped,
            "names_changed": names_changed,
        },
        details={"organizations": report.organizations, **details},
    )
