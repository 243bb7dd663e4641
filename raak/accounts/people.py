"""The people of a programme and their roles: invite, accept, change, remove, deactivate.

One set of functions for the web pages and `raak users`. Each change is written to the
change history (naming the person by username only) and to the security log. A
function that refuses raises `PeopleError` with a sentence for the person who asked.
"""

import re
from dataclasses import dataclass, field

import django_otp
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from raak.accounts.invitation_mail import send_invitation
from raak.accounts.invitations import Invitation, describe_role, valid_for
from raak.accounts.models import Role, powers_changed
from raak.accounts.security import log_event
from raak.programmes.history import Recorder
from raak.programmes.models import Programme

REGION_KINDS = (Role.COORDINATOR, Role.OFFICER, Role.VIEWER)


class PeopleError(Exception):
    pass


@dataclass
class Actor:
    """Who makes a change: a signed-in user with their request, or the command line."""

    user: object = None
    request: object = None
    name: str = ""  # for the command line, e.g. "raak users (beheer)"

    def recorder(self, programme):
        return Recorder(self.user, actor=self.name, programme=programme)

    def log(self, event, programme, **details):
        log_event(
            event, self.request, user=self.user, username=self.name if not self.user else "",
            programme=programme, **details,
        )  # fmt: skip

    def national_programmes(self):
        if self.user is None:
            return set()
        return set(
            Role.objects.filter(user=self.user, kind=Role.NATIONAL).values_list(
                "programme_id", flat=True
            )
        )


def check_role(kind, regions):
    """Raise PeopleError unless `regions` fit the role `kind`."""
    if kind not in dict(Role.KINDS):
        raise PeopleError(_("Onbekende rol “%(k)s”.") % {"k": kind})
    if kind == Role.NATIONAL and regions:
        raise PeopleError(_("Het landelijk bureau werkt voor alle regio's; kies geen regio."))
    if kind in REGION_KINDS and len(regions) != 1:
        raise PeopleError(_("Kies precies één regio voor deze rol."))
    if kind == Role.ADVISOR and not regions:
        raise PeopleError(_("Kies een of meer regio's voor de implementatieadviseur."))


# The change history is stored text: always Dutch, whatever language the page was in.
def _role_text(kind, regions):
    with translation.override("nl"):
        return describe_role(kind, regions)


def _who(user):
    return f"persoon {user.get_username()}"


# --- the list ------------------------------------------------------------------------


@dataclass
class Person:
    user: object
    roles: list = field(default_factory=list)
    two_factor: bool = False

    def role_lines(self):
        """[(kind label, [regions])]: one line per kind, an advisor's regions together."""
        lines = {}
        for r in self.roles:
            regions = lines.setdefault(r.kind, [])
            if r.region:
                regions.append(r.region)
        return [(dict(Role.KINDS)[k], k, regions) for k, regions in lines.items()]


def people_of(programme, regions=None):
    """The people with a role in `programme` (only roles in `regions` when given), with
    whether they have a confirmed second factor; a fixed number of queries."""
    roles = Role.objects.filter(programme=programme).select_related("user", "region")
    if regions is not None:
        roles = roles.filter(region__in=regions)
    people = {}
    for role in roles.order_by("user__username", "region__position", "region__name"):
        people.setdefault(role.user_id, Person(role.user)).roles.append(role)
    with_device = set()
    # The bulk form of django_otp.user_has_device: one query per device kind.
    for device_class in django_otp.device_classes():
        with_device.update(
            device_class.objects.filter(user_id__in=people, confirmed=True).values_list(
                "user_id", flat=True
            )
        )
    for person in people.values():
        person.two_factor = person.user.id in with_device
    return list(people.values())


def member_of(programme, user_id):
    """A user with a role in `programme`, or None (the national office of another
    programme has no power over them)."""
    User = get_user_model()
    return User.objects.filter(id=user_id, roles__programme=programme).distinct().first()


# --- invitations -----------------------------------------------------------------------


