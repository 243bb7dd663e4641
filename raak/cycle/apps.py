from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "raak.cycle"
    verbose_name = "Rapportagecyclus"

    def ready(self):
        # A submitted or accepted report freezes the region's data in the round for
        # every write path that goes through raak.programmes.status.
        from raak.cycle.submissions import is_frozen, not_submitted
        from raak.programmes import round_notes
        from raak.programmes.status import add_region_freezer

        add_region_freezer(is_frozen)
        # The public pages of a published round say which regions did not submit.
        round_notes.add_provider(not_submitted)

        # The region's reporting history in the feedback it sees (programmes.feedback).
        from raak.cycle.history_feedback import reporting_history
        from raak.programmes.feedback import add_history

        add_history(reporting_history)
