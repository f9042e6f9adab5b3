"""Durations as people read them, in each language's own way.

English writes "12 h 15 min", French "12 h 15" (the minutes need no unit once
the hours are given): the catalogue carries each language's form.
"""

from django.utils.translation import gettext as _

NO_FIGURE = "—"


def _duration(seconds):
    minutes = int(round(abs(seconds)) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours and not minutes:
        return _("%(hours)d h") % {"hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def countdown(due, now):
    """Return "in 2 h 05 min" before ``due``, "1 h 10 min late" after it."""
    seconds = (due - now).total_seconds()
    if seconds >= 0:
        return _("in %(time)s") % {"time": _duration(seconds)}
    return _("%(time)s late") % {"time": _duration(seconds)}


def elapsed(delta):
    """Return a time span as people read it: "42 s", "7 min", "3 h 05 min"."""
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    return _duration(seconds)


def minutes(value):
    """Return a number of minutes (a report's median, say) as a duration.

    Reports compute figures in minutes; shown raw, 735.0 reads as a number,
    not as the 12 h 15 min it is. ``None`` (no figure) is a dash.
    """
    if value is None:
        return NO_FIGURE
    if value < 1:
        return _("%(seconds)d s") % {"seconds": round(value * 60)}
    return _duration(value * 60)


def hours(value):
    """Return a number of hours as a duration ("30 d 0 h", "7 h 30 min")."""
    if value is None:
        return NO_FIGURE
    if not value:
        return _("%(hours)d h") % {"hours": 0}
    return minutes(value * 60)
