"""Web routes of the certificates app (mounted at the site root by worldclass.urls)."""

app_name = "certificates"
urlpatterns: list = []
