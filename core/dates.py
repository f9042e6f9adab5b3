"""Dates and instants sent by people and clients, within the range the
product's date arithmetic handles.

Python's dates stop at years 1 and 9999: a due time, a report's last day or a
coverage week computed near either end overflows. Every date a query
parameter, a form or a request body carries goes through ``parse_day``,
``parse_instant`` or ``check_day``, and one outside ``EARLIEST`` ..
``LATEST`` is refused with a message the caller attaches to its field.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1970, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class InvalidDate(ValueError):
    """The text is not a date, or names one outside ``EARLIEST`` .. ``LATEST``."""


def check_day(day):
    """Return ``day`` (a date) if it is within range; raise ``InvalidDate``."""
    if not EARLIEST <= day <= LATEST:
        raise InvalidDate(
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
        )
    return day


def check_instant(instant):
    """Return ``instant`` (a datetime) if its day is within range."""
    # The day as written, before any conversion: converting an instant near
    # year 1 or 9999 to another zone is what overflows.
    check_day(instant.date())
    return instant


def parse_day(raw):
    """Return the date in ``raw`` (``YYYY-MM-DD``); raise ``InvalidDate``."""
    try:
        day = parse_date(raw.strip())
    except ValueError:  # well formed, but no such day (2026-02-30)
        day = None
    if day is None:
        raise InvalidDate(_("Enter a date as YYYY-MM-DD."))
    return check_day(day)


def parse_instant(raw):
    """Return the aware instant in ``raw`` (ISO 8601; without an offset, in the
    site's time zone); raise ``InvalidDate``."""
    try:
        # A "+" left unencoded in a query string arrives as a space.
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise InvalidDate(_("Enter an ISO 8601 date and time."))
    check_instant(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class DateField(forms.DateField):
    """A form's ``YYYY-MM-DD`` date, within range."""

    def to_python(self, value):
        if isinstance(value, datetime.date) or value in self.empty_values:
            return super().to_python(value)
        try:
            return parse_day(str(value))
        except InvalidDate as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class DateTimeField(forms.DateTimeField):
    """A form's date and time, within range."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is not None:
            try:
                check_instant(instant)
            except InvalidDate as exc:
                raise forms.ValidationError(str(exc), code="invalid") from None
        return instant
