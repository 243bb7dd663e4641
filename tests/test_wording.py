"""Issue #14: a programme's words are its own data. A second programme (fictieve
gegevens) with other status labels, indicator groups and section names shows none of
the demo's words on its pages, in Dutch and in English."""

import csv
import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.exporting import export_programme
from raak.programmes.importing import import_programme
from raak.programmes.models import Milestone, MilestoneStatus, Programme
from raak.programmes.tables import FormatError

from .conftest import DEMO_FILE, sign_in

SLUG = "huiselijk-geweld-2027"


def second_programme():
    """Fictieve gegevens: two regions, two rounds, words unlike the seed's."""
    statuses = [
        # (round, region, milestone, status, expected)
        ("voorjaar-2027", "noord", "meldcode", "done", ""),
        ("voorjaar-2027", "zuid", "meldcode", "not_started", ""),
        ("voorjaar-2027", "noord", "ketenaanpak", "partial", "najaar 2027"),
        ("voorjaar-2027", "zuid", "ketenaanpak", "expected", "voorjaar 2027"),
        ("najaar-2027", "noord", "meldcode", "expected", "voorjaar 2028"),
        ("najaar-2027", "zuid", "meldcode", "done", ""),
        ("najaar-2027", "noord", "ketenaanpak", "done", ""),
        ("najaar-2027", "zuid", "ketenaanpak", "expected", "voorjaar 2028"),
    ]

    def round_(slug, name, name_en, day):
        return {
            "slug": slug, "name": name, "name_en": name_en, "peildatum": day,
            "state": "published", "source": f"Fictieve gegevens, peiling {name}",
            "milestone_statuses": [
                {"region": g, "milestone": m, "status": s, "expected": e, "note": ""}
                for r, g, m, s, e in statuses if r == slug
            ],
            "indicator_values": [
                {"region": "noord", "indicator": "contactpunt", "category": "ja", "date": "",
                 "note": ""},
            ],
        }  # fmt: skip

    return {
        "format": "raak-programme/1",
        "programme": {
            "slug": SLUG, "name": "Aanpak huiselijk geweld 2027 (fictieve gegevens)",
            "name_en": "Domestic violence approach 2027 (fictitious data)",
            "period_start": "2027-01-01", "period_end": "2028-12-31",
            "description": "Fictieve gegevens.", "source": "Fictieve gegevens",
            "milestone_annex_key": "overzicht-mijlpalen",
            "milestone_annex_title": "Overzicht mijlpalen",
            "milestone_annex_title_en": "Milestone overview",
        },
        "status_labels": [
            {"status": "done", "label": "afgerond", "label_en": "completed"},
            {"status": "partial", "label": "deels", "label_en": "in part"},
            {"status": "expected", "label": "gepland", "label_en": "planned"},
            {"status": "not_started", "label": "nog niet begonnen", "label_en": "not begun"},
            {"status": "unknown", "label": "geen melding", "label_en": "not reported"},
        ],
        "indicator_groups": [
            {"key": "borging", "name": "Borging", "name_en": "Embedding",
             "annex_title": "Borging per regio", "annex_title_en": "Embedding per region",
             "annex_caption": "Stand van de borging", "annex_caption_en": "State of embedding"},
        ],
        "sections": [
            {"section": "protocols", "name": "Richtlijnen", "name_en": "Guidelines",
             "title": "Regionale richtlijnen", "title_en": "Regional guidelines",
             "term": "meldcode", "term_en": "reporting code"},
            {"section": "network", "name": "Contactpersonen", "name_en": "Contacts",
             "title": "", "title_en": "", "term": "contactpersoon huiselijk geweld",
             "term_en": "domestic violence contact"},
            {"section": "training", "name": "Deskundigheid", "name_en": "Expertise",
             "title": "", "title_en": "", "term": "", "term_en": ""},
        ],
        "milestones": [
            {"key": "meldcode", "name": "Meldcode ingevoerd", "name_en": "Reporting code in place",
             "description": "", "statuses": ["done", "expected", "not_started", "unknown"]},
            {"key": "ketenaanpak", "name": "Ketenaanpak", "name_en": "Chain approach",
             "description": "", "statuses": []},
        ],
        "indicators": [
            {"key": "contactpunt", "name": "Is er een contactpunt na 2028?",
             "name_en": "Is there a contact point after 2028?", "description": "",
             "group": "borging",
             "categories": [
                 {"key": "ja", "label": "Ja", "label_en": "Yes", "takes_date": False},
                 {"key": "nee", "label": "Nee", "label_en": "No", "takes_date": False},
             ]},
        ],
        "regions": [
            {"slug": "noord", "name": "Regio Noord", "municipalities": [], "notes": []},
            {"slug": "zuid", "name": "Regio Zuid", "municipalities": [], "notes": []},
        ],
        "rounds": [
            round_("voorjaar-2027", "Voorjaar 2027", "Spring 2027", "2027-03-01"),
            round_("najaar-2027", "Najaar 2027", "Autumn 2027", "2027-10-01"),
        ],
    }  # fmt: skip


