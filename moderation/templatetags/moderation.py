from django import template

from moderation.durations import countdown

register = template.Library()
register.filter("countdown", countdown)


@register.filter
def is_late(due, now):
    return due < now
