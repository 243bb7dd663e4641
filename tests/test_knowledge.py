"""The knowledge base: Bijlage 3 and chapter 2 transcribed, searched and shown."""

import json
from collections import Counter

import pytest
from django.test import Client

from raak.knowledge.loading import load_action_points, load_activities
from raak.knowledge.models import ActionPoint, Activity
from raak.knowledge.search import search
from raak.programmes.tables import FormatError
from tests.conftest import KNOWLEDGE

P = "/raak-2008-2010"

# Counted by hand in the seed, Bijlage 3: the bullets (•) under each sub-theme heading,
# page footers (• • • NN • • •) not counted; Fatale kindermishandeling has one paragraph
# and no bullet. 108 in all.
PER_SUBTHEME = {
    "preventie": 8, "screening": 10, "meldcodes": 15, "scholing": 21, "zorgaanbod": 4,
    "fatale-kindermishandeling": 1, "handelingsprotocollen": 23,
    "netwerk-aandachtsfunctionarissen": 3, "borging": 14, "onderwijs": 4, "communicatie": 5,
}  # fmt: skip

# Counted by hand from the "(Regio)" at the end of each activity; an activity naming two
# regions counts for both; "Noord-Holland" (twice) names no region, "Provincie NH en
# Stadsregio Amsterdam" counts for Amsterdam, "Heerlen en provincie Limburg" for Heerlen,
# the one Zaanstad activity without brackets for Zaanstad.
PER_REGION = {
    "alkmaar": 1, "almere": 2, "amersfoort": 4, "amsterdam": 2, "apeldoorn": 2, "arnhem": 3,
    "arnhem-achterhoek": 2, "breda": 2, "delft": 1, "den-bosch": 2, "den-haag": 3,
    "den-helder": 5, "dordrecht": 4, "ede": 1, "eindhoven": 4, "emmen": 6, "enschede": 1,
    "gouda": 7, "groningen": 2, "haarlem": 5, "heerlen": 2, "helmond": 3, "hilversum": 3,
    "leeuwarden": 2, "leiden": 5, "maastricht": 2, "nijmegen": 5, "rotterdam": 5,
    "spijkenisse": 2, "tilburg": 2, "utrecht": 4, "venlo": 4, "vlaardingen": 4,
    "vlissingen": 4, "zaanstad": 4, "zwolle-ijsselland": 1, "zwolle-noord-veluwe": 2,
}  # fmt: skip

# Chapter 2.1: the numbered points per region (the highest number printed); regions
# with "Nieuw/voorgenomen actiepunt" (singular) or an unnumbered paragraph have one;
# Leiden has "Idem als Gouda". 26 regions, 63 points.
ACTION_POINTS = {
    "alkmaar": 2, "almere": 1, "amersfoort": 4, "amsterdam": 1, "apeldoorn": 3, "arnhem": 1,
    "breda": 1, "den-bosch": 3, "den-haag": 5, "den-helder": 3, "eindhoven": 7, "enschede": 3,
    "gouda": 1, "groningen": 1, "haarlem": 3, "heerlen": 2, "helmond": 2, "leiden": 1,
    "nijmegen": 4, "rotterdam": 4, "spijkenisse": 1, "venlo": 1, "vlaardingen": 3,
    "vlissingen": 3, "zaanstad": 2, "zwolle-noord-veluwe": 1,
}  # fmt: skip


def test_every_activity_of_bijlage_3_is_there(knowledge):
    assert Activity.objects.count() == 108
    assert dict(Counter(Activity.objects.values_list("theme__key", flat=True))) == PER_SUBTHEME
    regions = Counter(slug for a in Activity.objects.prefetch_related("regions") for slug in
                      (r.slug for r in a.regions.all()))  # fmt: skip
    assert dict(regions) == PER_REGION
    fatal = Activity.objects.get(theme__key="fatale-kindermishandeling")
    assert fatal.description.startswith("Vanuit de forensische dienst van de GGD Midden-Holland")
    assert [r.slug for r in fatal.regions.all()] == ["gouda"]
    breda = Activity.objects.get(key="b3-001")
    assert breda.description.startswith("De regio Breda heeft het project Samen Starten.")
    assert "(Breda)" not in breda.description and breda.region_label == "Breda"


def test_every_action_point_of_chapter_2_is_there(knowledge):
    counts = Counter(ActionPoint.objects.values_list("region__slug", flat=True))
    assert dict(counts) == ACTION_POINTS
    assert sum(counts.values()) == 63 and len(counts) == 26
    leiden = ActionPoint.objects.get(region__slug="leiden")
    gouda = ActionPoint.objects.get(region__slug="gouda")
    assert leiden.text == gouda.text and "Idem als Gouda" in leiden.note
    eindhoven = ActionPoint.objects.filter(region__slug="eindhoven")
    assert eindhoven.get(number=7).text == "Aandacht voor kindermishandeling ‘warm houden’."


