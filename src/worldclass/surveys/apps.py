from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "worldclass.surveys"
    verbose_name = "Survey responses"
