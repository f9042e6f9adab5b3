"""Reads of the due-process pages: the transparency report, the queue."""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count, Q

from decisions.models import Appeal, Notice, Statement
from moderation.models import Comment, RuleMatch
from moderation.sla.reports import percentiles

MIN_YEAR, MAX_YEAR = 2000, 2200


def quarter_bounds(year, quarter):
    """Return ``[start, end)`` of the quarter in the organisation's time zone."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= quarter <= 4):
        raise ValueError((year, quarter))
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime(year, 3 * quarter - 2, 1, tzinfo=zone)
    end = (
        datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        if quarter == 4
        else datetime.datetime(year, 3 * quarter + 1, 1, tzinfo=zone)
    )
    return start, end


def current_quarter(now):
    local = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return local.year, (local.month - 1) // 3 + 1


def transparency_report(*, year, quarter):
    """Return the figures of the quarter: counts only, no personal data."""
    start, end = quarter_bounds(year, quarter)
    comments = Comment.objects.filter(received_at__gte=start, received_at__lt=end)
    statements = Statement.objects.filter(
        restricted_at__gte=start, restricted_at__lt=end
    )
    notices = Notice.objects.filter(received_at__gte=start, received_at__lt=end)
    appeals = Appeal.objects.filter(lodged_at__gte=start, lodged_at__lt=end)
    flagged = (
        RuleMatch.objects.filter(
            comment__received_at__gte=start, comment__received_at__lt=end
        )
        .values("rule")
        .annotate(comments=Count("comment_id", distinct=True))
        .order_by("-comments", "rule")
    )
    by_kind = statements.values("kind").annotate(count=Count("pk")).order_by("kind")
    decided = statements.aggregate(
        total=Count("pk"),
        automated=Count("pk", filter=Q(decided_automatically=True)),
        detected=Count("pk", filter=Q(detected_automatically=True)),
        reversed=Count("pk", filter=Q(reversed_at__isnull=False)),
    )
    notice_counts = notices.aggregate(
        total=Count("pk"),
        acted=Count("pk", filter=Q(status=Notice.Status.ACTED)),
        rejected=Count("pk", filter=Q(status=Notice.Status.REJECTED)),
        pending=Count("pk", filter=Q(status=Notice.Status.PENDING)),
    )
    appeal_counts = appeals.aggregate(
        total=Count("pk"),
        human_reviews=Count("pk", filter=Q(kind=Appeal.Kind.HUMAN_REVIEW)),
        upheld=Count("pk", filter=Q(status=Appeal.Status.UPHELD)),
        reversed=Count("pk", filter=Q(status=Appeal.Status.REVERSED)),
        pending=Count("pk", filter=Q(status=Appeal.Status.PENDING)),
    )
    return {
        "year": year,
        "quarter": quarter,
        "start": start.date().isoformat(),
        "end": (end - datetime.timedelta(days=1)).date().isoformat(),
        "comments_received": comments.count(),
        "flagged_by_rule": [dict(row) for row in flagged],
        "decisions": {**decided, "by_type": {r["kind"]: r["count"] for r in by_kind}},
        "median_minutes_to_decision": percentiles(
            statements, "minutes_to_decision", (0.5,)
        )["p50"],
        "median_minutes_to_first_response": percentiles(
            comments, "response_minutes", (0.5,)
        )["p50"],
        "notices": notice_counts,
        "appeals": appeal_counts,
    }


def queue_items():
    """Return the pending appeals and notices, the most urgent first."""
    appeals = list(
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .select_related("statement")
        .order_by("due_at", "pk")[:200]
    )
    notices = list(
        Notice.objects.filter(status=Notice.Status.PENDING).order_by("due_at", "pk")[
            :200
        ]
    )
    return sorted(appeals + notices, key=lambda item: item.due_at)
