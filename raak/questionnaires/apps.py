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
        # The programme's validation rules read answers without knowing this app.
        from raak.programmes.rules import add_answer_source
        from raak.questionnaires.rule_answers import SOURCE

        add_answer_source(SOURCE)
