from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "raak.knowledge"
    verbose_name = "Knowledge base"
