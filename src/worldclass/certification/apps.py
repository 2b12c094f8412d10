from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "worldclass.certification"
    verbose_name = "Certification"