def invite(programme, *, email, name, kind, regions, actor, base_url=""):
    """Create an invitation and queue its message; raise PeopleError when it cannot be."""
    email = email.strip().lower()
    regions = list(regions)
    check_role(kind, regions)
    if any(r.programme_id != programme.id for r in regions):
        raise PeopleError(_("Die regio hoort niet bij dit programma."))
    if already_has(programme, email, kind, regions):
        raise PeopleError(_("Dit adres heeft deze rol al in dit programma."))
    try:
        with transaction.atomic():
            inv = Invitation.objects.create(
                programme=programme, email=email, name=name.strip(), kind=kind,
                invited_by=actor.user, expires=timezone.now() + valid_for(),
            )  # fmt: skip
            inv.regions.set(regions)
    except IntegrityError:
        raise PeopleError(
            _("Voor dit adres staat al een uitnodiging open; verstuur die zo nodig opnieuw.")
        ) from None
    recorder = actor.recorder(programme)
    for region in regions or [None]:
        recorder.record(subject=f"uitnodiging {inv.id}", field="rol", new=_role_text(kind, regions),
                        region=region)  # fmt: skip
    recorder.flush()
    actor.log("user-invited", programme, invitation=inv.id, role=kind,
              regions=[r.slug for r in regions])  # fmt: skip
    send_invitation.enqueue(inv.id, base_url)
    return inv


def already_has(programme, email, kind, regions):
    """Whether an account with this address holds this role (in all these regions)."""
    held = set(
        Role.objects.filter(user__email__iexact=email, programme=programme, kind=kind).values_list(
            "region_id", flat=True
        )
    )
    wanted = {r.id for r in regions} or {None}
    return bool(held) and wanted <= held


def resend(inv, *, actor, base_url=""):
    if inv.state in (Invitation.USED, Invitation.WITHDRAWN):
        raise PeopleError(_("Deze uitnodiging is al gebruikt of ingetrokken."))
    # The task makes a new token; the old link stops working when it runs.
    Invitation.objects.filter(id=inv.id).update(token_hash="", send_error="")
    recorder = actor.recorder(inv.programme)
    recorder.record(
        subject=f"uitnodiging {inv.id}",
        field="opnieuw verstuurd",
        new=_role_text(inv.kind, inv.region_list()),
    )
    recorder.flush()
    actor.log("user-invited", inv.programme, invitation=inv.id, resent=True)
    send_invitation.enqueue(inv.id, base_url)


def withdraw(inv, *, actor):
    if inv.state in (Invitation.USED, Invitation.WITHDRAWN):
        raise PeopleError(_("Deze uitnodiging is al gebruikt of ingetrokken."))
    Invitation.objects.filter(id=inv.id).update(withdrawn_at=timezone.now())
    recorder = actor.recorder(inv.programme)
    recorder.record(
        subject=f"uitnodiging {inv.id}",
        field="ingetrokken",
        old=_role_text(inv.kind, inv.region_list()),
    )
    recorder.flush()
    actor.log("user-invited", inv.programme, invitation=inv.id, withdrawn=True)


def existing_account(inv):
    """The account the invitation's address already has, if any."""
    users = list(get_user_model().objects.filter(email__iexact=inv.email)[:2])
    if len(users) > 1:
        raise PeopleError(
            _("Er zijn meerdere accounts met dit adres; vraag het landelijk bureau om hulp.")
        )
    return users[0] if users else None


