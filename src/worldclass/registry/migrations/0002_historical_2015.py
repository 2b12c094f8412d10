"""The 2015 World Class FCR registry as the certifier published it (seed 000), names exactly as written."""

from django.db import migrations

YEAR = 2015
TITLE = "Contact Center World Class FCR Certification Registry"
SOURCE = "SQM Group: Contact Center Certification (published list, 2015)"
NAMES = [
    "211 Ontario",
    "407 ETR",
    "BC Automobile Association (BCAA)",
    "Blue Cross Blue Shield of Michigan (Web Support Help Desk)",
    "BlueCross BlueShield of Vermont",
    "Canadian Tire Bank",
    "Canadian Tire Roadside Assistance",
    "Enbridge Large Business Accounts",
    "ENMAX, Inc.",
    "FortisBC",
    "Genworth Life Customer Service",
    "Insurance Corporation of BC (DTVI & BEU)",
    "Jackson",
    "Marchon Eyewear Inc.",
    "Millennium1 Solutions (Credit Card Sales Segment)",
    "Prime Therapeutics (Nebraska & New Mexico)",
    "Regence BlueCross BlueShield of Oregon",
    "Rogers Enterprise Service Delivery",
    "Scotiabank (Halifax)",
    "Scotiabank International (Dominican Republic)",
    "Scotiabank International (Jamaica)",
    "Scotiabank International (Mexico)",
    "ScotiaLife Financial",
    "Sun Life Financial Group Retirement Services (Waterloo)",
    "Vancity",
    "VSP Vision Care (California & Ohio)",
]


def load(apps, schema_editor):
    HistoricalListing = apps.get_model("registry", "HistoricalListing")
    for position, name in enumerate(NAMES, start=1):
        HistoricalListing.objects.update_or_create(
            year=YEAR,
            name=name,
            defaults={"position": position, "registry_title": TITLE, "source": SOURCE},
        )


def unload(apps, schema_editor):
    apps.get_model("registry", "HistoricalListing").objects.filter(year=YEAR, name__in=NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