@pytest.fixture
def other(db, tmp_path):
    path = tmp_path / f"{SLUG}.json"
    path.write_text(json.dumps(second_programme(), ensure_ascii=False))
    return import_programme(tables.read(path), actor="test").programme


# The demo's own words (its status labels, group, annex and section names, its round's
# date and source), as each language shows them.
DEMO_WORDS = {
    "nl": [
        "gereed en/of in uitvoering", "gedeeltelijk", "niet gestart", "onbekend",
        "Continuering", "Prognose per regio", "Stand van zaken mijlpalen", "bijlage-1",
        "bijlage-2", "handelingsprotocol", "aandachtsfunctionaris", "Protocollen", "Scholing",
        "Netwerk", "15-01-2011", "Jeugdinstituut",
    ],
    "en": [
        "done and/or in progress", "partial", "not started", "unknown", "Continuation",
        "Forecast per region", "State of the milestones", "bijlage-1", "bijlage-2", "protocol",
        "Protocols", "Network", "Training", "officer", "15-01-2011", "Jeugdinstituut",
    ],
}  # fmt: skip
OWN_WORDS = {
    "nl": ["afgerond", "Borging", "Overzicht mijlpalen", "Meldcode ingevoerd", "Najaar 2027"],
    "en": ["completed", "Embedding", "Milestone overview", "Reporting code in place",
           "Autumn 2027"],
}  # fmt: skip
PAGES = {
    "national": f"/{SLUG}/ronde/najaar-2027/",
    "region": f"/{SLUG}/regio/noord/",
    "forecast": f"/{SLUG}/verwacht/",
}


def visible(html):
    """The page's text and the values of attributes a person reads (ids as anchors)."""
    attrs = " ".join(re.findall(r'(?:id|aria-label|title|alt)="([^"]*)"', html))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)) + " " + attrs


def client_in(lang, user=None):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return sign_in(c, user) if user else c


# The section pages have answer scales of their own (a checklist item is "gedeeltelijk"
# present): there only the section names are the programme's.
SECTION_WORDS = {
    "nl": ["handelingsprotocol", "aandachtsfunctionaris", "Protocollen", "Scholing", "Netwerk"],
    "en": ["Regional protocol", "Protocols", "Network", "Training", "officer"],
}


