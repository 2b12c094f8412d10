"""API routes of the surveys app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
