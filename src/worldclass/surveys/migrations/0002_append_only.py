from django.db import migrations

from worldclass.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [append_only_triggers("surveys_surveyresponse")]
