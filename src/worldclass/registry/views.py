"""Public registry pages and downloads; no login."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

from worldclass.core.exports import Table, csv_response
from worldclass.registry.queries import PublicRegistryYear, public_registry_year, registry_years

CSV_COLUMNS = ["year", "name", "level", "organization", "edition", "certified_since", "valid_through", "historical"]


def index(request):
    return render(request, "registry/index.html", {"years": registry_years()})


def _year_or_404(year: int) -> PublicRegistryYear:
    registry = public_registry_year(year=year)
    if registry.is_empty:
        raise Http404
    return registry


def year_page(request, year: int):
    return render(request, "registry/year.html", {"registry": _year_or_404(year)})


def year_json(request, year: int):
    registry = _year_or_404(year)
    body = {
        "year": registry.year,
        "edition": registry.edition,
        "counts": registry.counts.__dict__,
        "entries": [entry.as_dict() for entry in registry.entries],
        "historical": {
            "title": registry.historical_title,
            "source": registry.historical_source,
            "entries": [entry.as_dict() for entry in registry.historical],
        },
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="worldclass-registry-{year}.json"'
    return response


def year_csv(request, year: int):
    registry = _year_or_404(year)
    rows = ({"year": registry.year, **entry.as_dict()} for entry in registry.all_entries())
    table = Table(
        title=f"World Class registry {year}",
        columns=CSV_COLUMNS,
        rows=([row[column] for column in CSV_COLUMNS] for row in rows),
    )
    return csv_response(table, filename=f"worldclass-registry-{year}.csv")
