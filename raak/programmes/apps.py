from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "raak.programmes"
    verbose_name = "Programmes"
