"""Web routes of the directory app (mounted at the site root by worldclass.urls)."""

app_name = "directory"
urlpatterns: list = []
