"""The installation's theme: one row, set by the operator (superuser page or `raak theme`).

Files (token stylesheet, logo, favicon) are kept in the database, not on disk: every app
server reads the same row, and `version` (raised by every save) keys the cached pages
and the URLs of the files, so a change shows on the next request everywhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

ACCESSIBILITY_STATUSES = [
    ("A", _("A: voldoet volledig")),
    ("B", _("B: voldoet gedeeltelijk")),
    ("C", _("C: eerste maatregelen genomen")),
    ("D", _("D: geen maatregelen genomen")),
    ("E", _("E: niet van toepassing, of nog geen verklaring")),
]


class Theme(models.Model):
    version = models.PositiveIntegerField(default=1)
    class_name = models.CharField(_("themaklasse"), max_length=60, default="raak-theme")
    tokens = models.TextField(_("tokenstylesheet"), blank=True)
    logo = models.BinaryField(blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)
    favicon = models.BinaryField(blank=True, default=b"")
    favicon_type = models.CharField(max_length=20, blank=True)
    organisation_name = models.CharField(_("naam organisatie"), max_length=200, blank=True)
    website_url = models.URLField(_("website organisatie"), blank=True)
    contact_email = models.EmailField(_("e-mailadres contact"), blank=True)
    contact_text = models.TextField(_("contactgegevens"), blank=True)
    privacy_text = models.TextField(_("privacyverklaring"), blank=True)
    accessibility_status = models.CharField(
        _("status toegankelijkheid"), max_length=1, choices=ACCESSIBILITY_STATUSES, default="E"
    )
    accessibility_text = models.TextField(_("toegankelijkheidsverklaring"), blank=True)
    accessibility_register_url = models.URLField(_("vermelding in het register"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.organisation_name or "RAAK"
