"""The cockpit: what a head of communications reads every morning, in a fixed
number of queries whatever the number of comments."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation import access, health, selectors
from moderation.models import Answer, Channel, Comment
from moderation.sla import reports
from policies.models import Severity
from staffing import selectors as staffing

LISTED = 20  # rows of each list; the inbox has the rest


@dataclass(frozen=True)
class Week:
    """First-response figures of a week: median minutes and breach rate."""

    count: int
    median_minutes: float | None
    breach_rate: float | None


def _week_figures(*, start, end, channels, timeout):
    """Return the ``Week`` of [start, end), from the cache when it has it.

    A week's figures read every comment answered in it (a quarter of a
    million on a busy month): this week's are at most ``timeout`` seconds
    old, last week's no longer change.
    """
    scope = "all" if channels is None else ",".join(str(c.pk) for c in channels)
    key = f"cockpit:week:{start.isoformat()}:{scope}"
    found = cache.get(key)
    if found is None:
        found = _week_read(start=start, end=end, channels=channels)
        cache.set(key, found, timeout)
    return found


def _week_read(*, start, end, channels):
    comments = reports.judged(start=start, end=end, channels=channels)
    counts = comments.aggregate(
        count=Count("pk"), breached=Count("pk", filter=reports.BREACHED)
    )
    median = reports.percentiles(comments, "response_minutes", fractions=(0.5,))
    return Week(
        count=counts["count"],
        median_minutes=median["p50"],
        breach_rate=counts["breached"] / counts["count"] if counts["count"] else None,
    )


def _weekend_first(gaps, now):
    """Order gaps so that those of the coming weekend (Saturday and Sunday,
    local time) lead: the weekend is where coverage goes missing."""
    today = timezone.localdate(now)
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7)
    zone = timezone.get_current_timezone()
    begins = datetime.datetime.combine(saturday, datetime.time()).replace(tzinfo=zone)
    if today.weekday() == 6:  # already Sunday: this weekend is the coming one
        begins -= datetime.timedelta(days=7)
    ends = begins + datetime.timedelta(days=2)
    return sorted(gaps, key=lambda g: (not (g[0] < ends and g[1] > begins), g[0]))


def cockpit(*, user, now=None):
    """Return the cockpit of ``user``: their channels only."""
    now = now or timezone.now()
    visible = selectors.comments_visible_to(user)
    open_ = visible.filter(status__in=Comment.OPEN_STATUSES)
    slugs = dict(Channel.objects.values_list("pk", "slug"))
    by_channel = {}
    # Grouped and counted on indexed columns only: an index-only scan of
    # moderation_open_severity_idx rather than a read of the open rows.
    for row in (
        open_.values("channel_id", "severity")
        .annotate(count=Count("channel_id"))
        .order_by()
    ):
        counts = by_channel.setdefault(slugs[row["channel_id"]], {})
        counts[row["severity"] or "none"] = row["count"]
    # Both lists read the partial index moderation_sla_breach_idx or
    # moderation_open_urgent_idx in due order: a few rows, not a scan.
    listed = open_.select_related("channel", "assignee").order_by(
        "first_response_due_at", "-priority", "pk"
    )
    overdue = list(listed.filter(first_response_due_at__lt=now)[:LISTED])
    due_soon = list(
        listed.filter(
            first_response_due_at__gte=now,
            first_response_due_at__lt=now + datetime.timedelta(hours=1),
        )[:LISTED]
    )
    approvals = list(
        selectors.answers_visible_to(user)
        .filter(status=Answer.Status.PENDING_APPROVAL)
        .select_related("comment__channel", "author")
        .order_by("created_at", "pk")[:LISTED]
    )
    escalations = list(
        open_.filter(status=Comment.Status.ESCALATED)
        .select_related("channel", "escalated_to")
        .order_by("escalated_at", "pk")[:LISTED]
    )
    gaps = []
    for calendar in staffing.calendars().filter(always_open=True):
        gaps += [
            (start, end, calendar)
            for start, end in staffing.coverage_gaps(
                calendar=calendar, start=now, end=now + datetime.timedelta(days=14)
            )
        ]
    channels = selectors.channels_visible_to(user).filter(active=True).order_by("slug")
    scoped = None if access.channel_scope(user) is None else list(channels)
    monday = timezone.localdate(now) - datetime.timedelta(
        days=timezone.localdate(now).weekday()
    )
    zone = timezone.get_current_timezone()
    this_week = datetime.datetime.combine(monday, datetime.time()).replace(tzinfo=zone)
    last_week = this_week - datetime.timedelta(days=7)
    return {
        "now": now,
        "open_by_channel": sorted(by_channel.items()),
        "severities": [
            *reversed(Severity.choices),
            ("none", _("Not flagged")),
        ],
        "overdue": overdue,
        "due_soon": due_soon,
        "approvals": [(answer, now - answer.created_at) for answer in approvals],
        "escalations": escalations,
        "gaps": _weekend_first(gaps, now),
        "health": health.channels_health(channels, now=now),
        "this_week": _week_figures(
            start=this_week, end=now, channels=scoped, timeout=300
        ),
        "last_week": _week_figures(
            start=last_week, end=this_week, channels=scoped, timeout=24 * 3600
        ),
    }