def check_page(c, url, lang, words=DEMO_WORDS):
    response = c.get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == lang
    text = visible(response.content.decode())
    found = [w for w in words[lang] if w in text]
    assert not found, f"{url} ({lang}) shows the demo's words {found}"
    return text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_second_programme_speaks_its_own_words(demo, other, lang):
    c = client_in(lang)
    national = check_page(c, PAGES["national"], lang)
    for word in OWN_WORDS[lang]:
        assert word in national, word
    region = check_page(c, PAGES["region"], lang)
    forecast = check_page(c, PAGES["forecast"], lang)
    if lang == "nl":
        # Said once, in the programme's word: not "gepland, verwacht voorjaar 2028".
        assert "gepland voorjaar 2028" in region and "gepland" in forecast
        assert "Borging" in region and "Stand van de borging" in national
        assert 'id="borging"' in c.get(PAGES["national"]).content.decode()
    else:
        assert "planned voorjaar 2028" in region and "planned" in forecast
        assert "Embedding" in region and "State of embedding" in national


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_navigation_uses_the_programme_names_and_leaves_out_empty_sections(
    demo, other, lang, django_user_model
):
    page = client_in(lang).get(PAGES["national"]).content.decode()
    nav = re.search(r'<nav aria-label="[^"]*">.*?</nav>', page, re.S).group(0)
    # The second programme has no protocols, training or network content yet.
    for name in ("/protocollen/", "/scholing/", "/netwerk/", "/activiteiten/"):
        assert name not in nav
    # Its national office, who fills them, sees them under the programme's names.
    user = django_user_model.objects.create_user("landelijk-hg")
    Role.objects.create(user=user, programme=other, kind=Role.NATIONAL)
    c = client_in(lang, user)
    text = check_page(c, PAGES["national"], lang)
    expected = ("Richtlijnen", "Contactpersonen", "Deskundigheid")
    if lang == "en":
        expected = ("Guidelines", "Contacts", "Expertise")
    for name in expected:
        assert name in text
    protocols = check_page(c, f"/{SLUG}/protocollen/", lang, SECTION_WORDS)
    assert ("Regionale richtlijnen" if lang == "nl" else "Regional guidelines") in protocols
    network = check_page(c, f"/{SLUG}/netwerk/", lang, SECTION_WORDS)
    assert (
        "contactpersoon huiselijk geweld" if lang == "nl" else "domestic violence contact"
    ) in network


def test_the_demo_keeps_its_words(demo):
    html = visible(Client().get("/raak-2008-2010/ronde/eindrapportage-2011/").content.decode())
    for word in (
        "gereed en/of in uitvoering",
        "Continuering na de programmaperiode",
        "Prognose per regio",
        "Stand van zaken mijlpalen",
        "peildatum 15-01-2011",
    ):
        assert word in html, word  # fmt: skip
    english = visible(client_in("en").get("/raak-2008-2010/regio/gouda/").content.decode())
    assert "Regional protocol" in english and "Continuation" in english


def test_change_since_previous_round_names_the_regions_that_moved(other):
    text = visible(Client().get(PAGES["national"]).content.decode())
    assert "2 regio's veranderd sinds Voorjaar 2027" in text
    assert "Regio Noord : afgerond → gepland voorjaar 2028" in text
    assert "Regio Zuid : nog niet begonnen → afgerond" in text
    assert "Regio Noord : deels (najaar 2027) → afgerond" in text
    # Zuid's ketenaanpak only slipped a period: that is a move too.
    assert "Regio Zuid : gepland voorjaar 2027 → gepland voorjaar 2028" in text
    english = visible(client_in("en").get(PAGES["national"]).content.decode())
    assert "Regio Noord : completed → planned voorjaar 2028" in english


def test_a_milestone_without_partial(other):
    meldcode = Milestone.objects.get(programme=other, key="meldcode")
    assert meldcode.status_keys == ["done", "expected", "not_started", "unknown"]
    html = Client().get(PAGES["national"]).content.decode()
    card = re.search(r'data-milestone="meldcode".*?</li>\s*(?=<li class="card"|</ul>)', html, re.S)
    assert "deels" not in visible(card.group(0))


def test_a_status_the_milestone_does_not_use_is_refused_with_its_row(db, tmp_path):
    doc = second_programme()
    doc["rounds"][0]["milestone_statuses"][0].update(status="partial", expected="2027")
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError) as e:
        import_programme(tables.read(path))
    message = str(e.value)
    assert "rounds[0].milestone_statuses[0], kolom status" in message
    assert "kent de status “partial” niet" in message
    assert not Programme.objects.filter(slug=SLUG).exists()


