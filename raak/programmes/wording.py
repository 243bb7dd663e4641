"""The words a programme uses for its own things, in the visitor's language.

Status labels, indicator groups and section names are programme data (models
StatusLabel, IndicatorGroup, SectionName); what a programme does not name gets the
neutral words below, never another programme's (the seed's words are rows of the seed
programme, in its file).
Every name may have an English form (`*_en`), shown by the English interface when
present; the Dutch one otherwise.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from raak.programmes import memo
from raak.programmes.models import Programme

# Neutral words, (Dutch, English): what a programme that does not name its own things
# is given. The seed programme names all of them in its file
# (raak/programmes/data/raak-2008-2010.json); a database from before these defaults
# got the seed's words as rows of its own (migration 0009_neutral_wording_defaults).
DEFAULT_STATUS_LABELS = {
    "done": ("Afgerond", "Completed"),
    "partial": ("Gedeeltelijk", "Partial"),
    "expected": ("Verwacht", "Expected"),
    "not_started": ("Niet gestart", "Not started"),
    "unknown": ("Onbekend", "Unknown"),
}
# Its key is the annex's anchor: not "indicatoren", the national picture's own.
DEFAULT_GROUP = {
    "key": "indicatoren-per-regio",
    "name": "Indicatoren",
    "name_en": "Indicators",
    "annex_title": "Indicatoren per regio",
    "annex_title_en": "Indicators per region",
    "annex_caption": "Antwoorden per regio",
    "annex_caption_en": "Answers per region",
}
DEFAULT_SECTIONS = {
    "protocols": {
        "name": "Werkafspraken", "name_en": "Agreements",
        "title": "Regionale werkafspraken", "title_en": "Regional agreements",
        "term": "werkafspraak", "term_en": "agreement",
    },
    "network": {
        "name": "Contactpersonen", "name_en": "Contacts",
        "title": "Contactpersonen per regio", "title_en": "Contacts per region",
        "term": "contactpersoon", "term_en": "contact person",
    },
    "training": {
        "name": "Deskundigheid", "name_en": "Expertise",
        "title": "Deskundigheidsbevordering", "title_en": "Building expertise",
        "term": "deskundigheidsbevordering", "term_en": "building expertise",
    },
}  # fmt: skip


def english():
    return (get_language() or "").startswith("en")


def local(obj, field="name"):
    """`obj.<field>_en` in the English interface when it is filled in, else `obj.<field>`."""
    get = obj.get if isinstance(obj, dict) else lambda f, d="": getattr(obj, f, d)
    if english():
        value = get(f"{field}_en", "")
        if value:
            return value
    return get(field, "")


def status_labels(programme):
    """{status key: label} in the current language, for one programme (one query,
    remembered on the programme object for the rest of the request)."""
    lang = "en" if english() else "nl"
    cache = programme.__dict__.setdefault("_status_labels", {})
    if lang not in cache:
        labels = {
            k: nl_en[1] if lang == "en" else nl_en[0] for k, nl_en in DEFAULT_STATUS_LABELS.items()
        }
        for s in memo.rows(programme, "status_labels"):
            labels[s.status] = local(s, "label")
        cache[lang] = labels
    return cache[lang]


def status_text(label, status, expected_text):
    """A status with its expected period, said once: "verwacht voorjaar 2027",
    "gedeeltelijk (voorjaar 2027)"; not "verwacht, verwacht voorjaar 2027"."""
    if not expected_text:
        return label
    if status == "expected":
        return f"{label} {expected_text}"
    return f"{label} ({expected_text})"


@dataclass
class Group:
    key: str
    name: str
    annex_title: str
    annex_caption: str
    indicators: list
    items: list = field(default_factory=list)  # filled by the page that shows the group


def indicator_groups(programme, indicators):
    """The programme's indicators by group, in group order, each group's words in the
    current language; indicators without a group go in the neutral default group."""
    groups = memo.rows(programme, "indicator_groups")
    out = {g.id: Group(g.key, local(g), local(g, "annex_title"), local(g, "annex_caption"), [])
           for g in groups}  # fmt: skip
    default = None
    for i in indicators:
        if i.group_id in out:
            out[i.group_id].indicators.append(i)
        else:
            if default is None:
                d = DEFAULT_GROUP
                default = Group(d["key"], local(d), local(d, "annex_title"),
                                local(d, "annex_caption"), [])  # fmt: skip
            default.indicators.append(i)
    result = [g for g in out.values() if g.indicators]
    return result + ([default] if default else [])


@dataclass
class Section:
    key: str
    name: str
    title: str
    term: str


def sections(programme):
    """{section: Section} with the programme's names, in the current language. A
    title or term the programme leaves empty is its section name, never the seed's."""
    rows = {s.section: s for s in memo.rows(programme, "section_names")}
    out = {}
    for key, default in DEFAULT_SECTIONS.items():
        row = rows.get(key)
        if row is None:
            words = default
        else:
            words = {"name": row.name, "name_en": row.name_en}
            for f in ("title", "term"):
                words[f] = getattr(row, f) or row.name
                words[f + "_en"] = getattr(row, f + "_en") or (
                    row.name_en if not getattr(row, f) else ""
                )
        out[key] = Section(key, local(words), local(words, "title"), local(words, "term"))
    return out


# The navigation's sections, in the order of sections_with_content's answer.
NAV_SECTIONS = ("activities", "action_points", "questionnaires", "protocols", "training", "network")


def sections_with_content(programme):
    """{section: bool} for the sections of the navigation, in one query."""
    sql, params, keys = _content_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme.pk if p is _PROGRAMME else p for p in params])
        found = cursor.fetchone()
    return {k: bool(has) for k, has in zip(keys, found, strict=True)} if found else {}


_PROGRAMME = object()  # where the programme's id goes in the compiled statement


@lru_cache
def _content_statement(vendor):
    """The statement of sections_with_content, built once per database: building its
    seven EXISTS through the ORM took 2.7 ms on every public page, running them 0.07 ms
    (issue #12). The other apps' tables are named through the programme's reverse
    relations, so this module imports none of them."""

    def exists(relation):
        model = Programme._meta.get_field(relation).related_model
        return Exists(model.objects.filter(programme=OuterRef("pk")))

    region_model = Programme._meta.get_field("regions").related_model
    institution = region_model._meta.get_field("institutions").related_model
    checks = {
        "activities": exists("activities"),
        "action_points": exists("action_points"),
        "questionnaires": exists("questionnaires"),
        "protocols": exists("protocol_components"),
        "training": exists("training_criteria")
        | exists("training_offers")
        | exists("training_reach"),
        "network": Exists(institution.objects.filter(region__programme=OuterRef("pk"))),
    }
    marker = -7_654_321  # an id no programme has, to find its parameter
    # Prefixed: the annotations may not share a name with the reverse relations.
    query = (
        Programme.objects.filter(pk=marker)
        .annotate(**{f"has_{k}": v for k, v in checks.items()})
        .values(*(f"has_{k}" for k in checks))
        .order_by()
        .query
    )
    sql, params = query.sql_with_params()
    return sql, tuple(_PROGRAMME if p == marker else p for p in params), tuple(checks)
