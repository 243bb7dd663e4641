"""A regional programme as data: regions, milestones, indicators and reporting rounds.

Nothing here knows about the 2008-2010 programme; that one is only the demo data
(`data/raak-2008-2010.json`). Another programme with other regions, milestones and
indicators is another import file.
"""

import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def first_data_version():
    return time.time_ns() // 1000


class Programme(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # Every name a programme gives may have an English form, shown by the English
    # interface when present (wording.local); the Dutch name otherwise.
    name_en = models.CharField(max_length=200, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.TextField(blank=True)
    # Where the data comes from; shown on every public page of the programme.
    source = models.TextField(blank=True)
    # The national office may require a second factor of every member, not only of
    # itself (raak/accounts/twofactor.py); the national office always needs one.
    require_2fa = models.BooleanField(default=False)
    # Counts the recorded changes to the programme (history.Recorder.flush raises it in
    # the change's own transaction): the version of its public pages (caching.py). It
    # starts at the creation time in microseconds, not 0: a programme deleted and made
    # anew (`raak demo --reset`) may get the same id on SQLite, and must not find the
    # old programme's cached pages under the same (id, version).
    data_version = models.PositiveBigIntegerField(default=first_data_version, editable=False)
    # The version of what anonymous visitors see: raised with data_version except when
    # a flush only records changes to rounds the public cannot see (a coordinator's save
    # in an open round). Whole public pages and their ETags are keyed by it, so an
    # outsider cannot tell from a changed ETag when regions are working (issue 21).
    public_version = models.PositiveBigIntegerField(default=first_data_version, editable=False)
    # The annex table of milestones on the national picture: its anchor and title. The
    # defaults are neutral; the seed programme names its own (Bijlage 1) in its file.
    milestone_annex_key = models.SlugField(default="mijlpalen-per-regio")
    milestone_annex_title = models.CharField(max_length=200, default="Mijlpalen per regio")
    milestone_annex_title_en = models.CharField(
        max_length=200, blank=True, default="Milestones per region"
    )

    class Meta:
        ordering = ["-period_start", "slug"]

    def __str__(self):
        return self.name


class RegionQuerySet(models.QuerySet):
    def active_on(self, day):
        """Regions that exist on `day`: regions split and merge, old ones stay as history."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def for_api_regions(self):
        return self.prefetch_related("municipalities", "notes", "predecessors", "successors")


class Region(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="regions")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    # The centrumgemeente by CBS code (GM0363) and name as the programme knew it.
    centrumgemeente_code = models.CharField(max_length=6, blank=True)
    centrumgemeente_name = models.CharField(max_length=100, blank=True)
    province_code = models.CharField(max_length=4, blank=True)  # CBS code, e.g. PV27
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True
    )
    position = models.PositiveIntegerField(default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="region_slug_unique")
        ]

    def __str__(self):
        return self.name


class RegionMunicipality(models.Model):
    """A member municipality of a region, by CBS code, where the source gives it."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="municipalities")
    code = models.CharField(max_length=6)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="region_municipality_unique")
        ]


class RegionNote(models.Model):
    """A dated history note, e.g. a split the source mentions but its tables do not show."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="notes")
    date_text = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class Milestone(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="milestones")
    key = models.SlugField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # The statuses this milestone uses, as keys separated by spaces ("done expected
    # not_started unknown": no partial); empty means all of MilestoneStatus.STATUSES.
    used_statuses = models.CharField(max_length=100, blank=True)
    # The milestone that has to be done first (the validation rules' depends_on(.)).
    depends_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="dependents"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="milestone_key_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def status_keys(self):
        """The statuses this milestone uses, in the order of MilestoneStatus.STATUSES."""
        chosen = set(self.used_statuses.split())
        return [k for k, _l in MilestoneStatus.STATUSES if not chosen or k in chosen]


class IndicatorGroup(models.Model):
    """Indicators shown together under one heading, with an annex table of their own
    (the seed's "Continuering" and Bijlage 2). The key is the annex's anchor."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="indicator_groups")
    key = models.SlugField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    annex_title = models.CharField(max_length=200, blank=True)
    annex_title_en = models.CharField(max_length=200, blank=True)
    annex_caption = models.CharField(max_length=200, blank=True)
    annex_caption_en = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="indicator_group_key_unique")
        ]

    def __str__(self):
        return self.name


