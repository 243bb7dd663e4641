"""The network of aandachtsfunctionarissen: institutions per region and sector, whether
an officer is appointed, network meetings. Names and contact details are personal
data: stored only with recorded consent, shown only to the region's members and the
national office (see views.py and tests/test_network.py)."""

from django.db import models

from raak.programmes.models import Region


class Institution(models.Model):
    region = models.ForeignKey(Region, models.CASCADE, related_name="institutions")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100)
    officer_appointed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sector", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="institution_unique")
        ]

    def __str__(self):
        return self.name


class Officer(models.Model):
    """Personal data. Never exported or shown without `consent_on`."""

    institution = models.ForeignKey(Institution, models.CASCADE, related_name="officers")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    consent_on = models.DateField()  # when the person agreed to be listed

    class Meta:
        ordering = ["name"]


class Meeting(models.Model):
    region = models.ForeignKey(Region, models.CASCADE, related_name="network_meetings")
    date = models.DateField()
    attendance = models.PositiveIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-date"]
