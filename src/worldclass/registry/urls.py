"""Web routes of the registry app (mounted at the site root by worldclass.urls)."""

app_name = "registry"
urlpatterns: list = []
