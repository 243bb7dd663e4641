"""Report templates as data: reading and checking a template file, all or nothing."""

import json
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from raak.programmes.history import Recorder
from raak.reports.models import ReportTemplate

# Every generated block a chapter can hold, in the words of the report.
BLOCKS = {
    "milestone-summary": "stand van de mijlpalen (aantallen, %, verandering)",
    "milestone-maps": "een kaart per mijlpaal",
    "indicator-maps": "een kaart per indicator",
    "continuation": "tabellen per indicator, onder de indicatorgroepen van het programma",
    "forecast": "prognose: wat wordt wanneer verwacht, wat is over tijd",
    "protocol-findings": "bevindingen van het landelijk bureau (onderdeel protocollen)",
    "training-reach": "bereik (onderdeel scholing)",
    "action-points": "actiepunten per regio",
    "activities": "aanbevolen activiteiten per thema",
    "questionnaire-comparison": "vergelijking vragenlijst per item",
    "coded-themes": "thema's uit de open antwoorden, met citaten",
    "reporting-rates": "meldingsgraad en voortgang per mijlpaal over de rondes",
    "annex-milestones": "bijlage: mijlpalen per regio",
    "annex-continuation": "bijlage: indicatoren per regio, een tabel per indicatorgroep",
}
DATA = Path(__file__).resolve().parent / "data"
# The seed programme's own report (its chapters say "Continuering", "Bijlage 1"...).
DEMO_TEMPLATE = DATA / "report-template-2008-2010.json"
# Any other programme's, until it loads one of its own: neutral chapter titles.
STANDARD_TEMPLATE = DATA / "report-template-standard.json"


class TemplateError(ValueError):
    pass


def read(path):
    """(slug, name, chapters) of a template file, checked."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise TemplateError(f"{path}: {e}") from e
    slug = slugify(data.get("slug") or "")
    name = str(data.get("name") or "").strip()
    if not slug or not name:
        raise TemplateError(f"{path}: slug en name zijn nodig")
    return slug, name, clean_chapters(data.get("chapters"))


@lru_cache
def standard_chapters():
    """The standard template's chapters: what a programme without a template of its
    own is reported in (its report page, `raak report`, the first draft)."""
    return read(STANDARD_TEMPLATE)[2]


def clean_chapters(chapters):
    """Check a list of chapters; return it normalised or raise TemplateError naming
    the chapter and field."""
    if not isinstance(chapters, list) or not chapters:
        raise TemplateError("chapters: een lijst met ten minste één hoofdstuk is nodig")
    out, keys = [], set()
    for n, ch in enumerate(chapters, 1):
        where = f"hoofdstuk {n}"
        if not isinstance(ch, dict):
            raise TemplateError(f"{where}: verwacht een object met key, title, text, blocks")
        title = str(ch.get("title") or "").strip()
        if not title:
            raise TemplateError(f"{where}: title ontbreekt")
        key = slugify(ch.get("key") or title)
        if not key or key in keys:
            raise TemplateError(f"{where} ({title}): key “{key}” is leeg of dubbel")
        keys.add(key)
        blocks = ch.get("blocks") or []
        if not isinstance(blocks, list):
            raise TemplateError(f"{where} ({title}): blocks moet een lijst zijn")
        for b in blocks:
            if b not in BLOCKS:
                raise TemplateError(
                    f"{where} ({title}): onbekend blok “{b}”; kies uit {', '.join(BLOCKS)}"
                )
        text = ch.get("text", False)
        if not isinstance(text, bool):
            raise TemplateError(f"{where} ({title}): text moet true of false zijn")
        if not text and not blocks:
            raise TemplateError(f"{where} ({title}): een hoofdstuk heeft tekst, blokken of beide")
        out.append({"key": key, "title": title[:200], "text": text, "blocks": blocks})
    return out


@transaction.atomic
def load(programme, path=STANDARD_TEMPLATE, actor="raak"):
    """Create or update a programme's report template from a JSON file (by default the
    neutral standard template; `raak demo` gives the seed programme DEMO_TEMPLATE)."""
    slug, name, chapters = read(path)
    recorder = Recorder(actor=actor, programme=programme)
    template = ReportTemplate.objects.filter(programme=programme, slug=slug).first()
    if template is None:
        template = ReportTemplate.objects.create(
            programme=programme, slug=slug, name=name, chapters=chapters
        )
        recorder.record(subject=f"rapportsjabloon {slug}", field="aangemaakt", new=name)
    else:
        recorder.update(
            template, {"name": name, "chapters": chapters}, subject=f"rapportsjabloon {slug}"
        )
    recorder.flush()
    return template
