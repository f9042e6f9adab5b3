"""Dates written as each language writes them.

Django's French formats say "1 décembre" and "1 Déc": French writes the first
of the month "1er" and month abbreviations in lower case ("1er déc.").
"""

import datetime

from django import template
from django.utils import formats, translation
from django.utils.dateformat import format as date_format

register = template.Library()


def _first_of_month(text, value):
    """Write day 1 as "1er" in French."""
    if translation.get_language() == "fr" and value.day == 1 and text.startswith("1 "):
        return "1er " + text[2:]
    return text


@register.filter
def long_date(value):
    """Return "1er décembre 2026" / "Dec. 1, 2026"; empty for no date."""
    if not isinstance(value, datetime.date):
        return ""
    return _first_of_month(formats.date_format(value, "DATE_FORMAT"), value)


@register.filter
def day_month(value):
    """Return "1er déc." / "Dec 1", for a column of days."""
    if not isinstance(value, datetime.date):
        return ""
    if translation.get_language() == "fr":
        return _first_of_month(date_format(value, "j N"), value)
    return date_format(value, "M j")
