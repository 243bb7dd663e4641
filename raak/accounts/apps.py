from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raak.accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from raak.accounts import checks, oidc, signals  # noqa: F401 (registers handlers)
