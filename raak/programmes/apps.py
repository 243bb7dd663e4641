from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "raak.programmes"
    verbose_name = "Programmes"

    def ready(self):
        # A round's state changed (closed, reopened, published): its rule tally and
        # those that read it are counted ahead of the next page (rule_tally.py).
        from raak.programmes import rule_tally
        from raak.programmes.status import round_state_changed

        round_state_changed.connect(rule_tally.on_round_state_changed,
                                    dispatch_uid="programmes-rule-tally")  # fmt: skip
