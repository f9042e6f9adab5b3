"""Outcomes: how a comment's first response went, for the SLA reports."""

import datetime
import functools
import zoneinfo

from moderation.models import Comment, PostedPeriod
from moderation.sla.clock import clock_calendar, spec_for
from staffing import businesstime
from staffing.publicholidays import statutory_holidays

# What an outcome reads of a comment's channel, loaded with the comment.
OUTCOME_RELATED = ("channel__sla_policy__calendar", "channel__calendar")


def record_outcome(comment, *, now):
    """Store how the comment's first response went (wall-clock and business
    minutes, met or not, when it was posted, time waiting for approval)."""
    comment = Comment.objects.select_related(*OUTCOME_RELATED).get(pk=comment.pk)
    Comment.objects.filter(pk=comment.pk).update(**outcome_fields(comment, now=now))


def outcome_fields(comment, *, now):
    """Return the outcome fields of ``comment`` (loaded with
    ``OUTCOME_RELATED``) first answered at ``now``."""
    specs = {}
    spec = spec_for(clock_calendar(comment.channel), comment.posted_at, specs)
    waits = [
        (answer.decided_at or now) - answer.created_at
        for answer in comment.answers.all()
        if answer.needs_approval_because
    ]
    return {
        "response_minutes": _minutes(now - comment.posted_at),
        "response_business_minutes": businesstime.business_minutes_between(
            spec, comment.posted_at, now
        ),
        "sla_met": now <= comment.first_response_due_at,
        "posted_period": posted_period_of(comment.channel, comment.posted_at),
        "approval_wait_minutes": _minutes(sum(waits, datetime.timedelta()))
        if waits
        else None,
    }


def posted_period_of(channel, posted_at):
    """Return whether a comment posted at ``posted_at`` came on a weekday, a
    weekend or a statutory holiday, in the channel's coverage calendar's zone."""
    calendar = channel.calendar
    local = posted_at.astimezone(zoneinfo.ZoneInfo(calendar.time_zone))
    if calendar.holiday_country and local.date() in _holidays(
        calendar.holiday_country, calendar.holiday_subdivision, local.year
    ):
        return PostedPeriod.HOLIDAY
    return PostedPeriod.WEEKEND if local.weekday() >= 5 else PostedPeriod.WEEKDAY


@functools.cache
def _holidays(country, subdivision, year):
    return frozenset(statutory_holidays(country, subdivision, [year]))


def _minutes(delta):
    return max(0, int(delta.total_seconds() // 60))
