"""Find personal and confidential data in text: e-mail addresses, phone numbers,
Canadian social insurance numbers, payment cards, IBANs and URLs.

Pure Python, no Django ORM. One cheap regular expression finds candidates; each
candidate is then validated by a well-kept library (checksums from python-stdnum,
phone numbers from phonenumbers, e-mail syntax from email-validator, URLs with
Django's validator), so a number that fails its checksum is not a match.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from email_validator import EmailNotValidError, validate_email
from stdnum import iban, luhn
from stdnum.ca import sin

EMAIL, PHONE, SIN, CARD, IBAN, URL = "email", "phone", "sin", "card", "iban", "url"
ALL = (EMAIL, PHONE, SIN, CARD, IBAN, URL)

# Candidates, each behind a test that costs next to nothing on ordinary text.
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_URL = re.compile(
    r"(?<![\w@])(?:[hH][tT][tT][pP][sS]?://|[wW]{3}\.)[^\s<>\"'`]{2,2000}"
)
_DIGITS = re.compile(r"(?<![\w.,])\+?\(?\d[\d \-().]{7,24}\d(?![\w])")
_IBAN = re.compile(
    r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}"
    r"(?:[ ]?[A-Za-z0-9]{1,4})?(?![\w])"
)
_DIGIT_RUN = re.compile(r"\d[\d \-().]{6,}\d")
# Bytes that are not ASCII digits: Latin-1 has no other decimal digit, so a
# Latin-1 text left empty once they are deleted holds no number at all.
_NOT_DIGITS = bytes(code for code in range(256) if not 0x30 <= code <= 0x39)
_TRAILING = ".,;:!?)]}'\""
# Issuer prefixes of the card networks, to tell a card from any Luhn-valid number.
_CARD = re.compile(
    r"^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2[2-7]\d{14}|3[47]\d{13}|6\d{15,18})$"
)
_url_validator = URLValidator(schemes=["http", "https"])


def find(text, names=ALL, *, region="CA"):
    """Return ``(name, start, end)`` for each validated detection in ``text``."""
    wanted = set(names)
    found = []
    if EMAIL in wanted and "@" in text:
        found += [
            (EMAIL, *m.span()) for m in _EMAIL.finditer(text) if _valid_email(m.group())
        ]
    if URL in wanted and ("://" in text or "ww." in text or "WW." in text):
        for match in _URL.finditer(text):
            stripped = match.group().rstrip(_TRAILING)
            if _valid_url(stripped):
                found.append((URL, match.start(), match.start() + len(stripped)))
    if wanted - {EMAIL, URL} and _has_digit(text) and _DIGIT_RUN.search(text):
        if IBAN in wanted:
            found += [
                (IBAN, *m.span())
                for m in _IBAN.finditer(text)
                if iban.is_valid(m.group())
            ]
        taken = [(start, end) for _name, start, end in found]
        for match in _DIGITS.finditer(text):
            start, end = match.span()
            if any(a < end and start < b for a, b in taken):
                continue  # part of an IBAN, an e-mail address or a URL
            found += _numbers(match.group(), start, wanted, region)
    return found


def _has_digit(text):
    """Return False when ``text`` surely holds no decimal digit, in one C pass."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return True  # other scripts have digits of their own: the regex decides
    return bool(data.translate(None, _NOT_DIGITS))


def _valid_email(value):
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _valid_url(value):
    if value.lower().startswith("www."):
        value = "http://" + value
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def _numbers(value, offset, wanted, region):
    digits = re.sub(r"\D", "", value)
    if SIN in wanted and len(digits) == 9 and sin.is_valid(digits):
        return [(SIN, offset, offset + len(value))]
    if CARD in wanted and _CARD.match(digits) and luhn.is_valid(digits):
        return [(CARD, offset, offset + len(value))]
    if PHONE in wanted:
        return [
            (PHONE, offset + m.start, offset + m.end)
            for m in phonenumbers.PhoneNumberMatcher(
                value, region, leniency=phonenumbers.Leniency.VALID
            )
        ]
    return []
