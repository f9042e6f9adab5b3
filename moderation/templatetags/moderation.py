from django import template

from moderation.durations import countdown, elapsed

register = template.Library()
register.filter("countdown", countdown)
register.filter("elapsed", elapsed)


@register.filter
def is_late(due, now):
    return due < now
