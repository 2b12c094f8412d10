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


class HistoricalStatement(models.Model):
    """A fact the certifier published about a year before this platform (counts, not names), kept as written."""

    year = models.PositiveSmallIntegerField()
    statement = models.TextField(help_text="The sentence as published.")
    contact_centers = models.PositiveIntegerField(null=True, blank=True)
    csrs = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="Where it was published.")

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "statement"], name="unique_historical_statement"),
            models.CheckConstraint(name="historical_statement_not_empty", condition=~Q(statement="")),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.statement}"
