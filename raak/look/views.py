"""The theme's files, the operator's theme page, and the pages a Dutch public body
publishes: accessibility statement, privacy, contact, security.txt and help per role.
They read no programme and are the same for everyone (no personal data)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from raak.look import theme as themes
from raak.look.forms import ThemeForm
from raak.look.models import ACCESSIBILITY_STATUSES

YEAR = 365 * 24 * 3600
ROLES = {
    "landelijk-bureau": "national",
    "coordinator": "coordinator",
    "adviseur": "advisor",
    "publiek": "public",
}


def _versioned(response):
    # The URL carries the theme version: a new theme is a new URL, so this one never
    # changes. The same bytes for everyone, so a member's browser keeps them too
    # (PrivateResponseMiddleware would otherwise add no-store, and every page would
    # fetch them again: a page then briefly shows without the theme's tokens).
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.raak_shared = True
    return response


def _current_file(row, version, name):
    """None when `version` is the stored theme's; else a redirect to the current file.
    A URL kept for a year must never carry another version's bytes: a page rendered
    just before the operator's change asks for the old version, and is sent on
    (uncached) to the new one rather than storing the new bytes under the old URL."""
    if version == row.version:
        return None
    response = redirect(name, row.version)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def tokens(request, version):
    row = themes.load()
    if not row.tokens:
        raise Http404
    return _current_file(row, version, "theme-tokens") or _versioned(
        HttpResponse(row.tokens, content_type="text/css; charset=utf-8")
    )


def _image(request, version, name):
    row = themes.load()
    data, kind = bytes(getattr(row, name) or b""), getattr(row, f"{name}_type")
    if not data:
        raise Http404
    moved = _current_file(row, version, f"theme-{name}")
    if moved:
        return moved
    response = HttpResponse(data, content_type=kind)
    # An SVG opened on its own never runs anything, whatever it contains.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return _versioned(response)


@require_GET
def logo(request, version):
    return _image(request, version, "logo")


@require_GET
def favicon(request, version):
    return _image(request, version, "favicon")


@require_http_methods(["GET", "POST"])
def theme_settings(request):
    """The operator's page (superuser only; others get 404, as for any page not theirs)."""
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise Http404
    row = themes.load()
    initial = {name: getattr(row, name) for name in (
        "organisation_name", "website_url", "contact_email", "class_name", "contact_text",
        "privacy_text", "accessibility_status", "accessibility_text",
        "accessibility_register_url")}  # fmt: skip
    form = ThemeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _saved, changed = themes.save(form.values(), user=request.user, request=request)
        if changed:
            messages.success(request, _("Het thema is opgeslagen; elke pagina toont het nu."))
        else:
            messages.info(request, _("Er was niets veranderd."))
        return redirect("theme-settings")
    return render(request, "look/theme.html", {"form": form, "row": row})


@require_safe
def accessibility(request):
    return render(request, "look/accessibility.html", {"statuses": ACCESSIBILITY_STATUSES})


def _retention():
    """The retention settings that apply to personal data, read from the settings."""
    return [
        (_("Beveiligingslogboek (inloggen, wijzigingen van rechten, exports)"),
         _("%(days)s dagen") % {"days": settings.SECURITY_LOG_RETENTION_DAYS}),
        (_("Sessie zonder activiteit"),
         _("%(minutes)s minuten") % {"minutes": settings.SESSION_IDLE_SECONDS // 60}),
        (_("Sessie in elk geval"),
         _("%(hours)s uur") % {"hours": settings.SESSION_COOKIE_AGE // 3600}),
        (_("Uitnodigingslink"), _("%(days)s dagen") % {"days": settings.INVITATION_DAYS}),
        (_("Link om het wachtwoord opnieuw in te stellen"),
         _("%(hours)s uur") % {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}),
        (_("Blokkade na mislukte inlogpogingen"),
         _("%(minutes)s minuten") % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}),
    ]  # fmt: skip


@require_safe
def privacy(request):
    return render(request, "look/privacy.html", {"retention": _retention()})


@require_safe
def contact(request):
    return render(request, "look/contact.html", {})


@require_safe
def help_index(request):
    return render(request, "look/help_index.html", {"roles": ROLES})


@require_safe
def help_role(request, role):
    if role not in ROLES:
        raise Http404
    language = "en" if (get_language() or "").startswith("en") else "nl"
    return render(request, "look/help_role.html", {
        "role": role, "body": f"look/help/{ROLES[role]}.{language}.html", "roles": ROLES})  # fmt: skip


@require_safe
def security_txt(request):
    """RFC 9116. Contact and Expires come from the settings; without a contact (only
    possible in development: `check --deploy` refuses it) the file is not offered."""
    if not settings.SECURITY_CONTACT:
        raise Http404
    expires = settings.SECURITY_TXT_EXPIRES or (timezone.now() + timedelta(days=180)).replace(
        microsecond=0
    ).isoformat().replace("+00:00", "Z")
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires}",
        "Preferred-Languages: nl, en",
        f"Canonical: {request.build_absolute_uri()}",
        f"Policy: {request.build_absolute_uri('/privacy/')}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
