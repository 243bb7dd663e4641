from datetime import date

import pytest

from raak.lib.periods import PeriodError, parse_period

# Every expected-period form the seed report prints, with the range it means.
SEED_FORMS = [
    ("Maart 2011", date(2011, 3, 1), date(2011, 3, 31)),
    ("Juni/juli 2011", date(2011, 6, 1), date(2011, 7, 31)),
    ("Mei 2011", date(2011, 5, 1), date(2011, 5, 31)),
    ("Juni 2011", date(2011, 6, 1), date(2011, 6, 30)),
    ("1e kwartaal 2011", date(2011, 1, 1), date(2011, 3, 31)),
    ("Voorjaar 2011", date(2011, 3, 1), date(2011, 5, 31)),
    ("Voor zomer 2011", date(2011, 1, 1), date(2011, 5, 31)),
    ("medio 2011", date(2011, 5, 1), date(2011, 8, 31)),
    ("2012", date(2012, 1, 1), date(2012, 12, 31)),
    ("1 juni 2011", date(2011, 6, 1), date(2011, 6, 1)),
    ("1 Juni 2011", date(2011, 6, 1), date(2011, 6, 1)),
    ("31 - 12 - 2011", date(2011, 12, 31), date(2011, 12, 31)),
    ("14 - 04 - 2011", date(2011, 4, 14), date(2011, 4, 14)),
]

OTHER_FORMS = [
    ("2e kwartaal 2011", date(2011, 4, 1), date(2011, 6, 30)),
    ("Q4 2011", date(2011, 10, 1), date(2011, 12, 31)),
    ("winter 2011", date(2011, 12, 1), date(2012, 2, 29)),
    ("eind 2011", date(2011, 9, 1), date(2011, 12, 31)),
    ("2e helft 2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("voor de zomer van 2011", date(2011, 1, 1), date(2011, 5, 31)),
    ("juni t/m augustus 2011", date(2011, 6, 1), date(2011, 8, 31)),
    ("2011-12-31", date(2011, 12, 31), date(2011, 12, 31)),
    ("31/12/2011", date(2011, 12, 31), date(2011, 12, 31)),
    # English
    ("March 2011", date(2011, 3, 1), date(2011, 3, 31)),
    ("first quarter 2011", date(2011, 1, 1), date(2011, 3, 31)),
    ("spring 2011", date(2011, 3, 1), date(2011, 5, 31)),
    ("before summer 2011", date(2011, 1, 1), date(2011, 5, 31)),
    ("mid 2011", date(2011, 5, 1), date(2011, 8, 31)),
    ("end of 2011", date(2011, 9, 1), date(2011, 12, 31)),
    ("June 1, 2011", date(2011, 6, 1), date(2011, 6, 1)),
]


@pytest.mark.parametrize("text,earliest,latest", SEED_FORMS + OTHER_FORMS)
def test_period_parses_to_its_range(text, earliest, latest):
    period = parse_period(text)
    assert (period.earliest, period.latest) == (earliest, latest)
    assert period.text == text


def test_period_keeps_text_as_entered_but_tidies_spaces():
    assert parse_period("  Voorjaar   2011 ").text == "Voorjaar 2011"


@pytest.mark.parametrize(
    "text",
    ["morgen", "binnenkort", "32-12-2011", "31-13-2011", "30 februari 2011", "juli/juni 2011",
     "5e kwartaal 2011", "maart 11", "Q5 2011", "zomer", "voor", "2011-13-01"],
)  # fmt: skip
def test_bad_period_is_refused_with_the_accepted_forms(text):
    with pytest.raises(PeriodError) as e:
        parse_period(text)
    message = str(e.value)
    assert text in message
    assert "1e kwartaal 2011" in message and "Voorjaar 2011" in message


def test_empty_period_is_refused():
    with pytest.raises(PeriodError, match="Vul een periode in"):
        parse_period("   ")
