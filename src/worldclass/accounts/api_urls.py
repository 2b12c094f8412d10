"""API routes of the accounts app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
