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
        # The change history shows answers with their labels and can revert one.
        from raak.programmes import changes
        from raak.questionnaires import changes as answer_changes

        changes.register("answer", describe=answer_changes.describe,
                         revert=answer_changes.revert, fields=answer_changes.is_answer_field)  # fmt: skip
        # The programme's validation rules read answers without knowing this app.
        from raak.programmes.rules import add_answer_source
        from raak.questionnaires.rule_answers import SOURCE

        add_answer_source(SOURCE)
