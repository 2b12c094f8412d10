from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "worldclass.operations"

    def ready(self) -> None:
        # The pages' permissions for the navigation (a module outside the rules layer: it names access checks
        # that sit beside the rules).
        from worldclass.operations import permissions  # noqa: F401