def _regroup(doc, key):
    doc["indicator_groups"][0]["key"] = key
    doc["indicators"][0]["group"] = key


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["status_labels"][0].update(status="klaar"), "status_labels[0], kolom status"),
        (lambda d: d["sections"][0].update(section="wiki"), "sections[0], kolom section"),
        (lambda d: d["indicators"][0].update(group="nergens"), "indicators[0], kolom group"),
        (lambda d: d["milestones"][0].update(statuses=["done"]), "milestones[0], kolom statuses"),
        (lambda d: d["indicator_groups"][0].update(name=""), "indicator_groups[0], kolom name"),
        (
            lambda d: d["indicator_groups"][0].update(key="overzicht-mijlpalen"),
            "indicator_groups[0], kolom key",
        ),
        (
            lambda d: d["programme"].update(milestone_annex_key="kaarten"),
            "programme, kolom milestone_annex_key",
        ),
        # base.html's skip link target, and the milestone annex's caption id
        # ("annex-" + key), which labels its scrolling table.
        (lambda d: _regroup(d, "main"), "indicator_groups[0], kolom key"),
        (lambda d: _regroup(d, "milestones"), "indicator_groups[0], kolom key"),
        (
            lambda d: d["programme"].update(milestone_annex_key="main"),
            "programme, kolom milestone_annex_key",
        ),
    ],
)
def test_bad_wording_names_the_row(db, tmp_path, change, where):
    doc = second_programme()
    change(doc)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError) as e:
        import_programme(tables.read(path))
    assert where in str(e.value)


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_wording_round_trips(other, tmp_path, fmt):
    first = export_programme(other, fmt, tmp_path / "first")
    Programme.objects.filter(slug=SLUG).delete()
    source = tmp_path / "first" if fmt == "csv" else first[0]
    call_command("import", "programme", str(source), stdout=StringIO())
    second = export_programme(Programme.objects.get(slug=SLUG), fmt, tmp_path / "second")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    if fmt == "csv":
        rows = list(csv.DictReader((tmp_path / "second" / "status_labels.csv").open()))
        assert {r["status"]: r["label"] for r in rows}["done"] == "afgerond"


