"""Dutch number and date formats for reports, whatever the interface language:
70,3 % and 15 januari 2011, as the seed prints them."""

from django import template

register = template.Library()

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]  # fmt: skip


@register.filter
def pct(value):
    """70.3 -> "70,3 %" (a no-break space keeps the sign with its number)."""
    if value is None or value == "":
        return ""
    return f"{float(value):.1f}".replace(".", ",") + "\u00a0%"


@register.filter
def nldate(day):
    if not day:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@register.filter
def signed(n):
    if n is None:
        return ""
    return f"+{n}" if n > 0 else ("±0" if n == 0 else f"−{abs(n)}")


@register.filter
def midsentence(label):
    """A programme's word inside a sentence: "Afgerond" -> "afgerond"; a word in
    capitals (an abbreviation, "GGD") and one already in lower case stay as they are."""
    text = str(label or "")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