@transaction.atomic
def accept(inv_id, *, user=None, new_account=None, request=None):
    """Give the invitation's role to `user` (an existing account) or to a new account
    made from `new_account` ({username, name, password}); return the user."""
    inv = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(id=inv_id)
    )
    if inv.state != Invitation.VALID:
        raise PeopleError(_("Deze uitnodiging is niet meer geldig."))
    User = get_user_model()
    revoked = []
    if user is None:
        user = existing_account(inv)
        if user is not None and user.is_active:
            raise PeopleError(_("Dit adres heeft al een account; log daarmee in."))
        if user is not None:
            # A switched-off account comes back with the invited role only: never with
            # roles it had before, and never past another programme's national office.
            if Role.objects.filter(user=user).exclude(programme=inv.programme).exists():
                raise PeopleError(
                    _(
                        "Dit account werkt ook in een ander programma; vraag het landelijk bureau om hulp."
                    )
                )
            revoked = list(
                Role.objects.filter(user=user, programme=inv.programme).select_related("region")
            )
            Role.objects.filter(pk__in=[r.pk for r in revoked]).delete()
        if user is None:
            user = User(username=new_account["username"], email=inv.email)
        user.first_name = new_account["name"]
        user.is_active = True
        user.set_password(new_account["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the username was taken a moment ago
            raise PeopleError(
                _(
                    "Deze gebruikersnaam is zojuist door iemand anders gekozen; open de link opnieuw."
                )
            ) from None
    programme = inv.programme
    recorder = Recorder(user, programme=programme)
    for role in revoked:
        recorder.record(subject=_who(user), field="rol", region=role.region,
                        old=_role_text(role.kind, [role.region] if role.region else []), new="")  # fmt: skip
    regions = inv.region_list()
    if inv.kind == Role.NATIONAL:
        if not Role.objects.filter(user=user, programme=programme, kind=Role.NATIONAL).exists():
            Role.objects.create(user=user, programme=programme, kind=Role.NATIONAL)
            recorder.record(subject=_who(user), field="rol", new=_role_text(inv.kind, []))
    for region in regions:
        role, created = Role.objects.get_or_create(
            user=user, programme=programme, region=region, defaults={"kind": inv.kind}
        )
        old = "" if created else _role_text(role.kind, [region])
        if not created and role.kind != inv.kind:
            role.kind = inv.kind
            role.save(update_fields=["kind"])
        recorder.record(subject=_who(user), field="rol", old=old,
                        new=_role_text(inv.kind, [region]), region=region)  # fmt: skip
    inv.accepted_at = timezone.now()
    inv.accepted_by = user
    # The hash stays, so the link, used again, says it was used (accepted_at: single use).
    inv.save(update_fields=["accepted_at", "accepted_by"])
    recorder.flush()
    log_event("role-changed", request, user=user, programme=programme,
              action="invitation-accepted", invitation=inv.id, role=inv.kind,
              regions=[r.slug for r in regions])  # fmt: skip
    return user


def suggest_username(email):
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0].lower())[:140] or "gebruiker"
    User = get_user_model()
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


# --- roles ---------------------------------------------------------------------------


def _national_count(programme):
    return Role.objects.filter(
        programme=programme, kind=Role.NATIONAL, user__is_active=True
    ).count()


def _guard_last_national(role, new_kind=None):
    if role.kind == Role.NATIONAL and new_kind != Role.NATIONAL:
        if _national_count(role.programme) <= 1:
            raise PeopleError(
                _(
                    "Dit is het laatste actieve lid van het landelijk bureau; wijs eerst iemand anders aan."
                )
            )


@transaction.atomic
def change_role(role, *, kind, region, expected, actor):
    """Set a role's kind and region; `expected` = (kind, region id) the page showed, so
    two people changing one role at once do not overwrite each other silently."""
    check_role(kind, [region] if region else [])
    if kind == Role.ADVISOR and region is None:
        raise PeopleError(pgettext("mensen", "Kies een regio."))
    _guard_last_national(role, kind)
    old = _role_text(role.kind, [role.region] if role.region else [])
    try:
        with transaction.atomic():
            updated = Role.objects.filter(
                id=role.id, kind=expected[0], region_id=expected[1]
            ).update(kind=kind, region=region)
    except IntegrityError:
        raise PeopleError(_("Deze persoon heeft in die regio al een rol.")) from None
    if not updated:
        raise PeopleError(
            _("Iemand anders heeft deze rol intussen gewijzigd; bekijk de nieuwe stand.")
        )
    # A bulk update sends no post_save: tell the API so it revokes the user's tokens.
    powers_changed.send(sender=Role, users=[role.user], programme=role.programme,
                        reason="role-changed")  # fmt: skip
    new = _role_text(kind, [region] if region else [])
    recorder = actor.recorder(role.programme)
    recorder.record(subject=_who(role.user), field="rol", old=old, new=new,
                    region=region or role.region)  # fmt: skip
    recorder.flush()
    actor.log("role-changed", role.programme, target=role.user.get_username(), action="changed",
              role=kind, region=region.slug if region else None)  # fmt: skip


