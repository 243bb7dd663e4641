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
