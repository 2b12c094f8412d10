from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "worldclass.accounts"
    verbose_name = "Accounts and roles"
