"""Saving a region's justification of a warning, and a round's rule results as plain
data (for `raak validate` and the API); the rules themselves are in rules.py."""

from django.db import transaction
from django.utils.translation import gettext as _

from raak.programmes import status
from raak.programmes.history import Recorder
from raak.programmes.models import RuleJustification, ValidationRule


def as_dict(rnd, outcome, regions=None):
    """The outcome as plain data, for `raak validate --format json` and the API."""
    if regions is None:
        regions = list(rnd.programme.regions.active_on(rnd.peildatum))
    errors, warnings = outcome.counts()
    out = []
    for region in regions:
        results = outcome.of(region)
        if not results:
            continue
        out.append({
            "region": region.slug, "name": region.name,
            "results": [
                {"rule": r.rule.key, "importance": r.rule.importance, "message": r.message,
                 "milestone": r.target, "field": r.anchor, "justification": r.justification}
                for r in results
            ],
        })  # fmt: skip
    return {
        "programme": rnd.programme.slug, "round": rnd.slug,
        "counts": {"errors": errors, "warnings": warnings, "regions": len(out)},
        "regions": out,
    }  # fmt: skip


def justify(rnd, region, rule, target, text, *, user):
    """Store (or, with empty text, remove) the region's justification of a warning;
    refused like any save when the round is closed or the region has submitted. Each
    change is recorded. A justification of an error is refused: an error is fixed."""
    if rule.importance != ValidationRule.WARNING:
        raise ValueError(_("Een fout licht u niet toe maar herstelt u."))
    text = text.strip()
    with transaction.atomic():
        status.check_writable(rnd, region)
        current = (
            RuleJustification.objects.select_for_update()
            .filter(round=rnd, region=region, rule=rule, target=target)
            .first()
        )
        old = current.text if current else ""
        if old == text:
            return current
        if text and current:
            current.text, current.updated_by = text, user
            current.save()
        elif text:
            current = RuleJustification.objects.create(
                round=rnd, region=region, rule=rule, target=target, text=text, updated_by=user
            )
        elif current:
            current.delete()
            current = None
        recorder = Recorder(user, programme=rnd.programme)
        recorder.record(subject=f"toelichting regel {rule.key}", field=target or "regio",
                        old=old, new=text, round=rnd, region=region)  # fmt: skip
        recorder.flush()
        return current
