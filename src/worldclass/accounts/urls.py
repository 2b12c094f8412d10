"""Web routes of the accounts app (mounted at the site root by worldclass.urls)."""

app_name = "accounts"
urlpatterns: list = []
