"""API routes of the awards app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
