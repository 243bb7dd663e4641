from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "raak.reports"

    def ready(self):
        # The change history can revert a report text.
        from raak.programmes import changes
        from raak.reports import changes as report_changes

        changes.register("report", describe=report_changes.describe,
                         revert=report_changes.revert, fields=("tekst",))  # fmt: skip
