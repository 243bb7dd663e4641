"""Who may see and change what.

- Anyone sees published rounds.
- A member of a region (coordinator, officer, viewer) also sees that region's data in
  rounds that are not published yet; coordinators and officers change it while the
  round is open; viewers only read.
- The national office sees and changes everything and manages rounds.

Helpers follow one rule: outsiders get 404 (we do not even confirm a region's
unpublished data exists), members without write rights get 403.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from raak.accounts.models import Role
from raak.accounts.twofactor import is_verified, needs_second_factor
from raak.programmes import caching
from raak.programmes.models import Programme, Region, Round

# The 403 page says why; a page a member may not see at all says so, not this.
READ_ONLY = _("U mag deze gegevens bekijken maar niet wijzigen.")
NATIONAL_ONLY = _("Deze pagina is alleen voor het landelijk bureau.")


class Access:
    """A user's roles in one programme, read once per request."""

    def __init__(self, user, programme):
        self.user = user
        self.programme = programme

    @cached_property
    def roles(self):
        if not self.user.is_authenticated:
            return []
        return list(Role.objects.filter(user=self.user, programme=self.programme))

    @property
    def is_national(self):
        # A password-only session (second factor not given) never acts as the national
        # office, whatever page it reaches (see raak/accounts/twofactor.py).
        return any(r.kind == Role.NATIONAL for r in self.roles) and is_verified(self.user)

    def region_kind(self, region):
        return next((r.kind for r in self.roles if r.region_id == region.id), None)

    @cached_property
    def region_ids(self):
        return {r.region_id for r in self.roles if r.region_id}

    def can_read_unpublished(self, region):
        return self.is_national or region.id in self.region_ids

    def can_write(self, region):
        return self.is_national or self.region_kind(region) in (Role.COORDINATOR, Role.OFFICER)

    def visible_rounds(self, region=None):
        """Rounds whose data this user may see (for `region`, or nationally)."""
        rounds = self.programme.rounds.all()
        if self.is_national or (region is not None and region.id in self.region_ids):
            return rounds
        return rounds.visible_to_public()

    @property
    def is_member(self):
        return bool(self.roles)


def get_access(request, programme):
    # One Access per programme per request, so roles are read once.
    cache = request.__dict__.setdefault("_raak_access", {})
    if programme.id not in cache:
        cache[programme.id] = Access(request.user, programme)
    return cache[programme.id]


def programme_for(request, slug):
    # With the installation's versions (the theme's) in the same query: the page's
    # header then needs no query of its own to know them (caching.site_version).
    programme = get_object_or_404(caching.with_site_versions(Programme.objects), slug=slug)
    request._raak_versioned_programme = programme
    return programme, get_access(request, programme)


def round_for_reading(request, programme, slug):
    """A round whose national picture the user may see: published, or any for the
    national office. A coordinator sees their own region's unpublished data on the
    region page, never other regions' data through the national picture."""
    access = get_access(request, programme)
    rnd = get_object_or_404(Round, programme=programme, slug=slug)
    if not rnd.is_published and not access.is_national:
        raise Http404
    return rnd


def region_for_writing(request, programme, slug):
    """Return (region, can_write): 404 for outsiders, 403 for read-only members."""
    access = get_access(request, programme)
    region = get_object_or_404(Region, programme=programme, slug=slug)
    if not access.can_read_unpublished(region):
        raise Http404
    if not access.can_write(region):
        raise PermissionDenied(READ_ONLY)
    return region, True


def national_only(request, programme):
    access = get_access(request, programme)
    if access.is_national:
        return access
    if access.is_member:
        raise PermissionDenied(NATIONAL_ONLY)
    raise Http404


def token_may_act(user, made_with_second_factor):
    """Whether a personal access token may act for `user` now. A token stands in for a
    login, second factor included; so when the owner needs a second factor *today* (a
    national role, staff, or a programme that requires it for everyone), only a token
    made in a session verified with one counts, and only while the owner still has a
    confirmed device. Asked on every API request, so a role changed or a switch turned
    on since the token was made counts at once, whatever revocation did or missed."""
    from django_otp import user_has_device

    if not needs_second_factor(user):
        return True
    return bool(made_with_second_factor) and user_has_device(user, confirmed=True)
