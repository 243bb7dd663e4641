"""The national report of a round: a template (ordered chapters, data), the report
itself (draft -> published), the national office's texts per report, and the files
made from it (kept, keyed by a fingerprint of everything that went into them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.models import Programme, Region, Round


class ReportTemplate(models.Model):
    """The chapters of a programme's report, in order. `chapters` is a list of
    {"key", "title", "text": bool, "blocks": [block kind, ...]} (see templates.py)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="report_templates")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    chapters = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="report_template_unique")
        ]

    def __str__(self):
        return self.name


class ReportQuerySet(models.QuerySet):
    def for_list(self, programme, national):
        qs = self.filter(programme=programme).select_related("round")
        return qs if national else qs.filter(state=Report.PUBLISHED, round__state=Round.PUBLISHED)


class Report(models.Model):
    DRAFT, PUBLISHED = "draft", "published"
    STATES = [(DRAFT, _("concept")), (PUBLISHED, _("gepubliceerd"))]

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="reports")
    round = models.ForeignKey(Round, models.CASCADE, related_name="reports")
    # RESTRICT, not PROTECT: a template a report uses cannot be deleted on its own, but
    # deleting the whole programme (`raak demo --reset`) takes both.
    template = models.ForeignKey(ReportTemplate, models.RESTRICT, related_name="reports")
    # The chapters as they were when the report was published: later template edits
    # never change a published report.
    chapters = models.JSONField(default=list)
    title = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=STATES, default=DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-round__peildatum"]
        constraints = [models.UniqueConstraint(fields=["round"], name="report_round_unique")]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.state == self.PUBLISHED

    @property
    def is_public(self):
        # A withdrawn or unpublished round takes its report off the public pages.
        return self.is_published and self.round.is_published


class ReportText(models.Model):
    """A text block written by the national office (introduction, conclusions, a
    chapter's commentary), kept per report. Every save is a ChangeRecord (old -> new)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="texts")
    key = models.SlugField()
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_text_unique")]


def report_file_path(instance, filename):
    # Never a user-given name on disk.
    return f"reports/{instance.programme.slug}/{instance.fingerprint}.{instance.format}"


class ReportFile(models.Model):
    """A generated PDF or HTML file. Generating again with an unchanged fingerprint
    (round data, template, texts) reuses it."""

    PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
    STATES = [(PENDING, _("in de wachtrij")), (RUNNING, _("bezig")), (DONE, _("klaar")),
              (FAILED, _("mislukt"))]  # fmt: skip
    FORMATS = [("pdf", "PDF"), ("html", "HTML"), ("odt", "ODT"), ("docx", "DOCX")]

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="report_files")
    round = models.ForeignKey(Round, models.CASCADE, related_name="report_files")
    region = models.ForeignKey(
        Region, models.CASCADE, null=True, blank=True, related_name="report_files"
    )
    format = models.CharField(max_length=4, choices=FORMATS)
    # A regional report for the region and national office also shows unpublished rounds.
    unpublished = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_file_path, max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint", "format"], name="report_file_unique")
        ]
