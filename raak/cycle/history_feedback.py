"""The region's reporting history for programmes.feedback: per round with a deadline,
submitted on time, late, not submitted, or still open; one query."""

from django.utils import timezone
from django.utils.translation import gettext as _

from raak.cycle.models import Submission


def reporting_history(region, rounds):
    rounds = [r for r in rounds if r.closes_on]
    subs = {
        s.round_id: s
        for s in Submission.objects.filter(region=region, round__in=rounds).only(
            "round_id", "state", "submitted_at"
        )
    }
    today = timezone.localdate()
    out = []
    for r in rounds:
        sub = subs.get(r.id)
        if sub is not None and sub.submitted_at:
            day = timezone.localtime(sub.submitted_at).date()
            if day <= r.closes_on:
                out.append(
                    (r, "on-time", _("op tijd ingediend (%(d)s)") % {"d": f"{day:%d-%m-%Y}"})
                )
            else:
                out.append((r, "late", _("te laat ingediend (%(d)s)") % {"d": f"{day:%d-%m-%Y}"}))
        elif r.is_open and today <= r.closes_on:
            out.append((r, "open", _("nog open")))
        else:
            out.append((r, "missing", _("niet ingediend")))
    return out
