"""Two-factor login: TOTP (authenticator app) with static recovery codes, on django-otp.

A login is two steps: the password (`login`), then a code (`otp-verify`). Until the
code is given the session is "password only": SecondFactorMiddleware sends such a
session of anyone who has or needs a device to `otp-verify` or `otp-setup`, and
`Access.is_national` ignores the national role for it, so no national-office page is
reached with a password alone.

Who needs a device: staff, the national office of any programme, and every member of
a programme whose national office switched `require_2fa` on. Others may enrol.
"""

import base64
import functools
import hmac
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from raak.accounts.models import Role
from raak.accounts.security import log_event

RECOVERY_CODES = 10
# The readable recovery codes, kept in the session only until the page shows them once.
NEW_CODES = "raak_new_recovery_codes"


def needs_second_factor(user):
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Role.objects.filter(
        Q(kind=Role.NATIONAL) | Q(programme__require_2fa=True), user=user
    ).exists()


def second_factor_applies(user):
    """True when the user has a device (of any kind django-otp knows) or needs one:
    what SecondFactorMiddleware asks on every request of a password-only session.
    Asked anew each request, so a new national-office role or a new device counts at
    once, in every worker. One prepared statement: the ORM form of the same question
    (three EXISTS) cost more CPU to build than the whole query takes to run."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    sql, kinds = _second_factor_sql()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, Role.NATIONAL] + [user.pk] * kinds)
        return bool(cursor.fetchone()[0])


@functools.cache
def _second_factor_sql():
    """needs_second_factor or django_otp.user_has_device (a confirmed device), as one SELECT; table and
    column names come from the models, so a renamed table cannot be missed."""
    from django.db import connection
    from django_otp import device_classes

    q = connection.ops.quote_name
    role, programme = Role._meta, Role._meta.get_field("programme").related_model._meta
    checks = [
        f"EXISTS (SELECT 1 FROM {q(role.db_table)} r INNER JOIN {q(programme.db_table)} p"
        f" ON p.{q(programme.pk.column)} = r.{q(role.get_field('programme').column)}"
        f" WHERE r.{q(role.get_field('user').column)} = %s AND"
        f" (r.{q(role.get_field('kind').column)} = %s"
        f" OR p.{q(programme.get_field('require_2fa').column)}))"
    ]
    devices = list(device_classes())
    for model in devices:
        meta = model._meta
        checks.append(
            f"EXISTS (SELECT 1 FROM {q(meta.db_table)}"
            f" WHERE {q(meta.get_field('user').column)} = %s"
            f" AND {q(meta.get_field('confirmed').column)})"
        )
    return "SELECT " + " OR ".join(f"({c})" for c in checks), len(devices)


def is_verified(user):
    """True when the session passed the code step (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    # A user object that did not come through OTPMiddleware (e.g. an API token's
    # user, authenticated by its own secret) is not a password-only session.
    return True if check is None else bool(check())


def safe_next(request, default=None):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default) if default else resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name, request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse(name)
    if target:
        from urllib.parse import urlencode

        url += "?" + urlencode({"next": target})
    return url


def second_step_url(request):
    """Where a password-only session goes next: the code page, or enrolment."""
    if user_has_device(request.user):
        return _with_next("otp-verify", request)
    return _with_next("otp-setup", request)


