from urllib.parse import urlsplit

from django import template

from moderation.durations import countdown, elapsed, hours, minutes

register = template.Library()
register.filter("countdown", countdown)
register.filter("elapsed", elapsed)
register.filter("minutes", minutes)
register.filter("hours", hours)


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
