"""The catalogue counts at most CappedPaginator.CAP matches and reads pages in catalogue
order from an index (issue #12: search under 50 ms at 100,000 activities)."""

from django.test import Client

from raak.knowledge.models import Activity, catalogue_order_of
from raak.knowledge.views import CappedPaginator

P = "/raak-2008-2010"


def test_broad_search_says_more_than_the_cap(knowledge, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    page = Client().get(f"{P}/activiteiten/", {"q": "meldcode"})
    assert page.context["capped"] and page.context["total"] == 5
    assert "Meer dan 5 activiteiten" in page.content.decode()
    assert len(page.context["page"]) == 5  # the first CAP results, no more
    assert page.context["page"].paginator.num_pages == 1


def test_narrow_search_counts_exactly(knowledge):
    page = Client().get(f"{P}/activiteiten/", {"q": "meldcode", "regio": "dordrecht"})
    assert not page.context["capped"]
    assert "Meer dan" not in page.content.decode()


def test_results_come_in_catalogue_order(knowledge):
    shown = list(Client().get(f"{P}/activiteiten/").context["page"])
    keys = [(a.theme.parent.position if a.theme.parent else a.theme.position,
             a.theme.position if a.theme.parent else -1, a.key) for a in shown]  # fmt: skip
    assert keys == sorted(keys)


def test_catalogue_order_follows_the_theme(knowledge):
    activity = Activity.objects.filter(theme__parent__isnull=False).first()
    assert activity.catalogue_order == catalogue_order_of(activity.theme)
    other = (
        Activity.objects.exclude(theme=activity.theme).filter(theme__parent__isnull=False).first()
    )
    activity.theme = other.theme
    activity.save()
    activity.refresh_from_db()
    assert activity.catalogue_order == other.catalogue_order


def _reference(terms):
    """The catalogue's matches computed in Python: every term starts a word."""
    import re

    from raak.knowledge.models import normalise

    def hit(activity):
        found = re.findall(r"[^\W_]+", activity.search_text)
        return all(any(w.startswith(normalise(t)) for w in found) for t in terms)

    return [a.key for a in Activity.objects.filter(programme__slug=P[1:]) if hit(a)]


def _pages(client, q, pages):
    from django.core.cache import cache

    keys = []
    for n in range(1, pages + 1):
        cache.clear()  # the same URL again: the search must run, not the page cache
        keys += [
            a.key for a in client.get(f"{P}/activiteiten/", {"q": q, "pagina": n}).context["page"]
        ]
    return keys


def test_walking_the_catalogue_order_and_reading_the_list_agree(knowledge, monkeypatch):
    """SQLite reads a dense query's page by testing rows in catalogue order, a sparse
    one from the list of matches: both give the same pages (issue #12)."""
    from django.db import connection

    from raak.knowledge import search, views

    monkeypatch.setattr(CappedPaginator, "CAP", 6)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    client = Client()
    monkeypatch.setattr(search, "WALK_PROBES", 10**9)  # always walk
    walked = _pages(client, "meldcode", 2)
    monkeypatch.setattr(search, "WALK_PROBES", 1)  # never walk
    listed = _pages(client, "meldcode", 2)
    assert walked == listed and len(walked) == 6
    if connection.vendor == "sqlite":  # PostgreSQL stems in Dutch instead
        assert walked == _reference(["meldcode"])[:6]


def test_the_count_is_exact_below_the_cap_and_says_more_above_it(knowledge, monkeypatch):
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "sqlite":
        return  # prefix semantics below; PostgreSQL stems in Dutch
    expected = _reference(["meld"])
    page = Client().get(f"{P}/activiteiten/", {"q": "meld"})
    assert not page.context["capped"] and page.context["total"] == len(expected) > 5
    assert [a.key for a in page.context["page"]] == expected[:25]
    monkeypatch.setattr(CappedPaginator, "CAP", len(expected) - 1)
    cache.clear()
    page = Client().get(f"{P}/activiteiten/", {"q": "meld"})
    assert page.context["capped"] and page.context["total"] == len(expected) - 1


def test_a_prefix_finds_every_word_it_starts(knowledge):
    """Words are matched as prefixes ("signal" finds "signaleren" and "signalering")."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    page = Client().get(f"{P}/activiteiten/", {"q": "signal scholing"})
    assert [a.key for a in page.context["page"]] == _reference(["signal", "scholing"])[:25]
    assert Client().get(f"{P}/activiteiten/", {"q": "zzzgeenwoord"}).context["total"] == 0


def test_a_filtered_page_is_the_same_walked_or_listed(knowledge, monkeypatch):
    from raak.knowledge import search, views

    first = Activity.objects.filter(programme__slug=P[1:], key=_reference(["meldcode"])[0]).get()
    rubric = (first.theme.parent or first.theme).key
    monkeypatch.setattr(CappedPaginator, "CAP", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(search, "PAGE_SIZE", 1)
    client = Client()
    got = []
    for probes in (10**9, 1):  # always walk, never walk
        monkeypatch.setattr(search, "WALK_PROBES", probes)
        from django.core.cache import cache

        cache.clear()
        page = client.get(f"{P}/activiteiten/", {"q": "meldcode", "thema": rubric})
        got.append([a.key for a in page.context["page"]])
    assert got[0] == got[1] and len(got[0]) == 1
    from django.db import connection

    if connection.vendor == "sqlite":  # PostgreSQL stems in Dutch instead of prefixes
        assert got[0] == [first.key]


def test_odd_page_numbers_are_no_error(knowledge, monkeypatch):
    # "²" is a digit to str.isdigit() but not to int(); a huge number once reached
    # SQLite as a LIMIT too large for it (only when more than CAP rows match).
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    for number in ("²", "10" * 20, "-1", "0", "x"):
        for query in ({}, {"q": "meldcode"}):
            page = Client().get(f"{P}/activiteiten/", {**query, "pagina": number})
            assert page.status_code == 200, (number, query)


def test_a_nul_character_in_a_filter_is_a_bad_request(knowledge):
    # PostgreSQL refuses NUL in text: these filters were a server error there.
    for url in (
        f"{P}/activiteiten/?thema=%00", f"{P}/activiteiten/?provincie=a%00",
        f"{P}/activiteiten/?regio=%00", f"{P}/verwacht/?ronde=%00",
    ):  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()
        assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert Client().get(f"{P}/activiteiten/?thema=").status_code == 200
    api = Client().get(
        "/api/v1/programmes/raak-2008-2010/regions?region=%00", HTTP_ACCEPT="application/json"
    )
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"


def _filter_reference(terms, theme="", region="", province=""):
    """The catalogue's filtered results computed in Python from the models (on
    PostgreSQL the matches of the Dutch stemmer over all activities, unfiltered)."""
    from django.db import connection

    from raak.knowledge.search import search

    if terms and connection.vendor == "postgresql":
        matched = search(Activity.objects.filter(programme__slug=P[1:]), " ".join(terms))
        keys = set(matched.values_list("key", flat=True))
    else:
        keys = set(_reference(terms)) if terms else None
    found = []
    for a in Activity.objects.filter(programme__slug=P[1:]).select_related("theme__parent"):
        regions = list(a.regions.all())
        if keys is not None and a.key not in keys:
            continue
        if theme and theme not in (a.theme.key, a.theme.parent and a.theme.parent.key):
            continue
        if region and region not in [r.slug for r in regions]:
            continue
        if province and not (
            province in a.province_codes or province in [r.province_code for r in regions]
        ):
            continue
        found.append(a.key)
    return found


def test_filtered_results_equal_a_python_reference(knowledge, monkeypatch):
    """Every filter, alone, combined and with a query, on each path of the search
    (a theme as a list or tested per row; own provinces as ids or as a subquery)."""
    from django.core.cache import cache
    from django.db import connection

    from raak.knowledge import search, views
    from raak.programmes.models import Region

    activities = Activity.objects.filter(programme__slug=P[1:])
    region = Region.objects.filter(programme__slug=P[1:]).exclude(province_code="").first()
    other = Region.objects.filter(programme__slug=P[1:]).exclude(
        province_code__in=["", region.province_code]
    )[0]
    # An activity for a whole province it has no region in.
    whole = activities.exclude(regions__province_code=other.province_code).first()
    whole.province_codes = [other.province_code]
    whole.save()
    themed = activities.filter(theme__parent__isnull=False).first().theme
    cases = [
        {"thema": themed.key}, {"thema": themed.parent.key}, {"regio": region.slug},
        {"provincie": other.province_code}, {"provincie": region.province_code},
        {"thema": themed.parent.key, "provincie": other.province_code},
        {"regio": region.slug, "thema": themed.parent.key}, {"regio": "geen-regio"},
        {"thema": "geen-thema"},
    ]  # fmt: skip
    queries = [""] + (["meldcode", "school", "a"] if connection.vendor == "sqlite" else [])
    if connection.vendor == "postgresql":  # the count with filters as arrays
        queries += ["meldcode", "scholing"]
    monkeypatch.setattr(CappedPaginator, "CAP", 10**6)
    client = Client()
    checked = 0
    for theme_limit, own_limit in ((10**6, 10**6), (1, 1)):
        monkeypatch.setattr(search, "THEME_LIST_LIMIT", theme_limit)
        monkeypatch.setattr(views, "OWN_PROVINCE_IDS", own_limit)
        for filters in cases:
            for q in queries:
                cache.clear()
                pages, shown = 1, []
                n = 1
                while n <= pages:
                    page = client.get(f"{P}/activiteiten/", {"q": q, **filters, "pagina": n})
                    pages = page.context["page"].paginator.num_pages
                    shown += [a.key for a in page.context["page"]]
                    n += 1
                expected = _filter_reference(
                    q.split(), filters.get("thema", ""), filters.get("regio", ""),
                    filters.get("provincie", ""),
                )  # fmt: skip
                assert sorted(shown) == sorted(expected), (filters, q)
                assert page.context["total"] == len(expected), (filters, q)
                checked += bool(expected)
    assert whole.key in _filter_reference([], province=other.province_code)
    assert checked > 10  # most cases find something: the comparison is not vacuous


def test_a_prefix_expands_to_exactly_the_words_of_the_index(knowledge, monkeypatch):
    """The expansion steps through the index's vocabulary one word at a time (issue #12):
    it must give every word with the prefix, no other, and a deleted activity's words
    no longer."""
    import re

    from django.db import connection

    from raak.knowledge import search

    if connection.vendor != "sqlite":
        return

    def words_in_the_activities():
        found = set()
        for text in Activity.objects.values_list("search_text", flat=True):
            found.update(re.findall(r"[^\W_]+", text))
        return found

    monkeypatch.setattr(search, "MAX_EXPANSION", 10_000)
    vocabulary = words_in_the_activities()
    for prefix in ("s", "meld", "ver", "zzz"):
        expected = sorted(w for w in vocabulary if w.startswith(prefix))
        match = search.sqlite_match([prefix])
        if not expected:
            assert match is None
            continue
        assert match == "(" + " OR ".join(f'"{w}"' for w in expected) + ")"
    monkeypatch.setattr(search, "MAX_EXPANSION", 2)
    assert search.sqlite_match(["s"]) == '"s"*'  # too many words: FTS5's own prefix query
    # A word only one activity has is gone from the expansion once that activity is.
    lonely = Activity.objects.first()
    lonely.description += " xyzzywoord"
    lonely.save()
    assert search.sqlite_match(["xyzzy"]) == '("xyzzywoord")'
    lonely.delete()
    assert search.sqlite_match(["xyzzy"]) is None


def test_a_deep_page_read_near_the_start_equals_the_whole_list(knowledge, monkeypatch):
    """SQLite reads a deep page from the matches among the first activities of the
    catalogue order when those hold the page (issue #12): the same pages as the whole
    list of matches, with a filter too, and falling back to that list when needed."""
    from django.db import connection

    from raak.knowledge import search
    from raak.knowledge.models import Theme, normalise

    if connection.vendor != "sqlite":
        return
    theme = Theme.objects.filter(programme__slug=P[1:], parent__isnull=False).last()
    Activity.objects.bulk_create(
        Activity(programme=theme.programme, key=f"fictief-{i:04d}", theme=theme,
                 title=f"Fictieve meldcode {i}", description="Fictieve gegevens.",
                 search_text=normalise(f"Fictieve meldcode {i} Fictieve gegevens."),
                 catalogue_order=catalogue_order_of(theme))
        for i in range(600)
    )  # fmt: skip
    monkeypatch.setattr(CappedPaginator, "CAP", 100)
    monkeypatch.setattr(search, "WALK_PROBES", 1)  # never walk: the list or its start
    used = []
    near = search._listed_near_the_start

    def spy(*args):
        found = near(*args)
        used.append(found is not None)
        return found

    client = Client()
    region = Activity.objects.filter(regions__isnull=False).first().regions.first()
    for filters in ({}, {"thema": theme.key}, {"regio": region.slug}):
        monkeypatch.setattr(search, "_listed_near_the_start", spy)
        pages = [_page(client, filters, n) for n in range(1, 5)]
        assert filters or [len(p) for p in pages] == [25] * 4
        monkeypatch.setattr(search, "_listed_near_the_start", lambda *args: None)
        assert pages == [_page(client, filters, n) for n in range(1, 5)], filters
    assert any(used) and not all(used)  # both ways were taken


def _page(client, filters, n):
    from django.core.cache import cache

    cache.clear()
    page = client.get(f"{P}/activiteiten/", {"q": "meldcode", **filters, "pagina": n})
    return [a.key for a in page.context["page"]]