class StatusLabel(models.Model):
    """What a programme calls a milestone status; a status without a row gets the
    neutral word (wording.DEFAULT_STATUS_LABELS)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="status_labels")
    status = models.CharField(max_length=12)
    label = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "status"], name="status_label_unique")
        ]


class SectionName(models.Model):
    """What a programme calls its protocol, network and training sections: `name` in
    the navigation, `title` on the page, `term` for the thing itself ("handelingsprotocol",
    "aandachtsfunctionaris kindermishandeling"). Without a row, neutral words
    (wording.DEFAULT_SECTIONS)."""

    PROTOCOLS, NETWORK, TRAINING = "protocols", "network", "training"
    SECTIONS = [PROTOCOLS, NETWORK, TRAINING]

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="section_names")
    section = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    term = models.CharField(max_length=200, blank=True)
    term_en = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "section"], name="section_name_unique")
        ]


class IndicatorQuerySet(models.QuerySet):
    def for_api_indicators(self):
        return self.prefetch_related("categories")


class Indicator(models.Model):
    """A question every region answers per round from a programme-defined list."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="indicators")
    key = models.SlugField()
    name = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    # None: the programme's default group (wording.DEFAULT_GROUP, neutral words).
    group = models.ForeignKey(
        IndicatorGroup, models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    position = models.PositiveIntegerField(default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="indicator_key_unique")
        ]

    def __str__(self):
        return self.name


class IndicatorCategory(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="categories")
    key = models.SlugField()
    label = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)
    # Whether an answer in this category may carry a date (e.g. "yes, until 31-12-2011").
    takes_date = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "key"], name="category_key_unique")
        ]

    def __str__(self):
        return self.label


class RoundQuerySet(models.QuerySet):
    def visible_to_public(self):
        # A withdrawn publication is a state of its own, so it drops out here and in
        # `is_published` alike: every public page asks one of the two.
        return self.filter(state=Round.PUBLISHED)


class Round(models.Model):
    OPEN, CLOSED, PUBLISHED, WITHDRAWN = "open", "closed", "published", "withdrawn"
    STATES = [
        (OPEN, _("open")),
        (CLOSED, _("gesloten")),
        (PUBLISHED, _("gepubliceerd")),
        (WITHDRAWN, _("publicatie ingetrokken")),
    ]

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="rounds")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    peildatum = models.DateField()
    # Where this round's figures come from; shown on the round's pages.
    source = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=OPEN)
    # The calendar: regions report between opening date and deadline. Rounds from an
    # import or from before the calendar existed have none.
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # The round whose statuses this one started from (status.open_round); a region that
    # did not submit keeps those, and the public pages say so. None for an imported round.
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["peildatum", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="round_slug_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        # Closing a round freezes it; publishing keeps it frozen.
        return self.state == self.OPEN

    @property
    def is_published(self):
        return self.state == self.PUBLISHED


class MilestoneStatusQuerySet(models.QuerySet):
    def for_national_picture(self, rnd):
        return self.filter(round=rnd).only(
            "id",
            "region_id",
            "milestone_id",
            "status",
            "expected_text",
            "expected_earliest",
            "expected_latest",
            "note",
        )

    def for_region_page(self, region, rounds):
        return self.filter(region=region, round__in=rounds).prefetch_related("documents")

    def for_api_statuses(self, rnd):
        return (
            self.filter(round=rnd)
            .select_related("region", "milestone")
            .order_by("region__position", "region__name", "milestone__position", "milestone__key")
        )

    def for_forecast(self, rnd):
        return self.filter(round=rnd, status__in=self.model.WITH_PERIOD).select_related(
            "region", "milestone"
        )


class MilestoneStatus(models.Model):
    DONE, PARTIAL, EXPECTED, NOT_STARTED, UNKNOWN = (
        "done",
        "partial",
        "expected",
        "not_started",
        "unknown",
    )
    STATUSES = [
        (DONE, _("gereed en/of in uitvoering")),
        (PARTIAL, _("gedeeltelijk")),
        (EXPECTED, _("verwacht")),
        (NOT_STARTED, _("niet gestart")),
        (UNKNOWN, _("onbekend")),
    ]
    # Statuses that say when the rest is expected.
    WITH_PERIOD = (PARTIAL, EXPECTED)

    round = models.ForeignKey(Round, models.CASCADE, related_name="milestone_statuses")
    region = models.ForeignKey(Region, models.CASCADE, related_name="milestone_statuses")
    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=12, choices=STATUSES, default=UNKNOWN)
    # The expected period as entered ("Voorjaar 2011") and its normalised range.
    expected_text = models.CharField(max_length=100, blank=True)
    expected_earliest = models.DateField(null=True, blank=True)
    expected_latest = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MilestoneStatusQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "milestone"], name="milestone_status_unique"
            )
        ]

    def is_overdue(self, today):
        """Still not done after the latest day of its expected period."""
        return (
            self.status in self.WITH_PERIOD
            and self.expected_latest is not None
            and self.expected_latest < today
        )


class IndicatorValueQuerySet(models.QuerySet):
    def for_api_values(self, rnd):
        return (
            self.filter(round=rnd)
            .select_related("region", "indicator", "category")
            .order_by("region__position", "region__name", "indicator__position", "indicator__key")
        )


