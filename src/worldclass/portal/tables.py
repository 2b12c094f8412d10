"""Every dashboard table as plain columns and typed rows, for CSV and XLSX export (`worldclass.core.exports`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from worldclass.core.exports import Table
from worldclass.core.months import Month
from worldclass.portal.queries import RATES, Metrics


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def metric_columns() -> list[str]:
    columns = [_("Eligible"), _("Ineligible")]
    # xgettext:no-python-format
    low = _("95% low")
    # xgettext:no-python-format
    high = _("95% high")
    for _key, _count, label in RATES:
        columns += [f"{label} %", f"{label} {low}", f"{label} {high}"]
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


def standings_table(*, title: str, standings, with_rank: bool, with_status: bool = False) -> Table:
    columns = ([_("Rank")] if with_rank else []) + [_("Code"), _("Name"), *metric_columns()]
    if with_status:
        columns += [_("Status"), _("Certified through")]

    def row(standing) -> list:
        # An entity without a name of its own goes by its code, as on the pages.
        cells = [*([standing.rank] if with_rank else []), standing.obj.code, str(standing.obj)]
        cells += metric_cells(standing.metrics)
        if with_status:
            status = standing.status
            cells += [status.label if status and status.state else None, status.valid_through if status else None]
        return cells

    # A generator, as for comments: standings read lazily (a leaderboard of thousands) stream into the download.
    rows = (row(standing) for standing in standings)
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
        # A generator: the comments stream from the database iterator into the download.
        rows=(
            [
                response.call_at,
                response.survey_id,
                response.site.code,
                response.csr.code,
                response.resolved,
                response.overall_sat,
                response.csr_sat,
                response.comment,
            ]
            for response in responses
        ),
    )


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
