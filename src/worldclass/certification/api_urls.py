"""API routes of the certification app (mounted under /api/v1/ by worldclass.urls)."""

urlpatterns: list = []
