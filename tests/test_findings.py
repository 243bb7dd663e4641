"""Regression tests for the findings of the hostile test (issue #8): each failed on
the code before its fix."""

from datetime import date

import pytest
from django.test import Client

from tests.conftest import sign_in

P = "/raak-2008-2010"


# --- 1. the national picture compares only with rounds the viewer may see -----------


@pytest.fixture
def hidden_round(demo, people, open_round):
    """Round A (voorjaar-2011) closed but never published; round B after it published."""
    from raak.programmes.models import Round

    open_round.state = Round.CLOSED
    open_round.name = "Geheime tussenronde"
    open_round.save()
    later = Round.objects.create(
        programme=demo, slug="najaar-2011", name="Najaar 2011",
        peildatum=date(2011, 12, 1), state=Round.PUBLISHED,
    )  # fmt: skip
    return open_round, later


def test_change_since_previous_round_skips_unpublished_rounds(hidden_round, people):
    hidden, later = hidden_round
    url = f"{P}/ronde/{later.slug}/"
    body = Client().get(url).content.decode()
    assert "Geheime tussenronde" not in body
    published = hidden.programme.rounds.get(slug="eindrapportage-2011").name
    assert published in body  # compared with the latest published round instead
    body = sign_in(Client(), people["national"]).get(url).content.decode()
    assert "Geheime tussenronde" in body  # the national office may see every round
    for who in ("coord_a", "viewer_a", "coord_b"):
        body = sign_in(Client(), people[who]).get(url).content.decode()
        assert "Geheime tussenronde" not in body, who
