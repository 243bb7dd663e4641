"""The installation's theme, as every page, report and e-mail reads it, and the checks
its files pass before they are stored.

`current(request)` costs one small query per rendered page (the version), none on a page
that read its programme through `access.programme_for` (the version came with it); the
row itself is remembered per process for that version, so a change made on one app server
shows on the next request on every other one. Cached public pages include the version in their key
(`VERSION_SUBQUERY`, read in the page cache's own query).
"""

import io
import re
import threading
from types import SimpleNamespace

import tinycss2
from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.translation import gettext as _

from raak.look.models import Theme
from raak.programmes import caching

VERSION_SUBQUERY = f"SELECT version FROM {Theme._meta.db_table} WHERE id = 1"  # noqa: S608
MAX_TOKENS_BYTES = 200_000
MAX_IMAGE_BYTES = 512_000
CLASS_NAME = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
# Fields without the files: what every page needs.
LIGHT_FIELDS = [
    "version", "class_name", "organisation_name", "website_url", "contact_email",
    "contact_text", "privacy_text", "accessibility_status", "accessibility_text",
    "accessibility_register_url", "logo_type", "favicon_type",
]  # fmt: skip

# The theme's organisation fields and the settings that fill them while they are empty.
FALLBACKS = {
    "organisation_name": "ORGANISATION_NAME",
    "website_url": "ORGANISATION_URL",
    "contact_email": "CONTACT_EMAIL",
}
# Sent after a save that changed `fields` (names), once the change is committed: the
# open data's files on disk name the organisation and are written again.
theme_changed = Signal()

_memo = {}
_lock = threading.Lock()


def _default():
    return Theme(id=1, version=0)


def _version():
    return Theme.objects.filter(id=1).values_list("version", flat=True).first() or 0


def current(request=None):
    """The theme for this request (read once per request), without its files."""
    if request is not None and hasattr(request, "_raak_theme"):
        return request._raak_theme
    # The version as this request read it with its programme (no query of its own),
    # or else asked now.
    version = (
        caching.NOT_READ if request is None else caching.site_version(request, VERSION_SUBQUERY)
    )
    version = _version() if version is caching.NOT_READ else version or 0  # no row: 0
    found = _memo.get(version)
    if found is None:
        row = Theme.objects.filter(id=1).only(*LIGHT_FIELDS).first() or _default()
        found = SimpleNamespace(
            **{name: getattr(row, name) for name in LIGHT_FIELDS},
            has_tokens=bool(row.pk and Theme.objects.filter(id=1).exclude(tokens="").exists()),
            site_name=settings.SITE_NAME,
        )
        # One organisation everywhere (footer, report cover, e-mail, open data, archive):
        # the theme's; a field the operator left empty falls back to its setting.
        for field, setting in FALLBACKS.items():
            setattr(found, field, getattr(found, field) or getattr(settings, setting, ""))
        found.name = found.organisation_name or settings.SITE_NAME
        with _lock:
            _memo.clear()  # only the newest version is ever asked for again
            _memo[version] = found
    if request is not None:
        request._raak_theme = found
    return found


def mail_signature():
    """The closing lines of every message RAAK sends: the organisation's name (e-mail is
    plain text, so no logo: never a remote image)."""
    theme = current()
    if not theme.organisation_name:
        return ""
    lines = [theme.organisation_name, theme.website_url]
    return "\n\n-- \n" + "\n".join(line for line in lines if line) + "\n"


def publisher():
    """The deploying organisation as open data and the archive name it: (name, address,
    e-mail). Without any name, address or e-mail set, RAAK's name, the site's address and
    a placeholder address (docs/opendata.md says to set them before publishing)."""
    theme = current()
    return SimpleNamespace(
        name=theme.name,
        url=theme.website_url or settings.SITE_URL or settings.DEVELOPMENT_SITE_URL,
        email=theme.contact_email or "opendata@example.org",
    )


def load():
    """The row with its files, for the operator's form and the file views."""
    return Theme.objects.filter(id=1).first() or _default()


@transaction.atomic
def save(values, *, user=None, request=None, via="web"):
    """Store the changed `values` (already checked by `check_*`), raise the version and
    record who changed which fields in the security log."""
    from raak.accounts.security import log_cli_event, log_event

    theme, _created = Theme.objects.select_for_update().get_or_create(id=1)
    changed = sorted(name for name, value in values.items() if getattr(theme, name) != value)
    if not changed:
        return theme, []
    for name in changed:
        setattr(theme, name, values[name])
    theme.version = F("version") + 1
    theme.save()
    theme.refresh_from_db()
    if via == "cli":
        log_cli_event("theme_changed", fields=changed, version=theme.version)
    else:
        log_event("theme_changed", request, user=user, fields=changed, version=theme.version)
    transaction.on_commit(lambda: theme_changed.send(Theme, fields=changed))
    return theme, changed


