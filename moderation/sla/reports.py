"""SLA reports: how long the public really waited, weekends included.

Figures cover the comments *posted* in a period and answered since. Minutes to
first response are counted twice: in wall-clock time (what the public saw) and
in business time of the channel's SLA clock (what the SLA counts). Percentiles
come from PostgreSQL's ``percentile_cont`` where it runs, and from the same
linear interpolation in Python elsewhere (SQLite).
"""

import datetime
import math

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q
from django.db.models.functions import TruncWeek

from moderation.models import Channel, Comment, PostedPeriod, RuleMatch
from policies.models import Rule
from staffing import selectors
from staffing.coverage import longest

User = get_user_model()


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
    """Return the counts and percentiles of ``comments``, and the approval
    wait's percentiles: one query on PostgreSQL."""
    if connection.vendor == "postgresql":
        row = comments.order_by().aggregate(
            **_AGGREGATES,
            **{
                f"approval_{p}": PercentileCont("approval_wait_minutes", f)
                for p, f in _PERCENTILES.items()
            },
        )
        return _from_row(row), _rounded({p: row[f"approval_{p}"] for p in _PERCENTILES})
    counts = comments.aggregate(
        count=Count("pk"),
        met=Count("pk", filter=Q(sla_met=True)),
        breached=Count("pk", filter=BREACHED),
    )
    figures = _grouped_figures(
        counts["count"],
        counts["met"],
        counts["breached"],
        percentiles(comments, "response_minutes"),
        percentiles(comments, "response_business_minutes"),
    )
    return figures, percentiles(comments, "approval_wait_minutes")


def sla_report(*, start, end, channel=None, channels=None, weeks=None):
    """Return the figures of the dashboard and of ``/api/v1/sla/report/``.

    ``weeks`` takes ``uncovered_weeks`` of the same period when the caller
    already has them (the dashboard draws them too). Besides the period's
    figures: the same per responder (who held the comment), per rule that
    flagged it and per week posted (the trend).
    """
    comments = judged(start=start, end=end, channel=channel, channels=channels)
    figures, approval_wait = _figures(comments)
    periods = _grouped(comments, period=F("posted_period"))
    if weeks is None:
        weeks = uncovered_weeks(
            start=start, end=end, channel=channel, channels=channels
        )
    return {
        "from": start.date().isoformat(),
        "to": (end - datetime.timedelta(days=1)).date().isoformat(),
        "channel": channel.slug if channel else None,
        **figures,
        "by_period": {
            period: periods.get(period) or _no_figures()
            for period in PostedPeriod.values
        },
        "approval_wait_minutes": approval_wait,
        "by_responder": by_responder(comments),
        "by_rule": by_rule(comments),
        "by_week": by_week(comments, zone=start.tzinfo),
        "uncovered_hours": round(sum(w["uncovered_hours"] for w in weeks), 1),
        "longest_uncovered_hours": max(
            (w["longest_hours"] for w in weeks), default=0.0
        ),
    }


# What a grouped figure reads of each comment, in this order.
_OUTCOME = ("response_minutes", "response_business_minutes", "sla_met", "breached_at")
_PERCENTILES = {"p50": 0.5, "p90": 0.9}


def _grouped_figures(count, met, breached, wall, business):
    return {
        "count": count,
        "met": met,
        "breached": breached,
        "breach_rate": round(breached / count, 4) if count else None,
        "first_response_minutes": wall,
        "business_minutes": business,
    }


def _no_figures():
    return _grouped_figures(
        0, 0, 0, dict.fromkeys(_PERCENTILES), dict.fromkeys(_PERCENTILES)
    )


# A group's figures in one row, on PostgreSQL.
_AGGREGATES = {
    "count": Count("pk"),
    "met": Count("pk", filter=Q(sla_met=True)),
    "breached": Count("pk", filter=BREACHED),
    **{
        f"wall_{p}": PercentileCont("response_minutes", f)
        for p, f in _PERCENTILES.items()
    },
    **{
        f"business_{p}": PercentileCont("response_business_minutes", f)
        for p, f in _PERCENTILES.items()
    },
}


def _from_row(row):
    return _grouped_figures(
        row["count"],
        row["met"],
        row["breached"],
        _rounded({p: row[f"wall_{p}"] for p in _PERCENTILES}),
        _rounded({p: row[f"business_{p}"] for p in _PERCENTILES}),
    )


def _rounded(found):
    return {k: None if v is None else round(v, 1) for k, v in found.items()}


def _grouped(comments, **key):
    """Return ``{key value: figures}`` of ``comments`` grouped by ``key``
    (one expression, named): one query, grouped and ranked by the database
    on PostgreSQL, in Python elsewhere."""
    ((name, expression),) = key.items()
    comments = comments.order_by()
    if connection.vendor == "postgresql":
        rows = comments.values(**{name: expression}).annotate(**_AGGREGATES)
        return {row[name]: _from_row(row) for row in rows}
    rows = comments.annotate(**{name: expression}).values_list(name, *_OUTCOME)
    return _group_in_python(rows)


