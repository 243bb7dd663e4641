from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "raak.protocols"
    verbose_name = "Protocol checklist"
