"""Who gets which message about a programme's events (raak.programmes.mail logs and
sends them). Here, in the home of cross-app jobs, because it reads the roles of
raak.accounts and the submissions of raak.cycle.

- submitted: the national office and the region's implementation advisors;
- returned, accepted (with the comment): the region's coordinators and officers;
- deadline changed: the coordinators and officers of the round's regions;
- round published: everyone with a role in the programme.

Each person can switch a kind off on their account page (MessageOptOut)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from raak.accounts.models import Role
from raak.cycle.models import Submission
from raak.look import theme as themes
from raak.programmes import mail
from raak.programmes.models import Message

REGION_WRITERS = (Role.COORDINATOR, Role.OFFICER)


def _users(**role_filter):
    return list(
        get_user_model().objects.filter(**{f"roles__{k}": v for k, v in role_filter.items()})
        .distinct().order_by("pk")
    )  # fmt: skip


def submission_event(sender, instance, created, **kwargs):
    """post_save of a SubmissionEvent: every transition of a region's report."""
    if not created or instance.new not in (Submission.SUBMITTED, Submission.RETURNED,
                                           Submission.ACCEPTED):  # fmt: skip
        return
    sub = instance.submission
    rnd, region = sub.round, sub.region
    programme = rnd.programme
    if instance.new == Submission.SUBMITTED:
        users = _users(programme=programme, kind=Role.NATIONAL) + _users(
            region=region, kind=Role.ADVISOR
        )
    else:
        users = _users(region=region, kind__in=REGION_WRITERS)
    context = {
        "round": rnd, "region": region, "comment": instance.comment, "actor": instance.actor,
        "link": mail.link(reverse("submission", args=[programme.slug, rnd.slug, region.slug])),
    }  # fmt: skip
    _queue(instance.new, users, instance.new, context, programme=programme,
                        round=rnd, region=region, actor=instance.actor)  # fmt: skip


def round_published(sender, round, user, **kwargs):
    programme = round.programme
    context = {"round": round,
               "link": mail.link(reverse("national", args=[programme.slug, round.slug]))}  # fmt: skip
    _queue(Message.PUBLISHED, _users(programme=programme), "published", context,
                        programme=programme, round=round, actor=_actor(user))  # fmt: skip


def round_deadline_changed(sender, round, old, new, user, **kwargs):
    programme = round.programme
    regions = programme.regions.active_on(round.peildatum)
    context = {"round": round, "old": old, "new": new, "link": mail.link(reverse("start"))}
    _queue(Message.DEADLINE, _users(region__in=regions, kind__in=REGION_WRITERS),
                        "deadline", context, programme=programme, round=round,
                        actor=_actor(user))  # fmt: skip


def _queue(kind, users, template, context, **about):
    # The deploying organisation's name closes every message, as it closes reminders
    # and invitations (raak.look; plain text, no logo).
    context = {**context, "signature": themes.mail_signature()}
    return mail.queue_messages(kind, users, template, context, **about)


def _actor(user):
    return user.get_username() if user else "systeem"
