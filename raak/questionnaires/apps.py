from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "raak.questionnaires"
    verbose_name = "Questionnaires"

    def ready(self):
        # The cycle's pages list a region's questionnaires without knowing this app.
        from raak.programmes.round_forms import add_kind, add_provider
        from raak.questionnaires.rounds import Questionnaires, round_forms_of

        add_provider(round_forms_of)
        add_kind(Questionnaires())
