"""When a rule that acts on its own may act: always, or only within a weekly
window (critical threats at night) in the organisation's time zone.

Plain Python over plain values, so that it can be tested at every edge. The
days are ISO weekdays as digits ("12345" is Monday to Friday; "" is every
day). A window whose end comes before its start runs overnight: it opens on
a listed day and closes the next morning.
"""

import datetime

from django.utils.translation import gettext as _

WEEKDAYS = "1234567"


def window_errors(*, acts_alone, days, start, end):
    """Return ``{field: message}`` for a window that cannot be kept."""
    errors = {}
    if days and (
        any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days)
    ):
        errors["acts_alone_days"] = _("Choose days of the week, each once.")
    if (start is None) != (end is None):
        field = "acts_alone_until" if end is None else "acts_alone_from"
        errors[field] = _("Give both the hour it starts and the hour it ends.")
    elif start is not None and start == end:
        errors["acts_alone_until"] = _(
            "The window ends when it starts: leave both hours empty for the whole day."
        )
    if not acts_alone and (days or start is not None or end is not None):
        errors.setdefault(
            "acts_alone_days",
            _("Only a rule that acts on its own has days and hours to act."),
        )
    return errors


def acts_at(local, *, days, start, end):
    """Return whether the window holds at ``local`` (an aware local time)."""
    days = days or WEEKDAYS
    if start is None or end is None:
        return str(local.isoweekday()) in days
    at = local.time().replace(tzinfo=None)
    if start < end:
        return str(local.isoweekday()) in days and start <= at < end
    if at >= start:
        return str(local.isoweekday()) in days
    if at < end:
        yesterday = local.date() - datetime.timedelta(days=1)
        return str(yesterday.isoweekday()) in days
    return False


def window_of(rule):
    """Return the rule's window as a dict for a statement ({} when always)."""
    if not rule.acts_alone_days and rule.acts_alone_from is None:
        return {}
    return {
        "days": rule.acts_alone_days,
        "from": rule.acts_alone_from.strftime("%H:%M") if rule.acts_alone_from else "",
        "until": rule.acts_alone_until.strftime("%H:%M")
        if rule.acts_alone_until
        else "",
    }
