"""Public registry pages and downloads; no login. Every one reads `registry_year`, so they always agree."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render

from worldclass.core.exports import csv_response
from worldclass.core.page_cache import cached_until_data_changes
from worldclass.registry.queries import RegistryYear, registry_year, registry_years


@cached_until_data_changes
def index(request):
    return render(request, "registry/index.html", {"years": registry_years()})


def _not_found(request, year: int) -> HttpResponse:
    return render(request, "registry/not_found.html", {"year": year, "years": registry_years()}, status=404)


def _year(year: int) -> RegistryYear | None:
    registry = registry_year(year=year)
    return registry if registry.has_content else None


@cached_until_data_changes
def year_page(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    return render(request, "registry/year.html", {"registry": registry})


@cached_until_data_changes
def year_json(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    response = HttpResponse(
        json.dumps(registry.as_dict(), ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="worldclass-registry-{year}.json"'
    return response


@cached_until_data_changes
def year_csv(request, year: int):
    registry = _year(year)
    if registry is None:
        return _not_found(request, year)
    return csv_response(registry.csv_table(), filename=f"worldclass-registry-{year}.csv")
