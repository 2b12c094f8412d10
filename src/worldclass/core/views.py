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
