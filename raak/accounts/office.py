"""The national office's security pages: the programme-wide 2FA switch, resetting a
member's second factor, lifting login locks, and reading and exporting the security log."""

import json
from datetime import datetime, time, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from raak.accounts.access import national_only, programme_for
from raak.accounts.models import Role, SecurityEvent, powers_changed
from raak.accounts.security import log_event
from raak.accounts.twofactor import needs_second_factor, reset_devices
from raak.lib import spreadsheets
from raak.lib.fields import DayField


def current_locks():
    """Usernames and addresses locked now: AXES_FAILURE_LIMIT failures within the
    cool-off time (the same count django-axes uses to refuse)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    limit = settings.AXES_FAILURE_LIMIT

    def locked(field):
        rows = recent.values(field).annotate(
            n=Sum("failures_since_start"), last=Max("attempt_time")
        )
        return [r for r in rows.order_by(field) if r[field] and r["n"] >= limit]

    return locked("username"), locked("ip_address")


def members(programme):
    User = get_user_model()
    return (
        User.objects.filter(roles__programme=programme)
        .distinct()
        .order_by("username")
        .prefetch_related("roles__region")
    )


@login_required
@require_http_methods(["GET", "POST"])
def security(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    if request.method == "POST":
        return _act(request, programme)
    users = list(members(programme))
    known = {u.username for u in users}
    locked_users, locked_ips = current_locks()
    known_all = set(
        get_user_model()
        .objects.filter(username__in=[r["username"] for r in locked_users])
        .values_list("username", flat=True)
    )
    # A lock on a username of another programme's member is not this office's business;
    # locks on usernames that do not exist (guessing) are shown to every office.
    locked_users = [
        r for r in locked_users if r["username"] in known or r["username"] not in known_all
    ]
    rows = [
        {
            "user": u,
            "roles": [r for r in u.roles.all() if r.programme_id == programme.id],
            "has_device": user_has_device(u),
            "required": needs_second_factor(u),
        }
        for u in users
    ]
    context = {
        "programme": programme,
        "access": access,
        "rows": rows,
        "locked_users": locked_users,
        "locked_ips": locked_ips,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/security.html", context)


def _act(request, programme):
    action = request.POST.get("action")
    if action == "require-2fa":
        value = request.POST.get("value") == "1"
        if programme.require_2fa != value:
            programme.require_2fa = value
            programme.save(update_fields=["require_2fa"])
            if value:
                powers_changed.send(sender=Role, users=list(members(programme)),
                                    programme=programme, reason="require-2fa")  # fmt: skip
            log_event("require-2fa-changed", request, programme=programme, required=value)
        messages.success(
            request,
            _("Tweestapsverificatie is nu verplicht voor iedereen in dit programma.")
            if value
            else _("Tweestapsverificatie is nu alleen verplicht voor het landelijk bureau."),
        )
    elif action == "reset-2fa":
        user = get_object_or_404(
            members(programme), pk=_int(request.POST.get("user")), is_active=True
        )
        # Only for people this office answers for alone: not staff, and no roles in a
        # programme whose national office is someone else.
        own = Role.objects.filter(user=request.user, kind=Role.NATIONAL).values("programme_id")
        if (
            user.is_staff
            or user.is_superuser
            or Role.objects.filter(user=user).exclude(programme_id__in=own).exists()
        ):
            messages.error(
                request,
                _("%(user)s werkt ook in een ander programma; dat landelijk bureau wist de "
                  "tweestapsverificatie.") % {"user": user.get_username()},
            )  # fmt: skip
            return redirect("security", programme.slug)
        reset_devices(user)
        log_event("otp-reset", request, programme=programme, target=user.get_username())
        messages.success(
            request,
            _("De tweestapsverificatie van %(user)s is gewist; bij de volgende login stelt "
              "%(user)s een nieuwe app in.") % {"user": user.get_username()},
        )  # fmt: skip
    elif action == "unlock-user":
        username = request.POST.get("username", "")[:150]
        if not members(programme).filter(username=username).exists():
            messages.error(request, _("%(u)s is geen lid van dit programma.") % {"u": username})
            return redirect("security", programme.slug)
        n = axes_reset(username=username)
        log_event("lock-lifted", request, programme=programme, target=username, attempts=n)
        messages.success(request, _("De blokkade van %(u)s is opgeheven.") % {"u": username})
    elif action == "unlock-ip":
        ip = request.POST.get("ip", "")[:45]
        n = axes_reset(ip=ip)
        log_event("lock-lifted", request, programme=programme, target_ip=ip, attempts=n)
        messages.success(request, _("De blokkade van adres %(ip)s is opgeheven.") % {"ip": ip})
    else:
        messages.error(request, _("Onbekende actie."))
    return redirect("security", programme.slug)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


class LogFilter(forms.Form):
    event = forms.CharField(label=gettext_lazy("Gebeurtenis"), required=False, max_length=40)
    username = forms.CharField(label=gettext_lazy("Gebruiker"), required=False, max_length=150)
    ip = forms.GenericIPAddressField(label=gettext_lazy("IP-adres"), required=False)
    since = DayField(
        label=gettext_lazy("Vanaf"), required=False,
        help_text=gettext_lazy("dd-mm-jjjj"),
    )  # fmt: skip
    until = DayField(
        label=gettext_lazy("Tot en met"), required=False,
        help_text=gettext_lazy("dd-mm-jjjj"),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Deze datum ligt voor de begindatum."))
        return data


def log_for(programme, data):
    """This programme's events, the logins and other events of its members, and events
    of no one in particular (attempts on unknown usernames)."""
    member_ids = Role.objects.filter(programme=programme).values("user_id")
    rows = SecurityEvent.objects.filter(
        Q(programme=programme)
        | Q(programme__isnull=True, user_id__in=member_ids)
        | Q(programme__isnull=True, user__isnull=True)
    )
    if data.get("event"):
        rows = rows.filter(event=data["event"])
    if data.get("username"):
        rows = rows.filter(username__icontains=data["username"])
    if data.get("ip"):
        rows = rows.filter(ip=data["ip"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        rows = rows.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
    if data.get("until"):
        end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=tz)
        rows = rows.filter(at__lt=end)
    return rows.order_by("-at", "-id")


@login_required
def security_log(request, slug, fmt=None):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    form = LogFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = log_for(programme, data)
    if fmt == "csv" and (form.is_valid() or not request.GET):
        log_event("export", request, programme=programme, what="security-log", count=rows.count())
        return _csv(programme, rows)
    page = Paginator(rows, 100).get_page(request.GET.get("pagina"))
    events = sorted(
        SecurityEvent.objects.values_list("event", flat=True).distinct().order_by("event")
    )
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "programme": programme,
        "access": access,
        "form": form,
        "page": page,
        "events": events,
        "query": query.urlencode(),
        "retention_days": settings.SECURITY_LOG_RETENTION_DAYS,
    }
    return render(request, "accounts/security_log.html", context)


def _csv(programme, rows):
    # Usernames and paths are typed by others: the download writes them as text, never
    # as a formula. CRLF line ends, as this file always had.
    table = (
        [e.at.isoformat(), e.event, e.username or "", e.ip or "", e.path or "",
         e.programme.slug if e.programme else "",
         json.dumps(e.details, ensure_ascii=False, sort_keys=True)]
        for e in rows.select_related("programme").iterator(chunk_size=2000)
    )  # fmt: skip
    header = ["at", "event", "username", "ip", "path", "programme", "details"]
    return spreadsheets.download(f"{programme.slug}-beveiligingslog", header, table, "csv",
                                 lineterminator="\r\n")  # fmt: skip
