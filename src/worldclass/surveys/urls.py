"""Web routes of the surveys app (mounted at the site root by worldclass.urls)."""

app_name = "surveys"
urlpatterns: list = []
