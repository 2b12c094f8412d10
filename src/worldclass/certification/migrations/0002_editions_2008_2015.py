"""The published editions 2008–2015 as data. docs/rules.md explains each row and every interpretation."""

from decimal import Decimal

from django.db import migrations

WINDOWS = [
    ("10min-72h", "minutes", 10, 72 * 60, None, "10 minutes to 72 hours after the call"),
    ("2-business-days", "business_days", None, None, 2, "Within 2 business days of the call"),
    ("10min-24h", "minutes", 10, 24 * 60, None, "10 minutes to 24 hours after the call"),
]

NOTE_2014 = (
    "The 2014 text states the World Class Call criterion, 3 consecutive months and the 10 minutes to 24 hours "
    "window, but no threshold and no organization rule. The threshold is carried from 2013 (greater than 80%); "
    "organizations are not certified because the text no longer says they are."
)

# year, metric, threshold %, comparison, min months, window, organization rule, notes
EDITIONS = [
    (2008, "wcc", "70", "gt", 6, "10min-72h", "all_sites", ""),
    (2009, "wcc", "70", "gt", 6, "2-business-days", "all_sites", ""),
    (2010, "wcc", "75", "gt", 6, "2-business-days", "all_sites", ""),
    (2011, "wcc", "75", "gt", 6, "2-business-days", "all_sites", ""),
    (2012, "wcc", "75", "gt", 6, "2-business-days", "all_sites", ""),
    (2013, "wcc", "80", "gt", 3, "2-business-days", "all_sites", ""),
    (2014, "wcc", "80", "gt", 3, "10min-24h", "none", NOTE_2014),
    (2015, "fcr", "80", "gte", 3, "10min-24h", "none", "FCR: 80% or higher of calls resolved on the first call."),
]

MIN_SURVEYS = {"csr": 25, "supervisor": 200, "site": 800}


def load(apps, schema_editor):
    SurveyWindow = apps.get_model("certification", "SurveyWindow")
    Edition = apps.get_model("certification", "Edition")
    LevelRule = apps.get_model("certification", "LevelRule")
    windows = {}
    for code, kind, lo, hi, days, description in WINDOWS:
        windows[code], _ = SurveyWindow.objects.update_or_create(
            code=code,
            defaults=dict(kind=kind, min_minutes=lo, max_minutes=hi, business_days=days, description=description),
        )
    for year, metric, threshold, comparison, months, window, org_rule, notes in EDITIONS:
        label = "World Class FCR" if metric == "fcr" else "World Class Call"
        edition, _ = Edition.objects.update_or_create(
            year=year,
            defaults=dict(
                name=f"{year} {label} Certification",
                metric=metric,
                comparison=comparison,
                min_consecutive_months=months,
                max_window_months=12,
                validity_months=12,
                survey_window=windows[window],
                organization_rule=org_rule,
                notes=notes,
            ),
        )
        for level, min_surveys in MIN_SURVEYS.items():
            LevelRule.objects.update_or_create(
                edition=edition,
                level=level,
                defaults=dict(threshold_percent=Decimal(threshold), min_surveys=min_surveys),
            )


def unload(apps, schema_editor):
    Edition = apps.get_model("certification", "Edition")
    SurveyWindow = apps.get_model("certification", "SurveyWindow")
    Edition.objects.filter(year__in=[e[0] for e in EDITIONS], runs__isnull=True).delete()
    SurveyWindow.objects.filter(code__in=[w[0] for w in WINDOWS], editions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
