# Joins the rollups' branch (0007, 0008) and the survey windows' French descriptions (0009, see there why apart).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("certification", "0008_rollup_key_in_lock_order"),
        ("certification", "0009_survey_window_french_descriptions"),
    ]

    operations = []
