"""Training: offers assessed against quality criteria kept as data, and reach records
(professionals trained per sector, region and period), each with its source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.models import Programme, Region


class Criterion(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="training_criteria")
    key = models.SlugField()
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="criterion_key_unique")
        ]

    def __str__(self):
        return self.name


class Offer(models.Model):
    FORMS = [("e-learning", _("e-learning")), ("train-de-trainer", _("train-de-trainer")),
             ("klassikaal", _("klassikaal")), ("anders", _("anders"))]  # fmt: skip
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="training_offers")
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    form = models.CharField(max_length=20, choices=FORMS)
    contents = models.JSONField(default=list, blank=True)  # signaleren, gespreksvoering, meldcode …
    target_sectors = models.JSONField(default=list, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="training_offers")
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="offer_key_unique")
        ]

    def __str__(self):
        return self.title


class Assessment(models.Model):
    MET, PARTLY, NOT_MET = "met", "partly", "not_met"
    RESULTS = [
        (MET, _("voldoet")),
        (PARTLY, _("voldoet gedeeltelijk")),
        (NOT_MET, _("voldoet niet")),
    ]
    offer = models.ForeignKey(Offer, models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="assessments")
    result = models.CharField(max_length=10, choices=RESULTS)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "criterion"], name="assessment_unique")
        ]


class Reach(models.Model):
    EXACT, ABOUT, MORE_THAN = "exact", "about", "more_than"
    QUALIFIERS = [(EXACT, ""), (ABOUT, _("ongeveer")), (MORE_THAN, _("ruim"))]
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="training_reach")
    region = models.ForeignKey(Region, models.CASCADE, related_name="training_reach")
    offer = models.ForeignKey(Offer, models.SET_NULL, null=True, blank=True, related_name="reach")
    sector = models.CharField(max_length=200)
    professionals = models.PositiveIntegerField()
    qualifier = models.CharField(max_length=10, choices=QUALIFIERS, default=EXACT)
    period_text = models.CharField(max_length=100, blank=True)
    period_earliest = models.DateField(null=True, blank=True)
    period_latest = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    sentence = models.TextField(blank=True)  # the source sentence, where the figure comes from one
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["region__name", "sector"]
