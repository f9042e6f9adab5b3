"""Validators the staffing models share: value lists, channel slugs, time zones."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class ChoiceListValidator:
    """Check that a JSON value is a list of strings taken from ``choices``."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __call__(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_('Enter a list, e.g. ["fr", "en"].'))
        unknown = sorted(set(value) - set(self.choices))
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s. Choose among: %(choices)s.")
                % {"values": ", ".join(unknown), "choices": ", ".join(self.choices)}
            )

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices == self.choices


def _slugs(value):
    if not isinstance(value, list) or not all(
        isinstance(v, str) and SLUG.fullmatch(v) for v in value
    ):
        raise ValidationError(_("Enter a list of channel slugs (letters, digits, -)."))


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def validate_time_zone(value):
    """Refuse a name the time zone database does not know."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone; use a name such as America/Toronto.")
        ) from None
