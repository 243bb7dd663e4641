"""Questionnaires as data (in the spirit of XLSForm): versions with sections, questions
and choice lists; responses per region per round; coding of open answers.

A published version is immutable: responses stay tied to the version they answered,
and a new version names, per question, the question of the previous version it
continues (`maps_to`), so rounds can be compared across versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.models import Indicator, Programme, Region, Round


class Questionnaire(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="questionnaires")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Shown on every page and export of a questionnaire with generated answers.
    fictional = models.BooleanField(default=False)
    # Retired: no longer offered for new rounds; its answers and comparisons stay.
    retired = models.BooleanField(default=False)
    # The rounds that ask it: the national office chooses them when opening a round and
    # may change them while it is open (service.ask).
    rounds = models.ManyToManyField(Round, blank=True, related_name="asked_questionnaires")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="questionnaire_slug_unique")
        ]

    def __str__(self):
        return self.name


class Version(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published = models.BooleanField(default=False)
    previous = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="version_unique")
        ]

    def __str__(self):
        return f"{self.questionnaire} v{self.number}"


class Section(models.Model):
    version = models.ForeignKey(Version, models.CASCADE, related_name="sections")
    key = models.SlugField()
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    # Titles in other languages, as XLSForm's label::Language (code) columns:
    # {"English (en)": {"label": "..."}}; the title itself is the Dutch one.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]


class Choice(models.Model):
    version = models.ForeignKey(Version, models.CASCADE, related_name="choices")
    list_name = models.SlugField()
    key = models.SlugField()
    label = models.CharField(max_length=300)
    # Ordered scales: a higher score is further along (e.g. "alle ouders" = 3).
    # Empty for "onbekend", which takes no place on the scale.
    score = models.IntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)  # as Section.translations

    class Meta:
        ordering = ["list_name", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "list_name", "key"], name="choice_unique")
        ]


class Question(models.Model):
    SINGLE, MULTIPLE, SCALE, YESNO, NUMBER, INTEGER, DATE, PERIOD, TEXT, NOTE = (
        "single", "multiple", "scale", "yesno", "number", "integer", "date", "period", "text",
        "note",
    )  # fmt: skip
    TYPES = [
        (SINGLE, _("één keuze")), (MULTIPLE, _("meerdere keuzes")), (SCALE, _("schaal")),
        (YESNO, _("ja/nee/onbekend")), (NUMBER, _("getal")), (INTEGER, _("geheel getal")),
        (DATE, _("datum")), (PERIOD, _("periode")), (TEXT, _("open tekst")),
        (NOTE, _("toelichting (geen vraag)")),
    ]  # fmt: skip

    version = models.ForeignKey(Version, models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, models.CASCADE, related_name="questions")
    key = models.SlugField()
    type = models.CharField(max_length=10, choices=TYPES)
    label = models.TextField()
    help = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    choice_list = models.SlugField(blank=True)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    # Shown with the number bounds or length limit instead of the standard message.
    constraint_message = models.CharField(max_length=300, blank=True)
    # Show only when this holds (raak.programmes.expressions): "${q} = 'a'",
    # "selected(${q}, 'a') and ${n} > 3", or the older "question=a b c".
    show_if = models.CharField(max_length=1000, blank=True)
    maps_to = models.SlugField(blank=True)  # the previous version's question it continues
    # An answer to this question is the region's value of this indicator (one truth).
    indicator = models.ForeignKey(
        Indicator, models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    # {"English (en)": {"label": ..., "hint": ...}}; label and help are the Dutch ones.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique")
        ]

    def __str__(self):
        return self.key


class Response(models.Model):
    DRAFT, SUBMITTED = "draft", "submitted"
    STATES = [(DRAFT, _("concept")), (SUBMITTED, _("ingediend"))]

    # RESTRICT, not PROTECT: a version with answers cannot be deleted on its own, but
    # deleting the whole programme (`raak demo --reset`) takes both.
    version = models.ForeignKey(Version, models.RESTRICT, related_name="responses")
    round = models.ForeignKey(Round, models.CASCADE, related_name="questionnaire_responses")
    region = models.ForeignKey(Region, models.CASCADE, related_name="questionnaire_responses")
    state = models.CharField(max_length=10, choices=STATES, default=DRAFT)
    lock = models.PositiveIntegerField(default=1)  # optimistic locking
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "round", "region"], name="response_unique")
        ]


class Answer(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers")
    # Typed value: a choice key, a list of keys, a number, ISO date, period text or text.
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique")
        ]


class Theme(models.Model):
    """A theme (or sub-theme) of the codebook for a questionnaire's open answers."""

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="themes")
    key = models.SlugField()
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["parent__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="qtheme_key_unique")
        ]

    def __str__(self):
        return self.name


class Coding(models.Model):
    """An analyst assigned (a fragment of) an open answer to a theme."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="codings")
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="codings")
    fragment = models.TextField(blank=True)  # empty: the whole answer

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "theme", "analyst", "fragment"], name="coding_unique"
            )
        ]
