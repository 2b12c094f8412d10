from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "worldclass.core"
    verbose_name = "Core"
