"""API routes of the portal app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
