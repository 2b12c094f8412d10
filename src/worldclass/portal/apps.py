from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "worldclass.portal"
