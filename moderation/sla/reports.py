"""SLA reports: how long the public really waited, weekends included.

Figures cover the comments *posted* in a period and answered since. Minutes to
first response are counted twice: in wall-clock time (what the public saw) and
in business time of the channel's SLA clock (what the SLA counts). Percentiles
come from PostgreSQL's ``percentile_cont`` where it runs, and from the same
linear interpolation in Python elsewhere (SQLite).
"""

import contextlib
import datetime
import math

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Aggregate, Case, F, FloatField, Q, Value, When

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


def sla_report(*, start, end, channel=None, channels=None, weeks=None):
    """Return the figures of the dashboard and of ``/api/v1/sla/report/``.

    ``weeks`` takes ``uncovered_weeks`` of the same period when the caller
    already has them (the dashboard draws them too). Besides the period's
    figures: the same per responder (who held the comment), per rule that
    flagged it and per week posted (the trend).

    The comments are read twice whatever their number: once for every figure
    but the rules' (how many comments took each number of minutes, per week
    and period, per responder, and the approval wait), once for the rules'.
    Percentiles come out of those counts exactly as ``percentile_cont`` gives
    them; every total is a sum of counts.
    """
    comments = judged(start=start, end=end, channel=channel, channels=channels)
    mondays = _mondays(start, end)
    with _counting():
        calendar, responders, approval = _histograms(
            comments, start=start, mondays=mondays
        )
        rules = _rule_histograms(comments)
    if weeks is None:
        weeks = uncovered_weeks(
            start=start, end=end, channel=channel, channels=channels
        )
    periods = _rolled_up(calendar, lambda key: key[1])
    return {
        "from": start.date().isoformat(),
        "to": (end - datetime.timedelta(days=1)).date().isoformat(),
        "channel": channel.slug if channel else None,
        **_rolled_up(calendar, lambda key: None).get(None, _no_figures()),
        "by_period": {
            period: periods.get(period) or _no_figures()
            for period in PostedPeriod.values
        },
        "approval_wait_minutes": _rounded(_histogram_percentiles(approval)),
        "by_responder": _by_responder(_rolled_up(responders, lambda key: key)),
        "by_rule": _by_rule(rules),
        "by_week": [
            {"week": mondays[index].isoformat(), **figures}
            for index, figures in sorted(
                _rolled_up(calendar, lambda key: key[0]).items()
            )
        ],
        "uncovered_hours": round(sum(w["uncovered_hours"] for w in weeks), 1),
        "longest_uncovered_hours": max(
            (w["longest_hours"] for w in weeks), default=0.0
        ),
    }


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


def _rounded(found):
    return {k: None if v is None else round(v, 1) for k, v in found.items()}


