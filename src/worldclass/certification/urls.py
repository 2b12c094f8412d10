"""Web routes of the certification app (mounted at the site root by worldclass.urls)."""

app_name = "certification"
urlpatterns: list = []
