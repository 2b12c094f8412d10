from django.db import models
from django.db.models import Q


class HistoricalListing(models.Model):
    """A name from a registry the certifier published before this platform, kept exactly as written."""

    year = models.PositiveSmallIntegerField()
    registry_title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(help_text="Order in the published list.")
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200, help_text="Where the list was published.")

    class Meta:
        ordering = ["year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="unique_historical_listing"),
            models.UniqueConstraint(fields=["year", "position"], name="unique_historical_position"),
            models.CheckConstraint(name="historical_listing_name_not_empty", condition=~Q(name="")),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.name}"
