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
