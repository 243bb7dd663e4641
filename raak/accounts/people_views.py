"""People pages: the national office manages its programme's people; a coordinator
sees (only) the people of their own region; an invitee accepts an invitation."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from raak.accounts import oidc
from raak.accounts import people as service
from raak.accounts.access import national_only, programme_for
from raak.accounts.forms_people import InviteForm, NewAccountForm, RoleForm
from raak.accounts.invitations import Invitation, find
from raak.accounts.models import Role
from raak.accounts.security import log_event


def _actor(request):
    return service.Actor(user=request.user, request=request)


def _base_url(request):
    # Links in e-mail come from SITE_URL only, never from the request's Host header.
    return settings.SITE_URL


@login_required
def people(request, slug):
    """National office: everyone, with actions. Coordinator: their region's people."""
    programme, access = programme_for(request, slug)
    if access.is_national:
        regions = None
    else:
        coordinated = [r.region_id for r in access.roles if r.kind == Role.COORDINATOR]
        regions = list(programme.regions.filter(id__in=coordinated))
        if not regions:
            if access.is_member:
                raise PermissionDenied(
                    _("Deze pagina is alleen voor het landelijk bureau en de regiocoördinatoren.")
                )
            raise Http404
    region_filter = request.GET.get("regio", "")
    shown = regions
    if access.is_national and region_filter:
        shown = list(programme.regions.filter(slug=region_filter))
    persons = service.people_of(programme, shown)
    query = request.GET.get("q", "").strip().lower()
    if query:
        persons = [
            p
            for p in persons
            if query in p.user.get_username().lower()
            or query in p.user.get_full_name().lower()
            or query in p.user.email.lower()
        ]
    invitations = list(Invitation.objects.for_people_page(programme, shown))
    log_event("personal-data-read", request, programme=programme, what="people",
              regions=[r.slug for r in shown] if shown is not None else "all")  # fmt: skip
    return render(
        request,
        "accounts/people/list.html",
        {"programme": programme, "access": access, "persons": persons,
         "invitations": invitations, "can_manage": access.is_national,
         "own_regions": regions, "all_regions": programme.regions.order_by("name"),
         "region_filter": region_filter, "query": query},
    )  # fmt: skip


@login_required
def invite(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    if request.method == "POST":
        form = InviteForm(request.POST, programme=programme)
        if form.is_valid():
            d = form.cleaned_data
            try:
                inv = service.invite(
                    programme, email=d["email"], name=d["name"], kind=d["kind"],
                    regions=list(d["regions"]), actor=_actor(request),
                    base_url=_base_url(request),
                )  # fmt: skip
            except service.PeopleError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("Uitnodiging voor %(e)s klaargezet als %(r)s.")
                    % {"e": inv.email, "r": inv.describe()},
                )
                return redirect("people", programme.slug)
    else:
        form = InviteForm(programme=programme, initial={"kind": Role.COORDINATOR})
    return render(
        request,
        "accounts/people/invite.html",
        {"programme": programme, "access": access, "form": form,
         "invitation_days": settings.INVITATION_DAYS},
    )  # fmt: skip


@login_required
def person(request, slug, user_id):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    member = service.member_of(programme, user_id)
    if member is None:
        raise Http404
    add_form = RoleForm(programme=programme, prefix="add")
    if request.method == "POST":
        refused_form = _handle_person_post(request, programme, member)
        if refused_form is None:
            if service.member_of(programme, user_id) is None:  # their last role here went
                return redirect("people", programme.slug)
            return redirect("person", programme.slug, member.id)
        add_form = refused_form
    roles = list(
        Role.objects.filter(user=member, programme=programme)
        .select_related("region")
        .order_by("region__name")
    )
    role_forms = [
        (
            role,
            RoleForm(
                programme=programme,
                prefix=f"role{role.id}",
                initial={
                    "kind": role.kind,
                    "region": role.region_id,
                    "expected_kind": role.kind,
                    "expected_region": role.region_id,
                },
            ),  # fmt: skip
        )
        for role in roles
    ]
    visible = _actor(request).national_programmes() | {programme.id}
    elsewhere = Role.objects.filter(user=member).exclude(programme_id__in=visible).exists()
    log_event("personal-data-read", request, programme=programme, what="person",
              target=member.get_username())  # fmt: skip
    return render(
        request,
        "accounts/people/person.html",
        {"programme": programme, "access": access, "member": member, "roles": role_forms,
         "add_form": add_form, "two_factor": django_otp.user_has_device(member),
         "elsewhere": elsewhere, "is_self": member.id == request.user.id},
    )  # fmt: skip


