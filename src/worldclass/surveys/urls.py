"""Web routes of the surveys app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.surveys import views

app_name = "surveys"
urlpatterns = [
    path("surveys/upload/", views.upload, name="upload"),
    path("surveys/uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("surveys/uploads/<int:pk>/status/", views.upload_status, name="upload_status"),
    path("surveys/uploads/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("surveys/uploads/<int:pk>/discard/", views.upload_discard, name="upload_discard"),
    path("surveys/imports/", views.history, name="history"),
]
