"""Members' views of the national picture keep its body in the fragment cache (issue
#12 goal 2): keyed by the data version and by what the viewer may see, so a change shows
at once and a member's body never reaches a viewer who may see less."""

import re

from django.test import Client

from raak.programmes.models import MilestoneStatus
from raak.programmes.status import save_milestone_status
from tests.conftest import sign_in

P = "/raak-2008-2010"
PUBLISHED = "eindrapportage-2011"


def main(response):
    assert response.status_code == 200
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_a_change_in_the_open_round_shows_at_once_to_the_national_office(people, open_round):
    national = sign_in(Client(), people["national"])
    url = f"{P}/ronde/{open_round.slug}/"
    before = main(national.get(url))
    assert main(national.get(url)) == before  # the same body, now from the cache
    for s in MilestoneStatus.objects.filter(round=open_round).exclude(status="done")[:3]:
        save_milestone_status(
            open_round, s.region, s.milestone, user=people["national"],
            expected_version=s.version, status=MilestoneStatus.DONE, period="", note="",
        )  # fmt: skip
    after = main(national.get(url))
    assert after != before


def test_the_national_office_body_never_reaches_a_visitor_who_sees_fewer_rounds(people, open_round):
    url = f"{P}/ronde/{PUBLISHED}/"
    national = main(sign_in(Client(), people["national"]).get(url))
    # The national office's round list names the open round; the cached body says so.
    assert open_round.name in national
    for visitor in (Client(), sign_in(Client(), people["coord_a"])):
        assert open_round.name not in main(visitor.get(url))
    # And the other way round: the public body first, then the national office's.
    assert open_round.name in main(sign_in(Client(), people["national"]).get(url))


def test_a_coordinator_cannot_reach_the_open_round_from_a_cached_body(people, open_round):
    sign_in(Client(), people["national"]).get(f"{P}/ronde/{open_round.slug}/")
    assert Client().get(f"{P}/ronde/{open_round.slug}/").status_code == 404


# --- a region's page and the status form (open-round pages of a coordinator) ---------

REGION = f"{P}/regio/gouda/"


def status_url(rnd, key="werkplan"):
    return f"{P}/ronde/{rnd.slug}/regio/gouda/mijlpaal/{key}/"


def test_a_coordinators_region_page_shows_a_change_at_once(people, open_round):
    coordinator = sign_in(Client(), people["coord_a"])
    before = main(coordinator.get(REGION))
    assert main(coordinator.get(REGION)) == before  # the same body, now from the cache
    s = MilestoneStatus.objects.get(round=open_round, region__slug="gouda",
                                    milestone__key="werkplan")  # fmt: skip
    save_milestone_status(
        open_round, s.region, s.milestone, user=people["national"],
        expected_version=s.version, status=s.status, period="", note="door het landelijk bureau",
    )  # fmt: skip
    after = main(coordinator.get(REGION))
    assert "door het landelijk bureau" in after and "door het landelijk bureau" not in before
    # The change log, a fragment of its own, shows the change too.
    assert after.count("national") > before.count("national")


def test_a_region_body_never_reaches_a_viewer_who_may_see_or_do_less(people, open_round):
    edit_link = f'href="{status_url(open_round)}"'
    coordinator = main(sign_in(Client(), people["coord_a"]).get(REGION))
    assert open_round.name in coordinator and edit_link in coordinator
    # Read-only member of the region: the open round, but no links to change it.
    viewer = main(sign_in(Client(), people["viewer_a"]).get(REGION))
    assert open_round.name in viewer and edit_link not in viewer
    # Another region's coordinator and an anonymous visitor: published rounds only.
    for outsider in (sign_in(Client(), people["coord_b"]), Client()):
        body = main(outsider.get(REGION))
        assert open_round.name not in body and edit_link not in body
        assert 'id="changes"' not in body
    # And the other way round: the outsider's body first, the coordinator's after.
    assert edit_link in main(sign_in(Client(), people["coord_a"]).get(REGION))


def test_a_new_team_member_shows_at_once_though_the_body_is_cached(people, open_round):
    from raak.accounts.models import Role

    coordinator = sign_in(Client(), people["coord_a"])
    assert "nieuw-lid" not in main(coordinator.get(REGION))
    newcomer = type(people["coord_a"]).objects.create_user("nieuw-lid")
    Role.objects.create(user=newcomer, programme=open_round.programme,
                        region=people["coord_a"].roles.get().region, kind=Role.OFFICER)  # fmt: skip
    assert "nieuw-lid" in main(coordinator.get(REGION))


def test_the_status_form_shows_the_stored_status_at_once(people, open_round):
    coordinator, national = (sign_in(Client(), people[k]) for k in ("coord_a", "national"))
    url = status_url(open_round)
    form = main(coordinator.get(url))
    without_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    # Shared by everyone who may write here (the page's CSRF token aside).
    assert without_token.sub("", main(national.get(url))) == without_token.sub("", form)
    version = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    saved = coordinator.post(url, {"status": "done", "expected": "", "note": "klaar",
                                   "version": version})  # fmt: skip
    assert saved.status_code == 302
    again = main(national.get(url))
    assert f'name="version" value="{version + 1}"' in again and "klaar" in again
    # The token is the page's own, never one stored with the form.
    tokens = {
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get(url).content.decode())[1]
        for c in (coordinator, national)
    }
    assert len(tokens) == 2


def test_a_cached_status_form_does_not_open_a_submitted_region(people, open_round):
    from raak.cycle.submissions import transition

    coordinator = sign_in(Client(), people["coord_a"])
    url = status_url(open_round)
    assert coordinator.get(url).status_code == 200
    gouda = people["coord_a"].roles.get().region
    transition(open_round, gouda, "submit", user=people["coord_a"])
    assert coordinator.get(url).status_code == 403
    assert sign_in(Client(), people["viewer_a"]).get(url).status_code == 403


def test_the_indicator_form_shows_the_stored_answer_at_once(people, open_round):
    url = f"{P}/ronde/{open_round.slug}/regio/gouda/indicator/regiocoordinator-na-2010/"
    coordinator, national = (sign_in(Client(), people[k]) for k in ("coord_a", "national"))
    form = main(coordinator.get(url))
    version = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    assert "later-verlengd" not in main(national.get(url))  # now from the cache
    saved = coordinator.post(url, {"category": "yes", "date": "30-06-2012",
                                   "note": "later-verlengd", "version": version})  # fmt: skip
    assert saved.status_code == 302
    again = main(national.get(url))
    assert f'name="version" value="{version + 1}"' in again and "later-verlengd" in again
