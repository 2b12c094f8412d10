from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "worldclass.certificates"

    def ready(self) -> None:
        # The pages' permissions for the navigation (a module outside the rules layer: it names access checks
        # that sit beside the rules).
        from worldclass.certificates import permissions  # noqa: F401
