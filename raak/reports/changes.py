"""Report texts in the change history: the national office reverts one text to what it
was before a save (raak.programmes.changes). A published report is frozen: its texts
no longer change, so neither does a revert."""

from django.db import transaction
from django.utils.translation import gettext

from raak.lib.locking import Conflict
from raak.programmes import changes
from raak.reports.models import Report, ReportText


def describe(records, programme):
    for r in records:
        r.what = gettext("rapport: %(s)s") % {"s": r.subject.partition(": ")[2] or r.subject}


def revert(record, *, user, reason):
    from raak.reports.views import _save_text

    with transaction.atomic():
        text = ReportText.objects.filter(pk=record.object_id).first()
        if text is None:
            raise Conflict(None)
        report = Report.objects.select_for_update().get(pk=text.report_id)
        if report.state == Report.PUBLISHED:
            raise changes.NotRevertible(gettext("Het rapport is gepubliceerd en ligt vast."))
        text.refresh_from_db()
        if text.text != record.new:
            raise Conflict(text)
        _save_text(user, report, text.key, None, text.version, record.old, reason=reason,
                   reverts=record)  # fmt: skip
