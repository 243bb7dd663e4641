"""Published pages are served from a cache for anonymous visitors (issue #12), and the
cache follows every change at once: publishing, a correction, and never a member's view."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from raak.programmes.models import MilestoneStatus
from raak.programmes.status import change_round_state, save_milestone_status
from tests.conftest import sign_in

P = "/raak-2008-2010"
R1 = "eindrapportage-2011"
SECRET = "GEHEIM-open-ronde"


def test_second_anonymous_visit_is_served_from_the_cache(demo):
    c = Client()
    first = c.get(f"{P}/ronde/{R1}/")
    assert first.status_code == 200 and "no-cache" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as ctx:
        again = c.get(f"{P}/ronde/{R1}/")
    assert again.content == first.content
    # The programme with its data version (and the cache itself, when it is a table).
    database_cache = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert len(ctx.captured_queries) <= 1 + database_cache
    assert c.get(f"{P}/ronde/{R1}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "url", [f"/ronde/{R1}/", "/regio/gouda/", "/verwacht/", "/activiteiten/", "/rapporten/"]
)
def test_every_public_page_is_cached_with_an_etag(knowledge, url):
    first = Client().get(P + url)
    assert first.status_code == 200 and first["ETag"]
    assert Client().get(P + url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_publishing_shows_at_once(demo, people, open_round):
    anonymous = Client()
    assert open_round.name not in anonymous.get(f"{P}/ronde/{R1}/").content.decode()
    change_round_state(open_round, "closed", user=people["national"])
    change_round_state(open_round, "published", user=people["national"], confirmed=True)
    assert open_round.name in anonymous.get(f"{P}/ronde/{R1}/").content.decode()
    assert anonymous.get(f"{P}/ronde/{open_round.slug}/").status_code == 200


def test_a_correction_shows_at_once(demo, people, open_round):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="werkplan"
    )
    change_round_state(open_round, "closed", user=people["national"])
    change_round_state(open_round, "published", user=people["national"], confirmed=True)
    url = f"{P}/regio/gouda/"
    before = Client().get(url).content.decode()
    assert "Gecorrigeerd door het landelijk bureau" not in before
    # The status service refuses a published round; a correction is a recorded change
    # all the same (here: reopening, changing, publishing again, each recorded).
    from raak.programmes.history import Recorder

    def recorded_state(state):
        recorder = Recorder(people["national"], programme=demo)
        recorder.update(open_round, {"state": state}, subject="ronde", round=open_round)
        recorder.flush()

    recorded_state("open")
    save_milestone_status(
        open_round, status.region, status.milestone, user=people["national"],
        expected_version=status.version, status=status.status, period="",
        note="Gecorrigeerd door het landelijk bureau",
    )  # fmt: skip
    # The public cache follows publication (issue 21): the open round's save alone
    # changes no public page; publishing the correction does, at once.
    recorded_state("published")
    assert "Gecorrigeerd door het landelijk bureau" in Client().get(url).content.decode()


def test_a_members_view_never_enters_or_leaves_the_cache(demo, people, open_round):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="werkplan"
    )
    save_milestone_status(
        open_round, status.region, status.milestone, user=people["coord_a"],
        expected_version=status.version, status=status.status, period="", note=SECRET,
    )  # fmt: skip
    url = f"{P}/regio/gouda/"
    member = sign_in(Client(), people["coord_a"])
    assert SECRET in member.get(url).content.decode()  # the member's page first…
    public = Client().get(url)
    assert SECRET not in public.content.decode()  # …never served to the public
    assert SECRET in member.get(url).content.decode()  # and the public one not to them
    assert "no-cache" not in member.get(url).get("Cache-Control", "")


def test_languages_are_cached_apart(demo):
    dutch = Client().get(f"{P}/ronde/{R1}/")
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(f"{P}/ronde/{R1}/")
    assert '<html lang="en"' in page.content.decode()
    assert '<html lang="nl"' in dutch.content.decode()
    assert dutch["ETag"] != page["ETag"]


def test_language_switch_is_a_link_that_stays_on_the_site(demo):
    c = Client()
    r = c.get("/taal/en/", {"next": f"{P}/ronde/{R1}/"})
    assert r.status_code == 302 and r["Location"] == f"{P}/ronde/{R1}/"
    assert c.cookies["django_language"].value == "en"
    assert c.get("/taal/en/", {"next": "https://evil.example.org/"})["Location"] == "/"
    assert c.get("/taal/xx/").status_code == 404


def test_the_shared_database_cache_follows_a_publication(demo, people, open_round):
    """Several app servers share CACHE_URL=db://: the same rules hold there."""
    shared = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "raak_cache_test"}}  # fmt: skip
    with override_settings(CACHES=shared):
        call_command("createcachetable", verbosity=0)
        anonymous = Client()
        first = anonymous.get(f"{P}/ronde/{R1}/")
        assert anonymous.get(f"{P}/ronde/{R1}/").content == first.content
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM raak_cache_test")
            # the page (whole and compressed), its map and its route summary
            assert cursor.fetchone()[0] == 4
        change_round_state(open_round, "closed", user=people["national"])
        change_round_state(open_round, "published", user=people["national"], confirmed=True)
        assert open_round.name in anonymous.get(f"{P}/ronde/{R1}/").content.decode()