def grouping_sets():
    """Whether the database groups one read in several ways (``GROUPING
    SETS``: PostgreSQL; SQLite has none)."""
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def _counting():
    """On PostgreSQL, let the counting statements hash their groups in memory
    (about 32 MB for a quarter's million comments; sorting them on disk
    instead, with the default 4 MB, takes four times longer)
    and skip compiling them (JIT costs more than it saves here)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        before = cursor.fetchone()
        cursor.execute(_SETTINGS, ("128MB", "off"))
        yield
        # As they were for the rest of a caller's transaction (on an error,
        # rolling back the savepoint restores them).
        cursor.execute(_SETTINGS, before)


_SETTINGS = "SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)"


def _mondays(start, end):
    """The Mondays (in ``start``'s zone) of the weeks the period touches."""
    monday = selectors.week_of(start.date())
    mondays = []
    while monday < end.date() or not mondays:
        mondays.append(monday)
        monday += datetime.timedelta(days=7)
    return mondays


def _week(start, mondays):
    """The index in ``mondays`` of a comment's week posted: compared with the
    weeks' first instants (DST included), no time zone arithmetic per row."""
    if len(mondays) == 1:
        return Value(0)
    return Case(
        *(
            When(posted_at__lt=_midnight(monday, start.tzinfo), then=Value(index))
            for index, monday in enumerate(mondays[1:])
        ),
        default=Value(len(mondays) - 1),
    )


# What each judged comment gives the counts, by name.
def _outcomes(comments, **extra):
    return comments.order_by().values(
        **extra,
        wall=F("response_minutes"),
        business=F("response_business_minutes"),
        met=Case(When(sla_met=True, then=Value(1)), default=Value(0)),
        breached=Case(When(BREACHED, then=Value(1)), default=Value(0)),
    )


def _histograms(comments, *, start, mondays):
    """Count the judged comments by minutes to first response (wall-clock and
    business), per (week, period) and per responder, and by approval wait.

    Return ``(calendar, responders, approval)``: the first two map a key to
    ``[count, met, breached, {wall minutes: n}, {business minutes: n}]``,
    ``calendar``'s key is ``(week index, period)``, ``responders``' a user id
    (``None``: nobody held it); ``approval`` is ``{minutes: n}``. One
    statement: grouping sets over one read of the report's index on
    PostgreSQL, elsewhere the three groupings one after the other.
    """
    inner, params = _outcomes(
        comments,
        week=_week(start, mondays),
        period=F("posted_period"),
        responder=F("assignee"),
        approval=F("approval_wait_minutes"),
    ).query.sql_with_params()
    counts = "COUNT(*), SUM(j.met), SUM(j.breached)"
    if grouping_sets():
        sql = f"""
            SELECT GROUPING(j.responder, j.approval), j.week, j.period,
                j.responder, j.wall, j.business, j.approval, {counts}
            FROM ({inner}) j
            GROUP BY GROUPING SETS (
                (j.week, j.period, j.wall, j.business),
                (j.responder, j.wall, j.business),
                (j.approval)
            )
        """  # noqa: S608 (the inner query is Django's)
    else:
        none = "CAST(NULL AS INTEGER)"
        sql = " UNION ALL ".join(
            f"""SELECT {kind}, {columns}, {counts} FROM ({inner}) j
            GROUP BY {grouped}"""  # noqa: S608 (the inner query is Django's)
            for kind, columns, grouped in (
                (
                    3,
                    f"j.week, j.period, {none}, j.wall, j.business, {none}",
                    "j.week, j.period, j.wall, j.business",
                ),
                (
                    1,
                    f"{none}, NULL, j.responder, j.wall, j.business, {none}",
                    "j.responder, j.wall, j.business",
                ),
                (2, f"{none}, NULL, {none}, {none}, {none}, j.approval", "j.approval"),
            )
        )
        params = params * 3
    calendar, responders, approval = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, week, period, responder, wall, business, waited, *counts in rows:
        if kind == 2:
            if waited is not None:
                approval[waited] = approval.get(waited, 0) + counts[0]
        elif kind == 3:
            _add(calendar, (week, period), wall, business, counts)
        else:
            _add(responders, responder, wall, business, counts)
    return calendar, responders, approval


def _add(groups, key, wall, business, counts):
    """Add ``counts`` (count, met, breached) of comments that took ``wall``
    and ``business`` minutes to the group ``key``."""
    group = groups.get(key)
    if group is None:
        group = groups[key] = [0, 0, 0, {}, {}]
    count, met, breached = counts
    group[0] += count
    group[1] += met
    group[2] += breached
    if wall is not None:
        walls = group[3]
        walls[wall] = walls.get(wall, 0) + count
    if business is not None:
        businesses = group[4]
        businesses[business] = businesses.get(business, 0) + count


def _rolled_up(groups, key):
    """Sum the counts of ``groups`` by ``key(group's key)``; return
    ``{key: figures}``."""
    merged = {}
    for each, (count, met, breached, wall, business) in groups.items():
        target = merged.setdefault(key(each), [0, 0, 0, {}, {}])
        target[0] += count
        target[1] += met
        target[2] += breached
        for minutes, n in wall.items():
            target[3][minutes] = target[3].get(minutes, 0) + n
        for minutes, n in business.items():
            target[4][minutes] = target[4].get(minutes, 0) + n
    return {
        each: _grouped_figures(
            count,
            met,
            breached,
            _rounded(_histogram_percentiles(wall)),
            _rounded(_histogram_percentiles(business)),
        )
        for each, (count, met, breached, wall, business) in merged.items()
    }


def _histogram_percentiles(counts):
    """``percentile_cont`` of the values counted in ``{value: count}``: the
    same linear interpolation between closest ranks as ``percentile``."""
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(_PERCENTILES)
    values = sorted(counts)
    found = {}
    for name, fraction in _PERCENTILES.items():
        position = fraction * (total - 1)
        low, high = math.floor(position), math.ceil(position)
        first, second = _at_rank(values, counts, low), _at_rank(values, counts, high)
        found[name] = first + (second - first) * (position - low)
    return found


def _at_rank(values, counts, rank):
    """The value at ``rank`` (from 0) of the sorted values counted."""
    seen = 0
    for value in values:
        seen += counts[value]
        if seen > rank:
            return value
    raise IndexError(rank)


def _ranked(groups):
    """Most comments first, then the key, as a list of ``(key, figures)``."""
    return sorted(groups.items(), key=lambda kv: (-kv[1]["count"], str(kv[0])))


def _by_responder(groups):
    """Figures per responder who held the comment (answered it, or let it
    wait), by name; comments nobody claimed are under ``responder: null``."""
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


def _rule_histograms(comments):
    """Count the judged comments each rule flagged by minutes to first
    response (a comment flagged by two rules counts for each, once however
    many of its words each rule found): one statement, any database. The
    matches are found through their comment's index, each comment's outcome
    read once (from the report's index) and carried along."""
    inner, params = _outcomes(comments, comment=F("pk")).query.sql_with_params()
    matches = RuleMatch._meta.db_table
    sql = f"""
        SELECT p.rule, p.wall, p.business, COUNT(*), SUM(p.met), SUM(p.breached)
        FROM (
            SELECT DISTINCT m.rule, m.comment_id, j.wall, j.business, j.met,
                j.breached
            FROM {matches} m JOIN ({inner}) j ON j.comment = m.comment_id
        ) p
        GROUP BY p.rule, p.wall, p.business
    """  # noqa: S608 (the table name and the inner query are Django's)
    groups = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for rule, wall, business, *row in cursor:
            _add(groups, rule, wall, business, row)
    return groups


def _by_rule(groups):
    """Figures per rule that flagged the comments, by the rule's latest name."""
    groups = _rolled_up(groups, lambda key: key)
    names = {}
    # The latest version's name of each rule: first seen in this order wins.
    for rule in Rule.objects.filter(slug__in=list(groups)).order_by("-version__number"):
        names.setdefault(rule.slug, rule.name)
    return [
        {"rule": key, "name": names.get(key, key), **figures}
        for key, figures in _ranked(groups)
    ]


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
