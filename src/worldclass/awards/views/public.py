"""The awards' public pages: the programme and each cycle's published winners."""

from __future__ import annotations

from django.shortcuts import render

from worldclass.awards import queries
from worldclass.awards.views.common import deadlines, found


def home(request):
    """The awards: the current cycle's steps, deadlines and categories, and where each role goes next."""
    cycle = queries.current_cycle()
    context = {"cycle": cycle, "deadlines": deadlines(cycle) if cycle else [], "categories": []}
    if cycle:
        context["categories"] = queries.open_categories(cycle=cycle)
        context["interviews"] = (cycle.interviews_start, cycle.interviews_end)
    context["past_cycles"] = queries.cycles_with_published_winners()
    return render(request, "awards/home.html", context)


def winners(request, year: int):
    """The public winners page of a cycle, with each winner's edited story."""
    cycle = found(queries.cycle_of_year, year=year)
    return render(request, "awards/winners.html", {"cycle": cycle, "winners": queries.published_winners(cycle=cycle)})