def _finish(request, device):
    otp_login(request, device)
    # A new session key once the second factor is given: a key seen before the code
    # step (e.g. on a shared computer) is worth nothing afterwards.
    request.session.cycle_key()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy(
            "De zes cijfers uit uw authenticator-app, of een van uw herstelcodes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    if is_verified(request.user) and user_has_device(request.user):
        return redirect(safe_next(request))
    if not user_has_device(request.user):
        return redirect(_with_next("otp-setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, refusal = _match(request.user, form.cleaned_data["code"])
        if device is not None:
            _finish(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                log_event("recovery-code-used", request, codes_left=left)
                messages.warning(
                    request,
                    _("U bent ingelogd met een herstelcode; er zijn er nog %(n)d over.")
                    % {"n": left},
                )
            log_event("otp-verified", request, device=device.__class__.__name__)
            return redirect(safe_next(request))
        log_event("otp-failed", request)
        form.add_error("code", refusal)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


def _next(request):
    return request.POST.get("next") or request.GET.get("next") or ""


def _match(user, code):
    """The device that accepts `code`, or (None, the reason in words). django-otp
    throttles each device after failures (its ThrottlingMixin), so guessing six digits
    gets slower with every miss."""
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            # Recovery codes are stored hashed: compare the hash of what was typed.
            typed = recovery_hash(code) if isinstance(device, StaticDevice) else code
            if device.verify_token(typed):
                return device, None
    if throttled:
        return None, _(
            "Te veel onjuiste codes achter elkaar. Wacht even en probeer het dan opnieuw."
        )
    return None, _("Deze code klopt niet of is verlopen. Probeer de nieuwste code.")


def qr_svg(url):
    """The otpauth:// URL as an inline SVG (paths only, no style attribute, so the
    Content-Security-Policy needs no 'unsafe-inline')."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    # Safe to insert as markup: the library draws the URL (which holds the username) as
    # module paths only; no character of it appears in the SVG (tests/test_accounts.py).
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308


def pretty_secret(device):
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with one
    code. Then the recovery codes are shown once."""
    if user_has_device(request.user):
        if is_verified(request.user):
            messages.info(request, _("Tweestapsverificatie staat al aan."))
            return redirect("account")
        return redirect(_with_next("otp-verify", request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("De zes cijfers die de app nu toont.")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = make_recovery_codes(request.user)
            _finish(request, device)
            log_event("otp-enrolled", request)
            request.session["raak_show_recovery"] = True
            request.session[NEW_CODES] = codes
            return redirect(_with_next("otp-recovery", request))
        log_event("otp-failed", request, step="enrolment")
        form.add_error("code", _("Deze code klopt niet. Controleer de tijd op uw telefoon."))
    context = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": pretty_secret(device),
        "required": needs_second_factor(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


def recovery_hash(code):
    """What is stored of a recovery code: a keyed hash (HMAC-SHA256 with SECRET_KEY),
    cut to the 16 characters django-otp's token column holds. The codes are shown once
    and never stored readable; without the key a copy of the database does not give
    them away. (So rotating SECRET_KEY voids unused codes: members make new ones.)"""
    normalised = "".join(code.split()).lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), "sha256").hexdigest()[:16]


def make_recovery_codes(user):
    """Replace the user's recovery codes; return the new codes, readable, this once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="herstelcodes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    for c in codes:
        device.token_set.create(token=recovery_hash(c))
    return codes


@never_cache
@login_required
def recovery(request):
    """The recovery codes: each works once instead of the app. Shown once, right after
    they are made (at enrolment, or when the member makes new ones, which replace all
    old ones); stored only hashed, so never shown again."""
    if not user_has_device(request.user):
        return redirect("otp-setup")
    if request.method == "POST":
        request.session[NEW_CODES] = make_recovery_codes(request.user)
        log_event("recovery-codes-renewed", request)
        messages.success(request, _("Nieuwe herstelcodes gemaakt; de oude werken niet meer."))
        return redirect(_with_next("otp-recovery", request))
    codes = request.session.pop(NEW_CODES, [])
    device = StaticDevice.objects.filter(user=request.user).first()
    unused = device.token_set.count() if device else 0
    fresh = request.session.pop("raak_show_recovery", False)
    return render(
        request,
        "accounts/otp_recovery.html",
        {"codes": codes, "unused": unused, "fresh": fresh, "next": safe_next(request, "account")},
    )


def reset_devices(user):
    """Remove every second-factor device of `user` (a lost phone); they enrol anew at
    their next login. Sessions verified with the old device lose that at once, since
    the device id in the session no longer resolves."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