def _group_in_python(rows):
    """Group ``(key, *_OUTCOME)`` rows into figures, as PostgreSQL does."""
    groups = {}
    for key, wall, business, met, breached_at in rows:
        groups.setdefault(key, []).append((wall, business, met, breached_at))
    found = {}
    for key, outcomes in groups.items():
        walls = sorted(o[0] for o in outcomes if o[0] is not None)
        businesses = sorted(o[1] for o in outcomes if o[1] is not None)
        found[key] = _grouped_figures(
            len(outcomes),
            sum(1 for o in outcomes if o[2] is True),
            sum(1 for o in outcomes if _breached(o[2], o[3])),
            _rounded({p: percentile(walls, f) for p, f in _PERCENTILES.items()}),
            _rounded({p: percentile(businesses, f) for p, f in _PERCENTILES.items()}),
        )
    return found


def _breached(met, breached_at):
    return met is False or (met is None and breached_at is not None)


def _ranked(groups):
    """Most comments first, then the key, as a list of ``(key, figures)``."""
    return sorted(groups.items(), key=lambda kv: (-kv[1]["count"], str(kv[0])))


def by_responder(comments):
    """Figures per responder who held the comment (answered it, or let it
    wait), by name; comments nobody claimed are under ``responder: null``."""
    groups = _grouped(comments, responder_id=F("assignee"))
    people = {
        user.pk: user
        for user in User.objects.filter(pk__in=[k for k in groups if k is not None])
    }
    return [
        {
            "responder": people[key].username if key is not None else None,
            "name": (people[key].get_full_name() or people[key].username)
            if key is not None
            else None,
            **figures,
        }
        for key, figures in _ranked(groups)
    ]


def by_rule(comments):
    """Figures per rule that flagged the comments (a comment flagged by two
    rules counts for each, once however many of its words each rule found)."""
    if connection.vendor == "postgresql":
        groups = _by_rule_postgresql(comments)
    else:
        outcomes = {
            row[0]: row[1:] for row in comments.order_by().values_list("pk", *_OUTCOME)
        }
        pairs = (
            RuleMatch.objects.filter(comment__in=comments.order_by().values("pk"))
            # No ordering: the model's would make (rule, comment) pairs
            # distinct per match again.
            .order_by()
            .values_list("rule", "comment_id")
            .distinct()
        )
        groups = _group_in_python(
            (rule, *outcomes[comment_id]) for rule, comment_id in pairs
        )
    names = {}
    # The latest version's name of each rule: first seen in this order wins.
    for rule in Rule.objects.filter(slug__in=list(groups)).order_by("-version__number"):
        names.setdefault(rule.slug, rule.name)
    return [
        {"rule": key, "name": names.get(key, key), **figures}
        for key, figures in _ranked(groups)
    ]


def _by_rule_postgresql(comments):
    # One statement: the (rule, comment) pairs of the judged comments, made
    # distinct, then grouped by rule. The matches are found through their
    # comment's foreign key index, the comments through the report's.
    inner, params = comments.order_by().values("id", *_OUTCOME).query.sql_with_params()
    matches = RuleMatch._meta.db_table
    sql = f"""
        WITH judged AS ({inner}),
        pairs AS (
            SELECT DISTINCT m.rule, m.comment_id
            FROM {matches} m JOIN judged j ON j.id = m.comment_id
        )
        SELECT p.rule, COUNT(*),
            COUNT(*) FILTER (WHERE j.sla_met),
            COUNT(*) FILTER (WHERE NOT j.sla_met
                OR (j.sla_met IS NULL AND j.breached_at IS NOT NULL)),
            PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY j.response_minutes),
            PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY j.response_minutes),
            PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY j.response_business_minutes),
            PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY j.response_business_minutes)
        FROM pairs p JOIN judged j ON j.id = p.comment_id
        GROUP BY p.rule
    """  # noqa: S608 (the table name and the inner query are Django's)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            rule: _grouped_figures(
                count,
                met,
                breached,
                _rounded({"p50": w50, "p90": w90}),
                _rounded({"p50": b50, "p90": b90}),
            )
            for rule, count, met, breached, w50, w90, b50, b90 in cursor.fetchall()
        }


def by_week(comments, *, zone):
    """Figures per week posted (weeks start on Monday, in ``zone``), oldest
    first: the trend."""
    groups = _grouped(comments, week=TruncWeek("posted_at", tzinfo=zone))
    return [
        {"week": _as_date(key).isoformat(), **figures}
        for key, figures in sorted(groups.items(), key=lambda kv: _as_date(kv[0]))
    ]


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


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
        .order_by("-posted_at", "-pk")  # ties in one order, page after page
    )
    return rows[:limit] if limit else rows
