from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "raak.questionnaires"
    verbose_name = "Questionnaires"

    def ready(self):
        # The cycle's pages list a region's questionnaires without knowing this app.
        from raak.programmes.round_forms import add_provider
        from raak.questionnaires.service import round_forms

        add_provider(round_forms)
