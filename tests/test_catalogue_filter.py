"""The catalogue's one filter (knowledge.views.catalogue_filter): the catalogue page and
the API's list of activities give the same activities for the same filter."""

import pytest
from django.core.cache import cache
from django.test import Client

from raak.knowledge.models import Activity

P = "/raak-2008-2010"
API = f"/api/v1/programmes{P}/activities"


def page_keys(client, **filters):
    """Every activity the catalogue page lists, over all its pages."""
    params = {"q": filters.get("q", ""), "thema": filters.get("theme", ""),
              "regio": filters.get("region", ""), "provincie": filters.get("province", "")}  # fmt: skip
    keys, n, pages = [], 1, 1
    while n <= pages:
        cache.clear()  # public pages are cached; the context is what is compared
        page = client.get(f"{P}/activiteiten/", {**params, "pagina": n}).context["page"]
        pages = page.paginator.num_pages
        keys += [a.key for a in page]
        n += 1
    return keys


def api_keys(client, **filters):
    keys, n, pages = [], 1, 1
    while n <= pages:
        body = client.get(API, {**filters, "page": n, "pageSize": 100}).json()
        pages = -(-body["count"] // 100) or 1
        keys += [item["key"] for item in body["items"]]
        n += 1
    return keys


@pytest.mark.django_db
def test_page_and_api_give_the_same_activities_for_the_same_filter(knowledge):
    gouda = knowledge.regions.get(slug="gouda")
    # One activity covering a province as a whole, outside any of its regions.
    whole = Activity.objects.exclude(regions__province_code="PV28").first()
    whole.province_codes = ["PV28"]
    whole.save()
    sub = knowledge.themes.filter(parent__isnull=False).first()
    cases = [
        {}, {"theme": sub.key}, {"theme": sub.parent.key}, {"region": gouda.slug},
        {"province": "PV28"}, {"province": gouda.province_code},
        {"theme": sub.parent.key, "province": "PV28"}, {"region": gouda.slug, "q": "meldcode"},
        {"q": "scholing"}, {"q": "meldcode", "province": "PV28"}, {"region": "geen-regio"},
        {"theme": "geen-thema"},
    ]  # fmt: skip
    client = Client()
    found = 0
    for filters in cases:
        on_page, in_api = page_keys(client, **filters), api_keys(client, **filters)
        # The same activities in the same (catalogue) order.
        assert on_page == in_api, filters
        found += bool(on_page)
    assert found >= 9  # the cases select something, apart from the unknown ones
    assert whole.key in page_keys(client, province="PV28")
