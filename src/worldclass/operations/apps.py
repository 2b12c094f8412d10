from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "worldclass.operations"
