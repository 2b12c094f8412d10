from django.contrib import admin

from worldclass.registry.models import HistoricalListing


@admin.register(HistoricalListing)
class HistoricalListingAdmin(admin.ModelAdmin):
    list_display = ["year", "position", "name", "registry_title"]
    list_filter = ["year"]
