from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "worldclass.registry"
    verbose_name = "Public registry"
