"""Reads of the work shared by the pages and the API."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from moderation.models import Answer, Comment, Event, OutboxMessage, RuleMatch
from policies.classify import build_matcher
from policies.models import Rule


def inbox(
    *, user, channel=None, status=None, category=None, mine=False, unassigned=False
):
    """Return open comments, most urgent first (the partial due-time index)."""
    comments = Comment.objects.filter(status__in=Comment.OPEN_STATUSES)
    if status:
        comments = Comment.objects.filter(status=status)
    if channel:
        comments = comments.filter(channel__slug=channel)
    if category:
        # JSON containment works on PostgreSQL and SQLite alike for a string
        # inside a list once written as a JSON fragment.
        comments = comments.filter(categories__icontains=f'"{category}"')
    if mine:
        comments = comments.filter(assignee=user)
    if unassigned:
        comments = comments.filter(assignee__isnull=True)
    return (
        comments.select_related("channel", "assignee")
        .prefetch_related("matches")
        .order_by("first_response_due_at", "-priority", "pk")
    )


def comment_detail(pk):
    """Return a comment with what its page shows, in a fixed number of queries."""
    return (
        Comment.objects.select_related("channel", "assignee")
        .prefetch_related(
            Prefetch("matches", queryset=RuleMatch.objects.order_by("start")),
            Prefetch(
                "events",
                queryset=Event.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related(
                    "author", "approver"
                ).prefetch_related(
                    Prefetch(
                        "deliveries", queryset=OutboxMessage.objects.order_by("pk")
                    )
                ),
            ),
        )
        .get(pk=pk)
    )


def rules_of(comment):
    """Return the rules a comment hit, with guidance, references and templates."""
    return (
        Rule.objects.filter(
            version__number=comment.policy_version,
            slug__in={match.rule for match in comment.matches.all()},
        )
        .prefetch_related("legal_references", "answer_templates")
        .order_by("position")
    )


def pending_answers():
    return (
        Answer.objects.filter(status=Answer.Status.PENDING_APPROVAL)
        .select_related("comment__channel", "author")
        .order_by("created_at")
    )


def other_comments(comment, limit=10):
    """Return the author's other comments on the same channel, newest first."""
    return (
        Comment.objects.filter(channel_id=comment.channel_id, author=comment.author)
        .exclude(pk=comment.pk)
        .order_by("-posted_at")[:limit]
    )


def backtest(*, version, days=7, now=None, limit=5000):
    """Compare what ``version`` flags with what each stored comment was flagged
    for, over the comments received in the last ``days`` days.

    Return ``(checked, changes)``: ``changes`` lists ``(comment, added, removed)``
    with the rule slugs the version would add or drop.
    """
    now = now or timezone.now()
    matcher = build_matcher(version)
    comments = (
        Comment.objects.filter(received_at__gte=now - datetime.timedelta(days=days))
        .select_related("channel")
        .prefetch_related("matches")
        .order_by("-received_at")[:limit]
    )
    changes, checked = [], 0
    for comment in comments:
        checked += 1
        before = {match.rule for match in comment.matches.all()}
        result = matcher.classify(
            comment.text,
            language=comment.language,
            platform=comment.channel.platform,
            author=comment.author,
        )
        after = {match.rule for match in result.matches}
        if before != after:
            changes.append((comment, sorted(after - before), sorted(before - after)))
    return checked, changes
