"""Web routes of the operations app (mounted at the site root by worldclass.urls)."""

app_name = "operations"
urlpatterns: list = []
