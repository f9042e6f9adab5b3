"""Durations as people read them: "in 2 h 05", "1 h 10 late"."""

from django.utils.translation import gettext as _


def _duration(seconds):
    minutes = int(abs(seconds) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def countdown(due, now):
    """Return "in 2 h 05" before ``due``, "1 h 10 late" after it."""
    seconds = (due - now).total_seconds()
    if seconds >= 0:
        return _("in %(time)s") % {"time": _duration(seconds)}
    return _("%(time)s late") % {"time": _duration(seconds)}


def elapsed(delta):
    """Return a time span as people read it: "42 s", "7 min", "3 h 05"."""
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    return _duration(seconds)