# --- checks -------------------------------------------------------------------------


def check_class_name(value):
    value = (value or "").strip()
    if not CLASS_NAME.match(value):
        raise ValidationError(
            _("Een klassenaam: kleine letters, cijfers en streepjes, beginnend met een letter.")
        )
    return value


def _foreign(target):
    """Whether a url() or @import target leaves RAAK: a scheme (http:, javascript:, ...)
    or a protocol-relative //host. data: images stay inside the stylesheet."""
    target = target.strip().lower()
    if target.startswith("data:"):
        return not re.match(r"data:image/(png|gif|jpeg|webp)[;,]", target)
    return target.startswith("//") or bool(re.match(r"^[a-z][a-z0-9+.-]*:", target))


def _walk(tokens):
    for token in tokens:
        yield token
        if getattr(token, "content", None) and isinstance(token.content, list):
            yield from _walk(token.content)
        if getattr(token, "arguments", None):
            yield from _walk(token.arguments)
        if getattr(token, "prelude", None):
            yield from _walk(token.prelude)


def css_problems(css):
    """What in a stylesheet would load from another origin or run script, parsed with
    tinycss2 (escapes such as `u\\72l(` are decoded as a browser would)."""
    problems = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for token in _walk(rules):
        kind = getattr(token, "type", "")
        if kind == "at-rule" and token.lower_at_keyword == "import":
            problems.append(_("@import is niet toegestaan: zet de tokens in dit bestand zelf."))
        elif kind == "url" and _foreign(token.value):
            problems.append(_("Adres buiten RAAK: %(url)s") % {"url": token.value[:80]})
        elif kind == "function" and token.lower_name in ("url", "src", "image-set"):
            for arg in token.arguments:
                if getattr(arg, "type", "") == "string" and _foreign(arg.value):
                    problems.append(_("Adres buiten RAAK: %(url)s") % {"url": arg.value[:80]})
        elif kind == "function" and token.lower_name == "expression":
            problems.append(_("expression() is niet toegestaan."))
        elif kind == "error":
            problems.append(_("Geen geldige CSS: %(message)s") % {"message": token.message})
    return problems


def check_tokens(data):
    """The uploaded token stylesheet as text, or ValidationError naming what is wrong."""
    if len(data) > MAX_TOKENS_BYTES:
        raise ValidationError(_("Het tokenbestand is groter dan 200 kB."))
    try:
        css = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Het tokenbestand is geen UTF-8-tekst.")) from error
    if "</" in css:
        raise ValidationError(_("Het tokenbestand bevat HTML."))
    problems = css_problems(css)
    if problems:
        raise ValidationError(problems[:5])
    return css


SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video",
                      "handler", "listener", "animation", "set", "animate"}  # fmt: skip


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def svg_problems(data):
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:  # noqa: BLE001 -- defusedxml and expat raise several kinds
        return [_("Geen geldig SVG-bestand (of het bevat een DTD of entiteiten).")]
    if _local(root.tag) != "svg":
        return [_("Geen SVG-bestand.")]
    problems = []
    for element in root.iter():
        name = _local(element.tag)
        if name in FORBIDDEN_ELEMENTS:
            problems.append(_("Het element <%(name)s> is niet toegestaan.") % {"name": name})
        if name == "style":
            problems += css_problems(element.text or "")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                problems.append(_("Het attribuut %(name)s is niet toegestaan.") % {"name": local})
            elif local == "href" and not value.strip().startswith("#"):
                problems.append(_("Verwijzing buiten het bestand: %(url)s") % {"url": value[:80]})
            elif local == "style" or "url(" in value.lower():
                problems += css_problems(f"x{{{local}:{value}}}" if local != "style" else
                                         f"x{{{value}}}")  # fmt: skip
            if "javascript:" in value.lower().replace(" ", ""):
                problems.append(_("Het attribuut %(name)s is niet toegestaan.") % {"name": local})
    return problems


def check_image(upload, *, what):
    """(bytes, content type) of an uploaded logo or favicon: SVG without script or
    outside references, or a PNG that Pillow reads."""
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_("%(what)s is groter dan 500 kB.") % {"what": what})
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception as error:  # noqa: BLE001 -- Pillow raises many kinds
            raise ValidationError(
                _("%(what)s: geen geldig PNG-bestand.") % {"what": what}
            ) from error
        return data, "image/png"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        problems = svg_problems(data)
        if problems:
            raise ValidationError([f"{what}: {p}" for p in problems[:5]])
        return data, "image/svg+xml"
    raise ValidationError(_("%(what)s moet een SVG- of PNG-bestand zijn.") % {"what": what})
