"""SLA reports: how long the public really waited, weekends included.

Figures cover the comments *posted* in a period and answered since. Minutes to
first response are counted twice: in wall-clock time (what the public saw) and
in business time of the channel's SLA clock (what the SLA counts). Percentiles
come from PostgreSQL's ``percentile_cont`` where it runs, and from the same
linear interpolation in Python elsewhere (SQLite).
"""

import datetime
import math

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q

from moderation.models import Channel, Comment, PostedPeriod
from staffing import selectors
from staffing.coverage import longest


class PercentileCont(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values, fraction):
    """``percentile_cont`` of sorted ``values``: linear between closest ranks."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def percentiles(queryset, field, fractions=(0.5, 0.9)):
    """Return ``{"p50": …, "p90": …}`` of ``field`` over ``queryset`` (rounded)."""
    names = {f"p{round(f * 100)}": f for f in fractions}
    queryset = queryset.filter(**{f"{field}__isnull": False})
    if connection.vendor == "postgresql":
        found = queryset.aggregate(
            **{name: PercentileCont(field, f) for name, f in names.items()}
        )
    else:
        values = sorted(queryset.values_list(field, flat=True))
        found = {name: percentile(values, f) for name, f in names.items()}
    return {
        name: None if value is None else round(value, 1)
        for name, value in found.items()
    }


BREACHED = Q(sla_met=False) | Q(sla_met__isnull=True, breached_at__isnull=False)


def judged(*, start, end, channel=None, channels=None):
    """Comments posted in [start, end) whose SLA is settled: answered, or still
    waiting past their due time (a breach too). ``channels``: those a scoped
    reader may see (``None``: every channel)."""
    comments = Comment.objects.filter(
        Q(first_responded_at__isnull=False) | Q(breached_at__isnull=False),
        posted_at__gte=start,
        posted_at__lt=end,
    )
    if channel is not None:
        comments = comments.filter(channel=channel)
    elif channels is not None:
        comments = comments.filter(channel__in=channels)
    return comments


def _figures(comments):
    counts = comments.aggregate(
        count=Count("pk"),
        met=Count("pk", filter=Q(sla_met=True)),
        breached=Count("pk", filter=BREACHED),
    )
    counts["breach_rate"] = (
        round(counts["breached"] / counts["count"], 4) if counts["count"] else None
    )
    return {
        **counts,
        "first_response_minutes": percentiles(comments, "response_minutes"),
        "business_minutes": percentiles(comments, "response_business_minutes"),
    }


def sla_report(*, start, end, channel=None, channels=None, weeks=None):
    """Return the figures of the dashboard and of ``/api/v1/sla/report/``.

    ``weeks`` takes ``uncovered_weeks`` of the same period when the caller
    already has them (the dashboard draws them too).
    """
    comments = judged(start=start, end=end, channel=channel, channels=channels)
    if weeks is None:
        weeks = uncovered_weeks(
            start=start, end=end, channel=channel, channels=channels
        )
    return {
        "from": start.date().isoformat(),
        "to": (end - datetime.timedelta(days=1)).date().isoformat(),
        "channel": channel.slug if channel else None,
        **_figures(comments),
        "by_period": {
            period: _figures(comments.filter(posted_period=period))
            for period in PostedPeriod.values
        },
        "approval_wait_minutes": percentiles(comments, "approval_wait_minutes"),
        "uncovered_hours": round(sum(w["uncovered_hours"] for w in weeks), 1),
        "longest_uncovered_hours": max(
            (w["longest_hours"] for w in weeks), default=0.0
        ),
    }


def uncovered_weeks(*, start, end, channel=None, channels=None):
    """For each channel and week: hours its calendar required someone on duty
    and nobody who may answer for it was on shift, and the longest such stretch
    (the Friday-evening-to-Monday silence)."""
    if channel:
        channels = [channel]
    elif channels is None:
        channels = Channel.objects.filter(active=True)
    else:
        channels = [each for each in channels if each.active]
    rows = []
    for each in channels:
        gaps = selectors.coverage_gaps(
            calendar=each.calendar, start=start, end=end, channel=each.slug
        )
        monday = selectors.week_of(start.date())
        while monday < end.date():
            week_start = max(start, _midnight(monday, start.tzinfo))
            week_end = min(end, _midnight(monday + datetime.timedelta(7), start.tzinfo))
            inside = [
                (max(s, week_start), min(e, week_end))
                for s, e in gaps
                if s < week_end and e > week_start
            ]
            # The longest stretch is counted whole, in the week it started.
            starting = [(s, e) for s, e in gaps if week_start <= s < week_end]
            stretch = longest(starting)
            rows.append(
                {
                    "channel": each.slug,
                    "week": monday.isoformat(),
                    "uncovered_hours": round(
                        sum((e - s).total_seconds() for s, e in inside) / 3600, 1
                    ),
                    "longest_hours": round(
                        (stretch[1] - stretch[0]).total_seconds() / 3600, 1
                    )
                    if stretch
                    else 0.0,
                    "longest_from": stretch[0] if stretch else None,
                    "longest_to": stretch[1] if stretch else None,
                }
            )
            monday += datetime.timedelta(days=7)
    return rows


def _midnight(day, tzinfo):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=tzinfo)


def breaches(*, start, end, channel=None, channels=None, limit=None):
    """The comments that missed their target, answered late or still waiting,
    latest first."""
    rows = (
        judged(start=start, end=end, channel=channel, channels=channels)
        .filter(BREACHED)
        .select_related("channel")
        .order_by("-posted_at")
    )
    return rows[:limit] if limit else rows
