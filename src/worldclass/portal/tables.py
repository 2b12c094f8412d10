"""Every dashboard table as plain columns and rows, for CSV and XLSX export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from worldclass.core.months import Month
from worldclass.portal.queries import RATES, Metrics


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def metric_columns() -> list[str]:
    columns = [_("Eligible"), _("Ineligible")]
    for _key, _count, label in RATES:
        columns += [f"{label} %", f"{label} " + _("95% low"), f"{label} " + _("95% high")]
    return columns


def metric_cells(metrics: Metrics) -> list:
    cells: list = [metrics.eligible, metrics.ineligible]
    for key, rate in metrics.rates.items():
        del key
        cells += [_round(rate.percent), _round(rate.low), _round(rate.high)]
    return cells


def months_table(*, title: str, months) -> Table:
    return Table(
        title=title,
        columns=[_("Month"), *metric_columns()],
        rows=[[str(Month.of(month)), *metric_cells(metrics)] for month, metrics in months],
    )


def standings_table(*, title: str, standings, with_rank: bool) -> Table:
    columns = ([_("Rank")] if with_rank else []) + [_("Code"), _("Name"), *metric_columns()]
    rows = []
    for standing in standings:
        cells = [standing.rank] if with_rank else []
        rows.append([*cells, standing.obj.code, standing.obj.name, *metric_cells(standing.metrics)])
    return Table(title=title, columns=columns, rows=rows)


def comments_table(*, title: str, responses) -> Table:
    return Table(
        title=title,
        columns=[
            _("Call"),
            _("Survey"),
            _("Site"),
            _("CSR"),
            _("Resolved"),
            _("Overall"),
            _("CSR rating"),
            _("Comment"),
        ],
        rows=[
            [
                response.call_at.isoformat(),
                response.survey_id,
                response.site.code,
                response.csr.code,
                response.resolved,
                response.overall_sat,
                response.csr_sat,
                response.comment,
            ]
            for response in responses
        ],
    )


def _safe(cell):
    """Keep spreadsheets from reading a customer's comment as a formula."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    writer.writerows([_safe(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    # openpyxl loads only when someone downloads a spreadsheet, not with every dashboard page.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31]
    sheet = workbook.create_sheet(title=title or "table")
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([None if cell is None else _safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def editions_table(*, title: str, standings) -> Table:
    columns = [
        _("Edition"),
        _("Metric"),
        _("Threshold %"),
        _("Minimum surveys"),
        _("Qualifies"),
        _("Certified"),
        _("Window"),
        _("Surveys"),
        _("Meeting"),
        _("Rate %"),
        _("95% low"),
        _("95% high"),
        _("Certified since"),
        _("Valid through"),
    ]
    rows = []
    for standing in standings:
        status, rule = standing.status, standing.rule
        ci = status.ci95 if status and status.ci95 else (None, None)
        rows.append(
            [
                standing.edition.year,
                standing.edition.get_metric_display(),
                float(rule.threshold_percent) if rule else None,
                rule.min_surveys if rule else None,
                status.qualifies if status else None,
                status.certified if status else None,
                " \u2013 ".join(status.window) if status and status.window else None,
                status.surveys if status else None,
                status.meeting if status else None,
                _round(100 * status.rate) if status and status.rate is not None else None,
                _round(100 * ci[0]) if ci[0] is not None else None,
                _round(100 * ci[1]) if ci[1] is not None else None,
                status.certified_since if status else None,
                status.valid_through if status else None,
            ]
        )
    return Table(title=title, columns=columns, rows=rows)
