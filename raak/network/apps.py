from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "raak.network"
    verbose_name = "Network of aandachtsfunctionarissen"
