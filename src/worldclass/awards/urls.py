"""Web routes of the awards app (mounted at the site root by worldclass.urls)."""

app_name = "awards"
urlpatterns: list = []