def test_an_old_file_imports_with_neutral_words(db, tmp_path):
    """A file from before the wording columns (no status_labels, groups, sections,
    name_en, statuses, group or round source) gets neutral words, not the seed's: the
    seed programme's words are rows in its own file (issue #22)."""
    doc = json.loads(DEMO_FILE.read_text())
    for table in ("status_labels", "indicator_groups", "sections"):
        del doc[table]
    for key in (
        "name_en",
        "milestone_annex_key",
        "milestone_annex_title",
        "milestone_annex_title_en",
    ):
        del doc["programme"][key]  # fmt: skip
    for m in doc["milestones"]:
        del m["name_en"], m["statuses"]
    for i in doc["indicators"]:
        del i["name_en"], i["group"]
        for c in i["categories"]:
            del c["label_en"]
    for r in doc["rounds"]:
        del r["name_en"], r["source"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    programme = import_programme(tables.read(path)).programme
    assert programme.milestone_annex_key == "mijlpalen-per-regio"
    html = visible(Client().get("/raak-2008-2010/ronde/eindrapportage-2011/").content.decode())
    for word in ("Afgerond", "Indicatoren per regio", "Mijlpalen per regio"):
        assert word in html, word
    for word in ("gereed en/of in uitvoering", "Continuering", "Stand van zaken mijlpalen",
                 "bijlage-1", "bijlage-2"):  # fmt: skip
        assert word not in html, word


def test_the_seed_file_names_its_own_words():
    """The seed programme does not lean on the defaults: its file carries its words."""
    doc = json.loads(DEMO_FILE.read_text())
    assert {r["status"]: r["label"] for r in doc["status_labels"]}["done"] == (
        "gereed en/of in uitvoering"
    )
    assert [g["name"] for g in doc["indicator_groups"]] == ["Continuering"]
    assert {s["section"] for s in doc["sections"]} == {"protocols", "network", "training"}
    assert doc["programme"]["milestone_annex_key"] == "bijlage-1"
    assert all(i["group"] == "bijlage-2" for i in doc["indicators"])


def test_an_old_file_leaves_stored_words_alone(other, tmp_path):
    """Re-importing a file without the new columns keeps the English names."""
    doc = second_programme()
    for m in doc["milestones"]:
        del m["name_en"], m["statuses"]
    del doc["status_labels"], doc["indicator_groups"], doc["sections"]
    path = tmp_path / "update.json"
    path.write_text(json.dumps(doc))
    import_programme(tables.read(path))
    meldcode = Milestone.objects.get(programme=other, key="meldcode")
    assert meldcode.name_en == "Reporting code in place"
    assert "partial" not in meldcode.status_keys
    assert other.status_labels.get(status="done").label == "afgerond"


def test_status_form_and_api_offer_only_the_milestone_statuses(demo, people, open_round):
    """A milestone without `partial`: the edit form does not offer it, and neither the
    form nor the API accepts it; the stored status stays as it was."""
    from raak.api.tokens import create_token

    Milestone.objects.filter(programme=demo, key="handelingsprotocol").update(
        used_statuses="done expected not_started unknown"
    )

    def stored():
        return MilestoneStatus.objects.get(
            round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
        )

    before = stored()
    url = f"/raak-2008-2010/ronde/{open_round.slug}/regio/gouda/mijlpaal/handelingsprotocol/"
    c = sign_in(Client(), people["coord_a"])
    form = c.get(url).content.decode()
    assert 'value="done"' in form and 'value="partial"' not in form
    refused = c.post(
        url, {"status": "partial", "expected": "2012", "note": "x", "version": before.version}
    )
    assert refused.status_code == 200 and "partial" in visible(refused.content.decode())
    raw = create_token(people["coord_a"], name="t", scope="read-write")[1]
    api = f"/api/v1/programmes/raak-2008-2010/rounds/{open_round.slug}/regions/gouda/statuses/handelingsprotocol"
    response = Client().put(
        api, json.dumps({"status": "partial", "expectedPeriod": "2012", "note": "x"}),
        content_type="application/json", HTTP_IF_MATCH=f'"{before.version}"',
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "status"
    after = stored()
    assert (after.version, after.note) == (before.version, before.note)


def test_a_round_page_cites_that_rounds_peildatum_and_source(demo, people):
    """A round opened later says its own peildatum and source, not the seed round's."""
    c = sign_in(Client(), people["national"])
    opened = c.post(
        "/raak-2008-2010/rondes/",
        {"name": "Peiling 2027", "name_en": "Survey 2027", "slug": "peiling-2027",
         "peildatum": "01-03-2027", "opens_on": "01-02-2027", "closes_on": "15-03-2027",
         "source": "Fictieve gegevens: eigen peiling van het landelijk bureau, maart 2027"},
    )  # fmt: skip
    assert opened.status_code == 302
    page = c.get("/raak-2008-2010/ronde/peiling-2027/").content.decode()
    footer = visible(re.search(r"<footer.*?</footer>", page, re.S).group(0))
    assert "eigen peiling van het landelijk bureau, maart 2027" in footer
    assert "15-01-2011" not in footer and "Jeugdinstituut" not in footer
    assert "peildatum 01-03-2027" in visible(page)
    english = sign_in(client_in("en"), people["national"]).get(
        "/raak-2008-2010/ronde/peiling-2027/"
    )
    assert "Survey 2027" in visible(english.content.decode())
    seed = visible(Client().get("/raak-2008-2010/ronde/eindrapportage-2011/").content.decode())
    assert "Bijlage 1 (peildatum 15-01-2011)" in seed


@pytest.mark.parametrize("where", ["status_labels", "milestone_statuses"])
def test_a_nul_character_is_refused_with_its_row(db, tmp_path, where):
    # PostgreSQL cannot store NUL in text: the import said a database error instead.
    doc = second_programme()
    if where == "status_labels":
        doc["status_labels"][0]["label"] = "af\x00gerond"
        expected = "status_labels[0], kolom label"
    else:
        doc["rounds"][0]["milestone_statuses"][0]["note"] = "a\x00b"
        expected = "rounds[0].milestone_statuses[0], kolom note"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError) as e:
        import_programme(tables.read(path))
    assert expected in str(e.value) and "NUL" in str(e.value)
    assert not Programme.objects.filter(slug=SLUG).exists()


def test_members_navigation_names_every_section_sections_with_content_answers(other):
    """A member's navigation skips the content query and shows NAV_SECTIONS; that list
    must be the one the query answers for, or a section would vanish for members."""
    from raak.programmes import wording

    assert tuple(wording.sections_with_content(other)) == wording.NAV_SECTIONS


# --- Issue #22: any programme's words, everywhere -------------------------------------

BARE = "kale-programma-2028"


def bare_programme():
    """The second programme without a single wording row or column: the national
    picture, region pages, forecast, reports and cycle pages must fall back on neutral
    words, never the seed's."""
    doc = second_programme()
    for table in ("status_labels", "indicator_groups", "sections"):
        del doc[table]
    for key in ("milestone_annex_key", "milestone_annex_title", "milestone_annex_title_en"):
        del doc["programme"][key]
    doc["programme"].update(slug=BARE, name="Kaal programma 2028 (fictieve gegevens)")
    for m in doc["milestones"]:
        del m["statuses"]
    for i in doc["indicators"]:
        del i["group"]
    return doc


@pytest.fixture
def bare(db, tmp_path):
    path = tmp_path / f"{BARE}.json"
    path.write_text(json.dumps(bare_programme(), ensure_ascii=False))
    return import_programme(tables.read(path), actor="test").programme


# The neutral words a bare programme shows instead, per language.
NEUTRAL = {
    "nl": ["Afgerond", "Indicatoren", "Mijlpalen per regio"],
    "en": ["Completed", "Indicators", "Milestones per region"],
}


def _national_office(programme, django_user_model, name):
    user = django_user_model.objects.create_user(name)
    Role.objects.create(user=user, programme=programme, kind=Role.NATIONAL)
    return user


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_programme_without_wording_shows_neutral_words_on_every_page(
    demo, bare, lang, django_user_model
):
    from datetime import date

    from raak.programmes.status import open_round

    user = _national_office(bare, django_user_model, f"landelijk-kaal-{lang}")
    rnd = open_round(bare, slug="voorjaar-2028", name="Voorjaar 2028", peildatum=date(2028, 3, 1),
                     user=user)  # fmt: skip
    b = f"/{BARE}"
    for c in (client_in(lang), client_in(lang, user)):
        national = check_page(c, f"{b}/ronde/najaar-2027/", lang)
        for word in NEUTRAL[lang]:
            assert word in national, (lang, word)
        check_page(c, f"{b}/regio/noord/", lang)
        check_page(c, f"{b}/verwacht/", lang)
    c = client_in(lang, user)
    for url in (
        f"{b}/ronde/{rnd.slug}/",
        f"{b}/ronde/{rnd.slug}/regio/noord/rapportage/",
        f"{b}/ronde/{rnd.slug}/indieningen/",
        f"{b}/rapporten/",
        f"{b}/rapporten/najaar-2027/",
        f"{b}/rapporten/{rnd.slug}/regio/noord/",
    ):
        check_page(c, url, lang)
    # The submission page heads the indicators with the neutral group's name.
    page = visible(c.get(f"{b}/ronde/{rnd.slug}/regio/noord/rapportage/").content.decode())
    assert NEUTRAL[lang][1] in page


def test_a_programme_without_wording_reports_in_neutral_words(bare, tmp_path):
    """The report (HTML and PDF, from the standard template) and a region's report."""
    from pypdf import PdfReader

    from raak.reports import service

    rnd = bare.rounds.get(slug="najaar-2027")
    html = visible(service.make(rnd, "html")[0].decode())
    for word in ("Afgerond", "Indicatoren", "Indicatoren per regio: antwoorden per regio"):
        assert word in html, word
    found = [w for w in DEMO_WORDS["nl"] if w in html]
    assert not found, f"the report shows the demo's words {found}"
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(service.make(rnd, "pdf")[0])
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = re.sub(r"\\s+", " ", text)
    assert "Afgerond" in text and "Indicatoren" in text
    found = [w for w in DEMO_WORDS["nl"] if w in text]
    assert not found, f"the PDF shows the demo's words {found}"
    region = bare.regions.get(slug="noord")
    for fmt in ("html", "pdf"):
        content = service.make(rnd, fmt, region=region)[0]
        if fmt == "pdf":
            pdf.write_bytes(content)
            text = re.sub(r"\\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
        else:
            text = visible(content.decode())
        assert "Indicatoren" in text and "Afgerond" in text, fmt
        found = [w for w in DEMO_WORDS["nl"] if w in text]
        assert not found, f"the region's {fmt} shows the demo's words {found}"


def test_the_seed_report_keeps_its_words(demo):
    """The seed programme's report says its own words, from its rows."""
    from raak.reports import service, templates

    templates.load(demo, templates.DEMO_TEMPLATE)
    rnd = demo.rounds.get(slug="eindrapportage-2011")
    html = visible(service.make(rnd, "html")[0].decode())
    assert "gereed en/of in uitvoering, waarvan 2 gedeeltelijk" in html
    assert "X = gereed en/of in uitvoering" in html
    assert "Continuering na de programmaperiode: prognose per regio" in html


def test_a_report_in_english_mode_is_still_dutch(demo, people):
    """The report is Dutch whatever the interface language, the programme's words
    included."""
    from raak.reports import templates

    templates.load(demo, templates.DEMO_TEMPLATE)
    page = sign_in(client_in("en"), people["national"]).get(
        "/raak-2008-2010/rapporten/eindrapportage-2011/"
    )
    text = visible(page.content.decode())
    assert "gereed en/of in uitvoering" in text and "done and/or in progress" not in text


def test_migration_writes_the_old_words_into_programmes_without_rows(bare):
    """An existing database keeps what it showed: the data migration gives each
    programme without rows the words that were the defaults before (issue #22)."""
    from importlib import import_module

    from django.apps import apps

    from raak.programmes.models import Indicator, SectionName, StatusLabel

    migration = import_module("raak.programmes.migrations.0009_neutral_wording_defaults")
    assert not bare.status_labels.exists() and not bare.indicator_groups.exists()
    migration.keep_shown_words(apps, None)
    labels = dict(StatusLabel.objects.filter(programme=bare).values_list("status", "label"))
    assert labels["done"] == "gereed en/of in uitvoering" and len(labels) == 5
    assert set(SectionName.objects.filter(programme=bare).values_list("name", flat=True)) == {
        "Protocollen", "Netwerk", "Scholing"
    }  # fmt: skip
    indicator = Indicator.objects.get(programme=bare, key="contactpunt")
    assert indicator.group.name == "Continuering" and indicator.group.key == "bijlage-2"
    html = visible(Client().get(f"/{BARE}/ronde/najaar-2027/").content.decode())
    assert "gereed en/of in uitvoering" in html and "Continuering na de programmaperiode" in html
    # Run again (a programme that has rows): nothing more is written.
    migration.keep_shown_words(apps, None)
    assert StatusLabel.objects.filter(programme=bare).count() == 5
    assert bare.indicator_groups.count() == 1
