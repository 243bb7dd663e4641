from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raak.accounts"
    verbose_name = "Accounts and roles"