class IndicatorValue(models.Model):
    round = models.ForeignKey(Round, models.CASCADE, related_name="indicator_values")
    region = models.ForeignKey(Region, models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values")
    category = models.ForeignKey(IndicatorCategory, models.CASCADE, related_name="values")
    date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"], name="indicator_value_unique"
            )
        ]


def evidence_path(instance, filename):
    # Never the uploaded name on disk: it may carry anything.
    return f"evidence/{instance.status.round.programme.slug}/{instance.status_id}/{instance.sha256}"


class UploadedDocument(models.Model):
    """A file checked by raak.programmes.evidence, stored under its SHA-256 (each
    subclass says where, in its own `file` field), never under the uploaded name."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]


class EvidenceDocument(UploadedDocument):
    status = models.ForeignKey(MilestoneStatus, models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=evidence_path, max_length=300)


class ChangeRecord(models.Model):
    """Every change: who, when, what, old -> new."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who did it when no user did (an import from the command line says which file).
    actor = models.CharField(max_length=200)
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="changes")
    round = models.ForeignKey(Round, models.CASCADE, null=True, blank=True, related_name="+")
    region = models.ForeignKey(
        Region, models.CASCADE, null=True, blank=True, related_name="changes"
    )
    subject = models.CharField(max_length=300)
    field = models.CharField(max_length=100, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    # What kind of record changed and which one (raak.programmes.changes): a milestone
    # status ("status", the milestone's id; round and region above), an indicator value
    # ("indicator", the indicator's id), a questionnaire answer ("answer", the
    # question's id), a report text ("report", the ReportText's id), a round, a
    # submission, a role; empty for the rest. The history shows labels and offers a
    # revert from these.
    kind = models.CharField(max_length=20, blank=True, default="")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Why (a revert's or a reopening's reason), and the record a revert undid.
    reason = models.TextField(blank=True)
    reverts = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="reverted_by"
    )

    class Meta:
        ordering = ["-at", "-id"]
        # The newest record of a programme is the version of its public pages
        # (programmes.caching): one step down this index.
        indexes = [models.Index(fields=["programme", "-id"], name="change_programme_newest")]


class ValidationRule(models.Model):
    """A check of a region's data in a round (raak/programmes/rules.py). The condition,
    in the expression language of show-if (expressions.parse_rule), describes the
    problem: the rule reports its message where the condition holds. A rule of scope
    "milestone" is checked once per milestone, "." being that milestone."""

    ERROR, WARNING = "error", "warning"
    IMPORTANCES = [(ERROR, _("fout")), (WARNING, _("waarschuwing"))]
    REGION, MILESTONE = "region", "milestone"
    SCOPES = [(REGION, _("regio")), (MILESTONE, _("elke mijlpaal"))]

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="rules")
    key = models.SlugField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500)
    message_en = models.CharField(max_length=500, blank=True)
    importance = models.CharField(max_length=10, choices=IMPORTANCES, default=WARNING)
    scope = models.CharField(max_length=10, choices=SCOPES, default=REGION)
    condition = models.TextField()
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)  # optimistic locking (the rules page)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="validation_rule_key_unique")
        ]

    def __str__(self):
        return self.name


class RuleJustification(models.Model):
    """A region's written answer to a warning in a round; `target` is the milestone key
    of a per-milestone rule, empty otherwise. Kept when a submission is returned."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, models.CASCADE, related_name="+")
    rule = models.ForeignKey(ValidationRule, models.CASCADE, related_name="justifications")
    target = models.CharField(max_length=50, blank=True)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "rule", "target"], name="rule_justification_unique"
            )
        ]


class RuleTally(models.Model):
    """A round's validation-rule results counted over every region of the round, kept
    so that pages over all rounds need not run every rule of every round
    (raak/programmes/rule_tally.py). Counted with the rules as they are now, like the
    review page and `raak validate`; stale once a change is recorded to the round, to
    the round before it (previous(...)) or to the programme outside any round (rules,
    milestones, regions), or when another round becomes the previous one or the rules'
    code changes; a stale tally is counted again before it is shown."""

    round = models.OneToOneField(Round, models.CASCADE, primary_key=True, related_name="+")
    errors = models.PositiveIntegerField()
    warnings_open = models.PositiveIntegerField()  # warnings without a justification
    warnings_justified = models.PositiveIntegerField()
    # Regions with an error or a warning without a justification.
    regions = models.PositiveIntegerField()
    # The programme's newest ChangeRecord id when counting began (read under its lock:
    # every record with a lower id was committed and its data read by the count).
    through = models.PositiveBigIntegerField()
    # The round whose data previous(...) read, as it was when counted.
    previous = models.ForeignKey(Round, models.SET_NULL, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=16)  # rule_tally.CODE when counted
    counted_at = models.DateTimeField(auto_now=True)


# The e-mail log lives in its own module; imported here so Django finds the models.
from raak.programmes.mail_models import Message, MessageOptOut  # noqa: E402, F401
