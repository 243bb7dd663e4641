"""The start page after login: what a region still has to do in the open round."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from raak.accounts.models import Role
from raak.cycle.models import Submission
from raak.programmes import feedback, round_forms
from raak.programmes.models import MilestoneStatus, Round


@dataclass
class RegionTasks:
    region: object
    round: Round
    role: str
    can_write: bool
    submission: object
    state: str
    milestones: list = field(default_factory=list)  # milestones without an update
    questionnaires: list = field(default_factory=list)  # (RoundForm, state label, url)
    next_url: str = ""
    next_label: str = ""
    feedback: object = None  # programmes.feedback.Feedback

    @property
    def state_label(self):
        return dict(Submission.STATES)[self.state]


def open_round(programme):
    return programme.rounds.filter(state=Round.OPEN).order_by("-peildatum").first()


def region_tasks(region, rnd, role):
    """A fixed number of queries for one region, whatever the programme's size."""
    programme = rnd.programme
    p, r = programme.slug, rnd.slug
    sub = Submission.objects.filter(round=rnd, region=region).first()
    updated = set(
        MilestoneStatus.objects.filter(
            round=rnd, region=region, updated_by__isnull=False
        ).values_list("milestone_id", flat=True)
    )
    milestones = [m for m in programme.milestones.all() if m.id not in updated]
    forms = round_forms.for_region(rnd, region)
    open_questionnaires = [
        (f, _("concept, nog niet ingediend") if f.started else _("nog niet beantwoord"), f.url)
        for f in forms
        if not f.submitted
    ]
    has_changes = bool(updated) or any(f.started for f in forms)
    state = (
        sub.state if sub else (Submission.IN_PROGRESS if has_changes else Submission.NOT_STARTED)
    )
    t = RegionTasks(region, rnd, role, role in Role.WRITERS, sub, state, milestones,
                    open_questionnaires)  # fmt: skip
    t.feedback = feedback.for_region(
        region, rnd, timezone.localdate(), list(programme.rounds.all())
    )
    report = reverse("submission", args=[p, r, region.slug])
    if state in Submission.FROZEN or not t.can_write:
        t.next_url, t.next_label = report, _("Bekijk de rapportage")
    elif state == Submission.RETURNED:
        t.next_url, t.next_label = report, _("Pas de rapportage aan en dien opnieuw in")
    elif open_questionnaires:
        t.next_url, t.next_label = (
            open_questionnaires[0][2],
            _("Vul in: %(q)s") % {"q": open_questionnaires[0][0].name},
        )
    elif milestones:
        t.next_url = reverse("edit-status", args=[p, r, region.slug, milestones[0].key])
        t.next_label = _("Werk bij: %(m)s") % {"m": milestones[0].name}
    else:
        t.next_url, t.next_label = report, _("Controleer en dien in")
    return t
