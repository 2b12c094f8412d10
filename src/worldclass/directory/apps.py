from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "worldclass.directory"
    verbose_name = "Directory"
