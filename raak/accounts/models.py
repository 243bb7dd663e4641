"""Who may do what: a user's role in a programme, for one region or for all of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.models import Programme, Region


class Role(models.Model):
    NATIONAL, COORDINATOR, OFFICER, VIEWER = "national", "coordinator", "officer", "viewer"
    KINDS = [
        (NATIONAL, _("landelijk bureau")),
        (COORDINATOR, _("regiocoördinator")),
        (OFFICER, _("gemeentelijk beleidsmedewerker")),
        (VIEWER, _("meelezer")),
    ]
    # Kinds that may change a region's data; a viewer only reads.
    WRITERS = (NATIONAL, COORDINATOR, OFFICER)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles")
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="roles")
    # Empty for the national office, which works on every region.
    region = models.ForeignKey(Region, models.CASCADE, null=True, blank=True, related_name="roles")
    kind = models.CharField(max_length=12, choices=KINDS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "region"], name="role_unique_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="national", region__isnull=True)
                | (~models.Q(kind="national") & models.Q(region__isnull=False)),
                name="role_national_has_no_region",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.region or self.programme}"
