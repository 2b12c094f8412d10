from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "worldclass.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from worldclass.core import checks  # noqa: F401  (registers the system checks)
