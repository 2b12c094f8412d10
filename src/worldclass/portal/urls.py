"""Web routes of the portal app (mounted at the site root by worldclass.urls)."""

app_name = "portal"
urlpatterns: list = []
