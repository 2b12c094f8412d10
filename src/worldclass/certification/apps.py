from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "worldclass.certification"
    verbose_name = "Certification"

    def ready(self):
        # Imported here: signal receivers may only be connected once the app registry is ready.
        from worldclass.certification.receivers import add_recorded_surveys_to_rollups, count_importing_surveys
        from worldclass.surveys.signals import surveys_importing, surveys_recorded

        surveys_importing.connect(count_importing_surveys, dispatch_uid="certification.tally")
        surveys_recorded.connect(add_recorded_surveys_to_rollups, dispatch_uid="certification.rollups")
