"""What regions learn from each other: recommended activities (good practices) and
regional action points. Both belong to a programme; themes are data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.lib.cleaning import normalise
from raak.programmes.models import Programme, Region


class Theme(models.Model):
    """A rubric (no parent) or a sub-theme within one."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="themes")
    key = models.SlugField()
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="theme_key_unique")
        ]

    def __str__(self):
        return self.name


class ActivityQuerySet(models.QuerySet):
    def for_catalogue(self):
        return self.select_related("theme__parent").prefetch_related("regions")

    def for_catalogue_page(self):
        """What a page of the catalogue shows of an activity; its theme and regions are
        taken from the lists the page has already read (views.catalogue)."""
        return self.only("key", "title", "description", "theme_id", "region_label")


class Activity(models.Model):
    UNKNOWN, PLANNED, RUNNING, FINISHED = "unknown", "planned", "running", "finished"
    STATUSES = [(UNKNOWN, _("onbekend")), (PLANNED, _("gepland")), (RUNNING, _("lopend")),
                (FINISHED, _("afgerond"))]  # fmt: skip

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="activities")
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=200)
    description = models.TextField()
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="activities")
    regions = models.ManyToManyField(Region, blank=True, related_name="activities")
    # Provinces an activity covers as a whole ("in de provincie Noord-Holland").
    province_codes = models.JSONField(default=list, blank=True)
    region_label = models.CharField(max_length=200, blank=True)  # as the source prints it
    target_sectors = models.JSONField(default=list, blank=True)
    partners = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=UNKNOWN)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    # Title and description without diacritics, for the full-text index (see search.py).
    search_text = models.TextField(blank=True, editable=False)
    # The theme's place in the catalogue as one number (see `catalogue_order_of`), so a
    # page of search results is read in index order instead of sorting every match
    # through a join on the themes (docs/performance.md, "Search").
    catalogue_order = models.PositiveBigIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["catalogue_order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="activity_key_unique")
        ]
        indexes = [
            models.Index(
                fields=["programme", "catalogue_order", "key"], name="activity_catalogue_order"
            ),
            # The province filter tests every activity's own provinces: read from this
            # index, not from rows that carry the whole description (70 ms at 100,000).
            models.Index(fields=["programme", "province_codes"], name="activity_province_codes"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = normalise(f"{self.title} {self.description}")
        self.catalogue_order = catalogue_order_of(self.theme)
        super().save(*args, **kwargs)


def catalogue_order_of(theme):
    """Rubric first, then sub-theme: (parent position, own position) as one number."""
    if theme.parent_id is None:
        return theme.position * 1_000_000
    return theme.parent.position * 1_000_000 + 1 + theme.position


class ActionPoint(models.Model):
    PLANNED, RUNNING, DONE, DROPPED = "planned", "running", "done", "dropped"
    STATUSES = [(PLANNED, _("voorgenomen")), (RUNNING, _("in uitvoering")), (DONE, _("afgerond")),
                (DROPPED, _("vervallen"))]  # fmt: skip

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="action_points")
    region = models.ForeignKey(Region, models.CASCADE, related_name="action_points")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    text = models.TextField()
    context = models.TextField(blank=True)  # an introduction the source gives the list
    planned_text = models.CharField(max_length=100, blank=True)
    planned_earliest = models.DateField(null=True, blank=True)
    planned_latest = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PLANNED)
    obstacles = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)  # e.g. ["budget", "capaciteit"]
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["region__position", "region__name", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], name="action_point_unique")
        ]

    def is_overdue(self, today):
        return self.status in (self.PLANNED, self.RUNNING) and bool(
            self.planned_latest and self.planned_latest < today
        )