def _handle_person_post(request, programme, member):
    """Run the action of a POST on a person page; return a bound add-form with errors,
    or None. Refusals become an error message on the page."""
    action = request.POST.get("action", "")
    actor = _actor(request)
    try:
        if action in ("change", "remove"):
            role = get_object_or_404(
                Role, id=request.POST.get("role", 0), user=member, programme=programme
            )
            form = RoleForm(request.POST, programme=programme, prefix=f"role{role.id}")
            if not form.is_valid():
                messages.error(request, _("Niet opgeslagen: %(e)s") % {"e": _errors(form)})
                return None
            d = form.cleaned_data
            expected = (d["expected_kind"], d["expected_region"])
            if action == "change":
                service.change_role(role, kind=d["kind"], region=d["region"], expected=expected,
                                    actor=actor)  # fmt: skip
                messages.success(request, _("Rol gewijzigd."))
            else:
                service.remove_role(role, expected=expected, actor=actor)
                messages.success(request, _("Rol verwijderd."))
        elif action == "add":
            form = RoleForm(request.POST, programme=programme, prefix="add")
            if not form.is_valid():
                return form
            d = form.cleaned_data
            service.add_role(programme, member, kind=d["kind"], region=d["region"], actor=actor)
            messages.success(request, _("Rol toegevoegd."))
        elif action == "deactivate":
            result = service.deactivate(programme, member, actor=actor)
            if result == "deactivated":
                messages.success(
                    request, _("Account uitgeschakeld; de geschiedenis blijft bewaard.")
                )
            else:
                messages.success(
                    request,
                    _("Rollen in dit programma verwijderd; het account blijft bestaan voor een "
                      "ander programma."),
                )  # fmt: skip
        elif action == "activate":
            service.reactivate(programme, member, actor=actor)
            messages.success(request, _("Account weer actief."))
        else:
            messages.error(request, _("Onbekende actie."))
    except service.PeopleError as e:
        messages.error(request, str(e))
    return None


def _errors(form):
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def invitation_action(request, slug, invitation_id):
    programme, _access = programme_for(request, slug)
    national_only(request, programme)
    inv = get_object_or_404(Invitation, id=invitation_id, programme=programme)
    actor = _actor(request)
    try:
        if request.POST.get("action") == "resend":
            service.resend(inv, actor=actor, base_url=_base_url(request))
            messages.success(
                request, _("Uitnodiging opnieuw klaargezet; de vorige link werkt niet meer.")
            )
        elif request.POST.get("action") == "withdraw":
            service.withdraw(inv, actor=actor)
            messages.success(request, _("Uitnodiging ingetrokken."))
        else:
            messages.error(request, _("Onbekende actie."))
    except service.PeopleError as e:
        messages.error(request, str(e))
    return redirect("people", programme.slug)


def accept(request, token):
    """The invitation link: set up an account, or add the role to one's own account."""
    inv = find(token)
    if inv is None or inv.state != Invitation.VALID:
        state = inv.state if inv else "unknown"
        return render(request, "accounts/people/invitation_invalid.html", {"state": state},
                      status=404 if inv is None else 410)  # fmt: skip
    try:
        account = service.existing_account(inv)
    except service.PeopleError as e:
        return render(request, "accounts/people/invitation_invalid.html",
                      {"state": "ambiguous", "message": str(e)}, status=409)  # fmt: skip
    # Single sign-on can accept it too (raak/accounts/oidc.py): the button's link.
    context = {"invitation": inv, "role": inv.describe(), "account": account,
               "oidc": oidc.enabled(), "organisation": oidc.organisation(),
               "password_login": settings.PASSWORD_LOGIN,
               "oidc_url": f"{reverse('oidc-start')}?{urlencode({'uitnodiging': token})}"}  # fmt: skip
    if account is not None and account.is_active:
        # They keep their account: log in (with their second factor), then confirm here.
        if not request.user.is_authenticated or request.user.pk != account.pk:
            context["other_user"] = request.user.is_authenticated
            return render(request, "accounts/people/accept_login.html", context)
        if request.method == "POST":
            return _accepted(request, inv, user=account)
        return render(request, "accounts/people/accept_existing.html", context)
    form = NewAccountForm(
        request.POST or None,
        email=inv.email,
        fixed_username=account.get_username() if account else None,
        initial={"name": inv.name, "username": service.suggest_username(inv.email)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = {"username": d.get("username"), "name": d["name"], "password": d["password1"]}
        return _accepted(request, inv, new_account=new)
    context["form"] = form
    return render(request, "accounts/people/accept.html", context)


def _accepted(request, inv, **who):
    try:
        user = service.accept(inv.id, request=request, **who)
    except service.PeopleError as e:
        return render(request, "accounts/people/invitation_invalid.html",
                      {"state": "used", "message": str(e)}, status=410)  # fmt: skip
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welkom! U bent nu %(r)s in %(p)s.") % {"r": inv.describe(), "p": inv.programme.name},
    )
    return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
