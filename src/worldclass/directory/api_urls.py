"""API routes of the directory app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
