from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "raak.knowledge"
    verbose_name = "Knowledge base"

    def ready(self):
        from raak.knowledge.search import ensure_index

        post_migrate.connect(ensure_index, sender=self)
