"""API routes of the certificates app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
