"""The components of a complete regional handelingsprotocol, checked per region, and
the national office's own findings (the seed gives only those aggregates)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.models import Programme, Region


class Component(models.Model):
    LEVELS = [
        ("beleid", _("beleidsniveau")),
        ("uitvoering", _("uitvoeringsniveau")),
        ("implementatie", _("implementatie")),
        ("verbindingen", _("verbindingen met andere trajecten")),
    ]
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="protocol_components")
    key = models.SlugField()
    level = models.CharField(max_length=20, choices=LEVELS)
    name = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="component_key_unique")
        ]

    def __str__(self):
        return self.name


class Check(models.Model):
    """Whether a region's protocol has a component, and where that shows."""

    YES, PARTLY, NO = "yes", "partly", "no"
    ANSWERS = [(YES, _("aanwezig")), (PARTLY, _("gedeeltelijk")), (NO, _("ontbreekt"))]

    region = models.ForeignKey(Region, models.CASCADE, related_name="protocol_checks")
    component = models.ForeignKey(Component, models.CASCADE, related_name="checks")
    answer = models.CharField(max_length=10, choices=ANSWERS)
    evidence = models.CharField(max_length=500, blank=True)  # document, article, page
    note = models.TextField(blank=True)
    checked_on = models.DateField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "component"], name="check_unique")]


class Finding(models.Model):
    """A count the national office published, with the sentence it came from."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="protocol_findings")
    component = models.ForeignKey(
        Component, models.CASCADE, null=True, blank=True, related_name="findings"
    )
    label = models.CharField(max_length=300)  # what was counted
    count = models.PositiveIntegerField()
    of_total = models.PositiveIntegerField()
    base = models.CharField(max_length=200)  # what of_total counts
    sentence = models.TextField()
    source = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
