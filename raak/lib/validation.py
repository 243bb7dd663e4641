"""Checks shared by the web form and the import: one message for one mistake, wherever
it is made. Each returns the cleaned value or raises ValueError with a Dutch sentence."""

from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

PHONE_EXAMPLES = "bijvoorbeeld 020 123 4567, 06 12345678, 0800 2000 of +31 20 123 4567"


def clean_phone(value):
    """A Dutch phone number (or a foreign one written with +), in national notation."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(f"“{value}” is geen geldig telefoonnummer; schrijf {PHONE_EXAMPLES}.")
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_email(value):
    value = (value or "").strip()
    if not value:
        return ""
    try:
        EmailValidator()(value)
    except ValidationError:
        raise ValueError(
            f"“{value}” is geen geldig e-mailadres; schrijf bijvoorbeeld info@organisatie.nl."
        ) from None
    return value


def clean_website(value):
    """Only http(s) addresses: a `javascript:` or `data:` link on a public page is a trap."""
    value = (value or "").strip()
    if not value:
        return ""
    scheme = urlsplit(value).scheme.lower()
    if scheme and scheme not in ("http", "https") and "." not in scheme:
        raise ValueError(
            f"“{value[:80]}” is geen webadres: alleen adressen die beginnen met https:// of http:// "
            "zijn toegestaan."
        )
    if not scheme:
        value = "https://" + value  # "www.veiligthuis.nl" is what people type
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValueError(
            f"“{value[:80]}” is geen geldig webadres; schrijf bijvoorbeeld https://www.organisatie.nl."
        ) from None
    if len(value) > 300:
        raise ValueError("Een webadres mag hoogstens 300 tekens lang zijn.")
    return value
