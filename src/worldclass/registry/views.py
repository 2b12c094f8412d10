"""Public registry pages and downloads; no login."""

from __future__ import annotations

import csv
import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worldclass-registry-{year}.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for entry in registry.all_entries():
        writer.writerow({"year": registry.year, **entry.as_dict()})
    return response
