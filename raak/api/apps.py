from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "raak.api"
    verbose_name = "JSON API"
