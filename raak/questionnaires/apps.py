from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "raak.questionnaires"
    verbose_name = "Questionnaires"