@transaction.atomic
def add_role(programme, user, *, kind, region, actor):
    check_role(kind, [region] if region else [])
    if (
        kind == Role.NATIONAL
        and Role.objects.filter(user=user, programme=programme, kind=Role.NATIONAL).exists()
    ):
        raise PeopleError(_("Deze persoon hoort al bij het landelijk bureau."))
    try:
        with transaction.atomic():
            Role.objects.create(user=user, programme=programme, kind=kind, region=region)
    except IntegrityError:
        raise PeopleError(_("Deze persoon heeft in die regio al een rol.")) from None
    recorder = actor.recorder(programme)
    recorder.record(subject=_who(user), field="rol",
                    new=_role_text(kind, [region] if region else []), region=region)  # fmt: skip
    recorder.flush()
    actor.log("role-changed", programme, target=user.get_username(), action="added", role=kind,
              region=region.slug if region else None)  # fmt: skip


@transaction.atomic
def remove_role(role, *, expected, actor):
    _guard_last_national(role)
    deleted, _n = Role.objects.filter(id=role.id, kind=expected[0], region_id=expected[1]).delete()
    if not deleted:
        raise PeopleError(
            _("Iemand anders heeft deze rol intussen gewijzigd; bekijk de nieuwe stand.")
        )
    recorder = actor.recorder(role.programme)
    recorder.record(subject=_who(role.user), field="rol",
                    old=_role_text(role.kind, [role.region] if role.region else []),
                    region=role.region)  # fmt: skip
    recorder.flush()
    actor.log("role-changed", role.programme, target=role.user.get_username(), action="removed",
              role=role.kind, region=role.region.slug if role.region else None)  # fmt: skip


@transaction.atomic
def deactivate(programme, user, *, actor):
    """Switch the account off (it keeps its history), or, when the person also works in
    a programme this actor does not run, only remove their roles here. Returns
    "deactivated" or "roles-removed"."""
    if actor.user is not None and user.pk == actor.user.pk:
        raise PeopleError(_("U kunt uw eigen account niet uitschakelen."))
    if not user.is_active:
        raise PeopleError(_("Dit account is al uitgeschakeld."))
    roles = list(Role.objects.filter(user=user, programme=programme).select_related("region"))
    if any(r.kind == Role.NATIONAL for r in roles) and _national_count(programme) <= 1:
        raise PeopleError(
            _(
                "Dit is het laatste actieve lid van het landelijk bureau; wijs eerst iemand anders aan."
            )
        )
    visible = actor.national_programmes() | {programme.id}
    elsewhere = Role.objects.filter(user=user).exclude(programme_id__in=visible).exists()
    recorder = actor.recorder(programme)
    if elsewhere:
        Role.objects.filter(id__in=[r.id for r in roles]).delete()
        for r in roles:
            recorder.record(subject=_who(user), field="rol",
                            old=_role_text(r.kind, [r.region] if r.region else []),
                            region=r.region)  # fmt: skip
        recorder.flush()
        actor.log("role-changed", programme, target=user.get_username(), action="removed-all",
                  roles=len(roles))  # fmt: skip
        return "roles-removed"
    user.is_active = False
    user.save(update_fields=["is_active"])
    recorder.record(subject=_who(user), field="actief", old=True, new=False)
    recorder.flush()
    actor.log("user-deactivated", programme, target=user.get_username())
    return "deactivated"


@transaction.atomic
def reactivate(programme, user, *, actor):
    visible = actor.national_programmes() | {programme.id}
    if Role.objects.filter(user=user).exclude(programme_id__in=visible).exists():
        raise PeopleError(
            _("Deze persoon werkt ook in een ander programma; dat landelijk bureau beslist mee.")
        )
    if user.is_active:
        raise PeopleError(_("Dit account is al actief."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    recorder = actor.recorder(programme)
    recorder.record(subject=_who(user), field="actief", old=False, new=True)
    recorder.flush()
    actor.log("role-changed", programme, target=user.get_username(), action="reactivated")


def programme_by_slug(slug):
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise PeopleError(_("Programma “%(s)s” bestaat niet.") % {"s": slug})
    return programme
