"""API routes of the operations app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
