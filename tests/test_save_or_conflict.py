"""programmes.status.save_or_conflict: the one optimistic-locking save of the status,
knowledge and protocol editors."""

import pytest
from django.test import Client

from raak.knowledge.models import Activity, Theme
from raak.programmes import status
from raak.programmes.models import ChangeRecord, MilestoneStatus
from raak.protocols.models import Check
from tests.conftest import sign_in

P = "/raak-2008-2010"
URL = f"{P}/protocollen/gouda/wijzigen/"


def test_create_then_a_stale_save_is_refused_with_the_stored_row(demo, people):
    gouda = demo.regions.get(slug="gouda")
    theme = Theme.objects.create(programme=demo, key="t", name="Thema")
    lookup = {"programme": demo, "key": "a-9999"}
    values = {"title": "Eerste", "description": "", "theme": theme}
    kwargs = {"user": people["coord_a"], "programme": demo, "subject": "activiteit a-9999"}
    made = status.save_or_conflict(Activity, lookup, values, expected_version=0,
                                   regions=[gouda], **kwargs)  # fmt: skip
    assert (made.version, [r.slug for r in made.regions.all()]) == (1, ["gouda"])
    records = ChangeRecord.objects.filter(subject="activiteit a-9999")
    # Empty values are not recorded when a row is made; the regions are, as one field.
    assert set(records.values_list("field", flat=True)) == {"title", "theme", "regio's"}
    with pytest.raises(status.Conflict) as clash:
        status.save_or_conflict(Activity, lookup, {**values, "title": "Tweede"},
                                expected_version=0, **kwargs)  # fmt: skip
    assert clash.value.current.title == "Eerste"
    saved = status.save_or_conflict(Activity, lookup, {**values, "title": "Tweede"},
                                    expected_version=1, **kwargs)  # fmt: skip
    assert (saved.title, saved.version) == ("Tweede", 2)
    same = status.save_or_conflict(Activity, lookup, {**values, "title": "Tweede"},
                                   expected_version=2, **kwargs)  # fmt: skip
    assert same.version == 2  # nothing changed: no new version, no record
    assert records.count() == 4


def test_a_closed_round_refuses_before_the_version_is_compared(demo, people):
    rnd = demo.rounds.order_by("peildatum").first()
    assert not rnd.is_open
    region, milestone = demo.regions.first(), demo.milestones.first()
    with pytest.raises(status.RoundClosed):
        status.save_or_conflict(
            MilestoneStatus, {"round": rnd, "region": region, "milestone": milestone},
            {"note": "x"}, expected_version=-1, user=people["national"], programme=demo,
            subject=milestone.name, rnd=rnd, region=region,
        )  # fmt: skip


@pytest.fixture
def coordinator(people, practice):
    c = Client()
    sign_in(c, people["coord_a"])
    return c


def test_checklist_saves_all_answers_or_none(coordinator, people):
    first = {"answer-convenant": "yes", "version-convenant": "0",
             "answer-regionale-meldcode": "partly", "version-regionale-meldcode": "0"}  # fmt: skip
    assert coordinator.post(URL, first).status_code == 302
    records = ChangeRecord.objects.count()
    # Meldcode is stale (someone saved version 1 meanwhile); convenant is current.
    stale = {"answer-convenant": "no", "version-convenant": "1",
             "answer-regionale-meldcode": "yes", "version-regionale-meldcode": "0"}  # fmt: skip
    page = coordinator.post(URL, stale)
    assert page.status_code == 200
    assert [c.key for c in page.context["conflicts"]] == ["regionale-meldcode"]
    answers = dict(Check.objects.values_list("component__key", "answer"))
    assert answers == {"convenant": "yes", "regionale-meldcode": "partly"}
    assert ChangeRecord.objects.count() == records


def test_emptying_an_answer_deletes_the_check_and_records_it(coordinator):
    coordinator.post(URL, {"answer-convenant": "yes", "evidence-convenant": "art. 3",
                           "version-convenant": "0"})  # fmt: skip
    assert (
        coordinator.post(URL, {"answer-convenant": "", "version-convenant": "1"}).status_code == 302
    )
    assert not Check.objects.exists()
    cleared = ChangeRecord.objects.filter(subject__startswith="protocol: ", new="")
    assert set(cleared.values_list("field", "old")) == {("answer", "yes"), ("evidence", "art. 3")}
