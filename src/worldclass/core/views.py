from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    """The landing page: what the platform certifies and where to go next."""
    return render(request, "core/home.html")


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def announcement(request, *, phase: str) -> dict:
    """The context of a polled status block in `phase`: its `phase`, which its next poll sends back as `shown`, and
    whether to `announce` it, true only when it differs from what the page showed (not on the page's first load)."""
    shown = request.GET.get("shown")
    return {"phase": phase, "announce": shown is not None and shown != phase}