def test_withdrawing_hides_at_once(demo, people, open_round):
    change_round_state(open_round, "closed", user=people["national"])
    change_round_state(open_round, "published", user=people["national"], confirmed=True)
    anonymous = Client()
    url = f"{P}/ronde/{open_round.slug}/"
    assert anonymous.get(url).status_code == 200
    assert open_round.name in anonymous.get(f"{P}/ronde/{R1}/").content.decode()
    change_round_state(
        open_round, "withdrawn", user=people["national"], reason="fout in de cijfers"
    )
    assert anonymous.get(url).status_code == 404
    assert open_round.name not in anonymous.get(f"{P}/ronde/{R1}/").content.decode()


def test_every_recorded_change_raises_the_version(demo, people, open_round):
    from raak.programmes.models import Programme

    before = Programme.objects.get(pk=demo.pk).data_version
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="werkplan"
    )
    save_milestone_status(
        open_round, status.region, status.milestone, user=people["coord_a"],
        expected_version=status.version, status=status.status, period="", note="nieuw",
    )  # fmt: skip
    assert Programme.objects.get(pk=demo.pk).data_version == before + 1


def test_downloads_are_not_served_from_the_page_cache(demo):
    first = Client().get(f"{P}/verwacht.csv")
    again = Client().get(f"{P}/verwacht.csv")
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert "ETag" not in again


def test_a_guessed_etag_without_a_stored_page_is_no_304(demo):
    page = Client().get(f"{P}/ronde/{R1}/")
    from django.core.cache import cache

    cache.clear()
    assert Client().get(f"{P}/ronde/{R1}/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200


def test_the_map_of_an_open_round_follows_each_change_for_the_national_office(
    demo, people, open_round
):
    """The rendered map is cached per round and data version, for members too: a
    coordinator's change is on the national office's map at the next request."""
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="werkplan"
    )
    national = sign_in(Client(), people["national"])
    url = f"{P}/ronde/{open_round.slug}/?kaart=werkplan"
    before = national.get(url).content.decode()
    assert 'aria-label="Gouda: niet gestart"' not in before
    assert "private" in national.get(url)["Cache-Control"]
    save_milestone_status(
        open_round, status.region, status.milestone, user=people["coord_a"],
        expected_version=status.version, status="not_started", period="", note="",
    )  # fmt: skip
    assert 'aria-label="Gouda: niet gestart"' in national.get(url).content.decode()
    # The open round's map never reaches anyone else, whatever is in the cache.
    assert Client().get(url).status_code == 404
    outsider = sign_in(Client(), people["coord_b"])
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{P}/ronde/{open_round.slug}/kaarten/?kaart=werkplan").status_code == 404


def test_the_public_map_shows_a_publication_and_a_withdrawal_at_once(demo, people, open_round):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="werkplan"
    )
    save_milestone_status(
        open_round, status.region, status.milestone, user=people["coord_a"],
        expected_version=status.version, status="not_started", period="", note="",
    )  # fmt: skip
    map_page = f"{P}/ronde/{open_round.slug}/kaarten/?kaart=werkplan"
    anonymous = Client()
    assert anonymous.get(map_page).status_code == 404
    change_round_state(open_round, "closed", user=people["national"])
    change_round_state(open_round, "published", user=people["national"], confirmed=True)
    page = anonymous.get(map_page)
    assert 'aria-label="Gouda: niet gestart"' in page.content.decode()
    assert anonymous.get(map_page).content == page.content  # now from the cache
    change_round_state(open_round, "withdrawn", user=people["national"], reason="fout")
    assert anonymous.get(map_page).status_code == 404


def test_a_browser_that_takes_gzip_gets_the_page_compressed_once(demo):
    import gzip

    url = f"{P}/ronde/{R1}/"
    plain = Client().get(url)
    packed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    again = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 4 < len(plain.content)
    assert again.content == packed.content  # stored compressed, not compressed per request
    assert "Accept-Encoding" in packed["Vary"] and "Cookie" in packed["Vary"]
    assert packed["ETag"] != plain["ETag"]
    revalidate = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert revalidate.status_code == 304
    # The plain representation's tag does not stand for the compressed one.
    other = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert other.status_code == 200


def test_unknown_parameters_are_served_but_never_stored(demo):
    # `?x=1`, `?x=2`, ... must not each take a cache entry and push out the real pages.
    from django.core.cache import cache

    cache.clear()
    page = f"{P}/ronde/{R1}/"
    Client().get(page)
    stored = len(getattr(cache, "_cache", {})) if hasattr(cache, "_cache") else None
    for n in range(5):
        response = Client().get(f"{page}?x={n}")
        assert response.status_code == 200 and "ETag" not in response
    if stored is not None:  # the memory cache can be counted
        assert len(cache._cache) == stored


def test_parameter_order_shares_one_entry(knowledge):
    url = f"{P}/activiteiten/"
    first = Client().get(f"{url}?regio=gouda&thema=preventie")
    again = Client().get(f"{url}?thema=preventie&regio=gouda")
    assert first["ETag"] == again["ETag"]
