import datetime
from urllib.parse import urlsplit

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from moderation import access
from moderation.durations import countdown, elapsed, hours, minutes
from moderation.services.crisis import crises_open
from policies.models.choices import Confidence

register = template.Library()
register.filter("countdown", countdown)
register.filter("elapsed", elapsed)
register.filter("minutes", minutes)
register.filter("hours", hours)


@register.filter
def confidence_label(value):
    """Return the label responders read for a match's confidence."""
    return dict(Confidence.choices).get(value, value)


@register.filter
def is_late(due, now):
    return due < now


@register.filter
def web_url(url):
    """Return ``url`` if it is an http(s) address, else "": a link from a
    platform (a profile, a post) is never followed as ``javascript:``."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


@register.inclusion_tag("moderation/_crisis_banner.html", takes_context=True)
def crisis_banner(context):
    """Show the open crisis episodes of the channels the user may see (one
    query); the cockpit and the inbox include it."""
    user = context["request"].user
    scope = access.channel_scope(user)
    crises = [
        episode
        for episode in crises_open()
        if scope is None or episode.channel.slug in scope
    ]
    return {"crises": crises}


@register.filter
def get_count(counts, key):
    """Return ``counts[key]``, 0 when absent (the cockpit's table)."""
    return counts.get(key, 0)


@register.filter
def minutes(value):
    """Return minutes as hours and minutes ("1 h 05", "42 min"), "—" for none."""
    if value is None:
        return "—"
    return elapsed(datetime.timedelta(minutes=value))


@register.filter
def percent(value):
    """Return a share as a percentage with one decimal, "—" for none."""
    if value is None:
        return "—"
    return _("%(value)s%%") % {"value": formats.number_format(value * 100, 1)}
