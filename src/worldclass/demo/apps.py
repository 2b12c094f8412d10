from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "worldclass.demo"
    verbose_name = "Demo"