@pytest.mark.parametrize(
    "query,expected",
    [
        ("coördinator", "b3-061"),  # with diacritics ...
        ("coordinator", "b3-061"),  # ... and without
        ("Signs of Safety", "b3-041"),
        ("zwangere", "b3-013"),
    ],
)
def test_search_handles_dutch_with_and_without_diacritics(knowledge, query, expected):
    found = set(search(Activity.objects.all(), query).values_list("key", flat=True))
    assert expected in found


def test_search_for_nothing_finds_everything_and_nonsense_finds_nothing(knowledge):
    assert search(Activity.objects.all(), "  ").count() == 108
    assert search(Activity.objects.all(), "xyzzyplugh").count() == 0


def test_search_index_follows_changes(knowledge):
    a = Activity.objects.get(key="b3-001")
    a.description += " Een uniek woord: zeppelinhaven."
    a.save()
    assert list(search(Activity.objects.all(), "zeppelinhaven").values_list("key", flat=True)) == [
        "b3-001"
    ]
    a.delete()
    assert search(Activity.objects.all(), "zeppelinhaven").count() == 0


def test_catalogue_filters(knowledge):
    c = Client()
    page = c.get(f"{P}/activiteiten/", {"q": "meldcode", "regio": "dordrecht"})
    keys = [a.key for a in page.context["page"]]
    assert keys and all(
        "dordrecht" in [r.slug for r in a.regions.all()] for a in page.context["page"]
    )
    assert c.get(f"{P}/activiteiten/", {"thema": "onderwijs"}).context["total"] == 4
    assert c.get(f"{P}/activiteiten/", {"thema": "beleid"}).context["total"] == 49
    # Province: regions in Noord-Holland plus the two activities for the whole province.
    nh = c.get(f"{P}/activiteiten/", {"provincie": "PV27"}).context["total"]
    assert nh == len({a.id for a in Activity.objects.filter(regions__province_code="PV27")} |
                     {a.id for a in Activity.objects.all() if "PV27" in a.province_codes})  # fmt: skip


def test_public_pages(knowledge):
    c = Client()
    assert c.get(f"{P}/activiteiten/").status_code == 200
    assert "Samen Starten" in c.get(f"{P}/activiteiten/b3-001/").content.decode()
    assert c.get(f"{P}/activiteiten/bestaat-niet/").status_code == 404
    page = c.get(f"{P}/actiepunten/", {"regio": "eindhoven"})
    assert page.context["total"] == 7
    assert c.get(f"{P}/actiepunten/").context["total"] == 63


def test_a_broken_activities_file_changes_nothing(knowledge, tmp_path):
    doc = json.loads((KNOWLEDGE / "activities-2008-2010.json").read_text())
    doc["activities"][5]["regions"] = ["atlantis"]
    doc["activities"][9]["title"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError) as e:
        load_activities(path)
    found = {(p.row, p.column) for p in e.value.problems}
    assert found == {("activities[5]", "regions"), ("activities[9]", "title")}
    assert Activity.objects.count() == 108


def test_a_broken_action_points_file_changes_nothing(knowledge, tmp_path):
    doc = json.loads((KNOWLEDGE / "action-points-2011.json").read_text())
    doc["action_points"][0]["planned_start"] = "ooit"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError, match="action_points\\[0\\], kolom planned_start"):
        load_action_points(path)
    assert ActionPoint.objects.count() == 63


@pytest.mark.parametrize("kind", ["activities", "action-points"])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_import_export_is_identical(knowledge, tmp_path, kind, fmt):
    from io import StringIO

    from django.core.management import call_command

    def export(out):
        call_command("export", kind, "--format", fmt, "--output", str(out), stdout=StringIO())
        return {p.name: p.read_bytes() for p in out.iterdir()}

    first = export(tmp_path / "first")
    Activity.objects.all().delete()
    ActionPoint.objects.all().delete()
    source = tmp_path / "first"
    path = source if fmt == "csv" else next(source.iterdir())
    call_command("import", kind, str(path), stdout=StringIO())
    assert export(tmp_path / "second") == first


def test_shipped_activities_file_equals_its_export(knowledge, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    call_command("export", "activities", "--output", str(tmp_path), stdout=StringIO())
    exported = json.loads((tmp_path / "activities-raak-2008-2010.json").read_text())
    assert exported == json.loads((KNOWLEDGE / "activities-2008-2010.json").read_text())
