"""What an import did: the report a command, the API and the upload page show, and its audit event.

Shared by a full import (`importing`) and a re-import answered from an earlier batch (`reimport`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from worldclass.core.domain import record_audit_event
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

    def _skipped_text(self) -> str:
        rules = ", ".join(
            f"{s.describe()}: {s.rows:,}" if len(self.skipped) > 1 else s.describe() for s in self.skipped
        )
        return f"skipped {self.rows_skipped:,} row{'s' if self.rows_skipped != 1 else ''} ({rules})"

    def summary(self) -> str:
        if self.rows_created == 0:
            if self.rows_total == 0:
                text = "No change: the file has no survey rows"
            else:
                text = f"No change: all {self.rows_total:,} rows were already loaded"
            return text + (f"; {self._skipped_text()}." if self.skipped else ".")
        text = f"Imported {self.rows_created:,} new survey{'s' if self.rows_created != 1 else ''}"
        if self.skipped:
            text += f"; {self._skipped_text()}"
        if self.rows_unchanged:
            text += f"; {self.rows_unchanged:,} already loaded, unchanged"
        return text + "."

    def eligibility_lines(self) -> list[str]:
        """Per survey window of the editions, how many new surveys count, with a warning and its likely cause."""
        lines = []
        for window in self.eligibility:
            text = (
                f"{window['description']} ({_years(window['editions'])}): "
                f"{window['eligible']:,} of {window['surveys']:,} new surveys eligible"
            )
            lines.append(f"Warning: {text}; {window['warning']}." if window["warning"] else f"{text}.")
        return lines

    def as_dict(self) -> dict:
        body = asdict(self)
        body["skipped"] = [asdict(s) for s in self.skipped]
        return {**body, "rows_skipped": self.rows_skipped, "summary": self.summary()}

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


def _years(years: list[int]) -> str:
    """Edition years, runs of consecutive years written as ranges: `editions 2009-2013, 2015`."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    text = ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
    return f"edition{'s' if len(years) > 1 else ''} {text}"


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
