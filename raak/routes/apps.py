from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "raak.routes"
    verbose_name = "Route maps"
