"""Public registry pages and downloads; no login. Every one reads `registry_year`, so they always agree."""

from __future__ import annotations

import csv
import json

from django.http import HttpResponse
from django.shortcuts import render

from worldclass.registry.queries import CSV_COLUMNS, RegistryYear, registry_year, registry_years


def index(request):
    return render(request, "registry/index.html", {"years": registry_years()})


def _not_found(request, year: int) -> HttpResponse:
    return render(request, "registry/not_found.html", {"year": year, "years": registry_years()}, status=404)


def _year(year: int) -> RegistryYear | None:
    registry = registry_year(year=year)
    return registry if registry.has_content else None


def year_page(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    return render(request, "registry/year.html", {"registry": registry})


def year_json(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    response = HttpResponse(
        json.dumps(registry.as_dict(), ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="worldclass-registry-{year}.json"'
    return response


def year_csv(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worldclass-registry-{year}.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(registry.csv_rows())
    return response
