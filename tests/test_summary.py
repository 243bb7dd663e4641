import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run_summary(*args):
    out = StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


def categories(data, key):
    item = next(i for i in data["items"] if i["key"] == key)
    return {c["key"]: (c["count"], c["percent"]) for c in item["categories"]}


def test_summary_gives_the_seed_figures(demo):
    data = json.loads(run_summary("--format", "json"))
    assert data["programme"] == "raak-2008-2010"
    assert data["round"] == "eindrapportage-2011"
    assert data["peildatum"] == "2011-01-15"
    assert data["regions"] == 37

    # Summary and chapter 1: werkplan 36 (97%), protocol 29 (78%) of which 2 partial,
    # scholingsplan 36 (97%); intentieverklaring, coordinator, startfoto, eindfoto: all.
    assert categories(data, "werkplan")["done"] == (36, 97.3)
    protocol = categories(data, "handelingsprotocol")
    assert protocol["done"] == (27, 73.0)
    assert protocol["partial"] == (2, 5.4)
    assert protocol["expected"] == (8, 21.6)
    assert protocol["done"][0] + protocol["partial"][0] == 29  # 78.4 %
    assert categories(data, "scholingsplan")["done"] == (36, 97.3)
    for key in ("intentieverklaring", "regiocoordinator", "startfoto", "eindfoto"):
        assert categories(data, key)["done"] == (37, 100.0)

    # §4.3 and Bijlage 2.
    coordinator = categories(data, "regiocoordinator-na-2010")
    assert coordinator["yes"] == (26, 70.3)
    assert coordinator["delegated"] == (5, 13.5)
    assert coordinator["no"] == (6, 16.2)
    assert coordinator["unknown"] == (0, 0.0)
    stuurgroep = categories(data, "stuurgroep-na-2010")
    assert stuurgroep["yes"] == (36, 97.3)
    assert stuurgroep["no"] == (0, 0.0)
    assert stuurgroep["unknown"] == (1, 2.7)


def test_every_item_adds_up_to_all_regions(demo):
    data = json.loads(run_summary("--format", "json"))
    for item in data["items"]:
        assert sum(c["count"] for c in item["categories"]) == 37, item["key"]


def test_summary_csv_and_text(demo):
    rows = run_summary("--format", "csv").splitlines()
    assert rows[0] == "kind,key,label,category,category_label,count,percent,regions"
    assert (
        "milestone,handelingsprotocol,Regionaal handelingsprotocol,partial,gedeeltelijk,2,5.4,37"
        in rows
    )
    text = run_summary("--format", "text")
    assert "37 regio's" in text and "97,3%" in text


def test_summary_refuses_unknown_round(demo):
    with pytest.raises(CommandError, match="bestaat niet"):
        run_summary("--round", "nope")


def test_summary_without_programmes(db):
    with pytest.raises(CommandError, match="kies een programma"):
        run_summary()


def test_summary_without_round_takes_the_newest_published_round_and_says_which(demo, open_round):
    """An open (newer) round is not what `raak summary` shows by default (issue #22)."""
    out, err = StringIO(), StringIO()
    call_command("summary", "--format", "json", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["round"] == "eindrapportage-2011"
    assert "Ronde eindrapportage-2011" in err.getvalue()
    assert "nieuwste gepubliceerde ronde" in err.getvalue()
    # Asked for by name, the open round is summarised.
    assert json.loads(run_summary("--round", open_round.slug, "--format", "json"))["round"] == (
        open_round.slug
    )


def test_summary_without_a_published_round_says_so(demo):
    from raak.programmes.models import Round

    Round.objects.filter(programme=demo).update(state=Round.CLOSED)
    with pytest.raises(CommandError, match="nog geen gepubliceerde ronde; kies een ronde met"):
        run_summary()
