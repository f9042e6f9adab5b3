"""Reads of the work shared by the pages and the API."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from core.roles import Capability, roles_granting
from moderation import access, masking, registry
from moderation.durations import countdown
from moderation.models import (
    Answer,
    Channel,
    Comment,
    Event,
    OutboxMessage,
    RuleMatch,
)
from policies.classify import build_matcher
from policies.models import Category, Rule, Severity
from staffing.selectors import may_answer_without_approval


def _scoped(queryset, user, prefix=""):
    """Narrow ``queryset`` to the channels ``user`` may see (``prefix`` leads
    from its model to the comment); nothing for an account switched off."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    scope = access.channel_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{prefix}channel__slug__in": sorted(scope)})


def comments_visible_to(user):
    """Return the comments ``user`` may see and act on: those of their
    channels, every channel for managers.

    Those who do not triage (counsel) see only what is escalated to them or
    what they hold. Every page, endpoint and form that finds a comment by id
    starts here, so that a comment one may not see is not found (404).
    """
    comments = _scoped(Comment.objects.all(), user)
    if user.is_authenticated and not user.can(Capability.TRIAGE):
        # Escalated to them while it still is: taken by a manager or sent
        # back, the comment is no longer theirs to see.
        comments = comments.filter(
            Q(status=Comment.Status.ESCALATED, escalated_to=user) | Q(assignee=user)
        )
    return comments


def answers_visible_to(user):
    """Return the answers to the comments ``user`` may see."""
    return _scoped(Answer.objects.all(), user, prefix="comment__")


def channels_visible_to(user):
    """Return the channels whose comments ``user`` may see."""
    if not (user.is_authenticated and user.is_active):
        return Channel.objects.none()
    scope = access.channel_scope(user)
    channels = Channel.objects.all()
    return channels if scope is None else channels.filter(slug__in=sorted(scope))


def inbox(
    *,
    user,
    channel=None,
    status=None,
    category=None,
    mine=False,
    unassigned=False,
    escalated_to_me=False,
):
    """Return open comments, most urgent first (the partial due-time index)."""
    comments = comments_visible_to(user)
    if status:
        comments = comments.filter(status=status)
    else:
        comments = comments.filter(status__in=Comment.OPEN_STATUSES)
    if escalated_to_me:
        comments = comments.filter(status=Comment.Status.ESCALATED, escalated_to=user)
    if channel:
        comments = comments.filter(channel__slug=channel)
    if category:
        if connection.vendor == "postgresql":
            # JSONB containment: estimated from the column's statistics, so the
            # planner walks the urgency index for a common category and the
            # GIN index for a rare one.
            comments = comments.filter(categories__contains=[category])
        else:
            # SQLite has no JSON containment; the category inside the list,
            # quoted, is as exact.
            comments = comments.filter(categories__icontains=f'"{category}"')
    if mine:
        comments = comments.filter(assignee=user)
    if unassigned:
        comments = comments.filter(assignee__isnull=True)
    return (
        comments.select_related("channel", "assignee", "escalated_to")
        .prefetch_related("matches")
        .order_by("first_response_due_at", "-priority", "pk")
    )


@dataclass(frozen=True)
class InboxRow:
    """What one inbox row shows, computed once in Python: the template only
    prints it (escaped), which keeps a page of 100 rows cheap to render."""

    comment: Comment
    url: str
    claim_url: str
    due_iso: str
    countdown: str
    late: bool
    severity_label: str
    status_label: str
    excerpt: str
    category_labels: list
    assignee: str
    claimable: bool


EXCERPT_LENGTH = 160


def inbox_rows(comments, *, now, user):
    """Return an ``InboxRow`` per comment as ``user`` may see it.

    Personal data follows the one rule of ``moderation.access``, as on the
    comment page and in the API: its assignee, the person it is escalated to,
    approvers and managers read it; everyone else gets it blotted out. The
    rule needs no query per row (``channel`` is selected with the row).
    """
    severities = dict(Severity.choices)
    statuses = dict(Comment.Status.choices)
    categories = dict(Category.choices)
    rows = []
    for comment in comments:
        text = masking.visible_text(comment, user)
        if len(text) > EXCERPT_LENGTH:
            text = text[: EXCERPT_LENGTH - 1] + "…"
        due = comment.first_response_due_at
        rows.append(
            InboxRow(
                comment=comment,
                url=reverse("moderation:comment", args=[comment.pk]),
                claim_url=reverse("moderation:comment-claim", args=[comment.pk]),
                due_iso=due.isoformat(),
                countdown=countdown(due, now),
                late=due < now,
                severity_label=severities.get(comment.severity, ""),
                status_label=statuses.get(comment.status, comment.status),
                excerpt=text,
                category_labels=[categories.get(c, c) for c in comment.categories],
                assignee=_holder(comment),
                claimable=comment.assignee_id is None
                and comment.status == Comment.Status.NEW,
            )
        )
    return rows


def _holder(comment):
    if comment.status == Comment.Status.ESCALATED and comment.escalated_to:
        return "→ " + comment.escalated_to.get_username()
    return comment.assignee.get_username() if comment.assignee else ""


def escalatees():
    """Return who an escalated comment may be given to: counsel and managers."""
    User = get_user_model()
    counsel = Q(groups__name__in=roles_granting(Capability.HANDLE_LEGAL))
    managers = User.objects.with_capability(Capability.PLAN_COVERAGE)
    return (
        User.objects.filter(is_active=True)
        .filter(counsel | Q(pk__in=managers.values("pk")))
        .distinct()
        .order_by("username")
    )


def comment_detail(pk, *, user):
    """Return a comment ``user`` may see with what its page shows, in a fixed
    number of queries; raise ``Comment.DoesNotExist`` otherwise."""
    return (
        comments_visible_to(user)
        .select_related("channel", "assignee", "escalated_to", "post")
        .prefetch_related(
            Prefetch("matches", queryset=RuleMatch.objects.order_by("start")),
            # What the platform was asked to do to the comment (hide, unhide).
            Prefetch(
                "deliveries",
                queryset=OutboxMessage.objects.filter(
                    kind__in=[registry.HIDE_KIND, registry.UNHIDE_KIND]
                ).order_by("pk"),
                to_attr="platform_actions",
            ),
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


def parent_of(comment, *, user):
    """Return the stored comment ``comment`` replies to, or ``None``, in two
    queries (it and its matches, for masking); ``visible`` on it says whether
    ``user`` may open its page."""
    if not comment.parent_external_id:
        return None
    return (
        Comment.objects.filter(
            channel_id=comment.channel_id, external_id=comment.parent_external_id
        )
        .select_related("channel")
        .prefetch_related("matches")
        .annotate(visible=Exists(comments_visible_to(user).filter(pk=OuterRef("pk"))))
        .first()
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


@dataclass(frozen=True)
class Shown:
    """A comment with its text as the person reading the page may see it."""

    comment: Comment
    text: str


def pending_answers(*, user):
    """Return the answers waiting for approval that ``user`` may see, oldest
    first, each with its comment's text as ``user`` may see it."""
    answers = (
        answers_visible_to(user)
        .filter(status=Answer.Status.PENDING_APPROVAL)
        .select_related("comment__channel", "author")
        .prefetch_related("comment__matches")
        .order_by("created_at")
    )
    return [(answer, masking.visible_text(answer.comment, user)) for answer in answers]


def other_comments(comment, *, user, limit=10):
    """Return the author's other comments on the same channel, newest first,
    as ``Shown`` (text as ``user`` may see it)."""
    others = (
        comments_visible_to(user)
        .filter(channel_id=comment.channel_id, author=comment.author)
        .exclude(pk=comment.pk)
        .select_related("channel")
        .prefetch_related("matches")
        .order_by("-posted_at")[:limit]
    )
    return [Shown(other, masking.visible_text(other, user)) for other in others]


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


def approval_reasons(*, comment, actor, now):
    """Return why an answer by ``actor`` to ``comment`` needs approval (or [])."""

    reasons = []
    risky = Rule.objects.filter(
        version__number=comment.policy_version,
        slug__in=comment.matches.values_list("rule", flat=True),
        requires_approval=True,
    ).values_list("slug", flat=True)
    if risky:
        reasons.append("rule:" + ",".join(sorted(risky)))
    decision = may_answer_without_approval(
        responder=actor,
        channel=comment.channel.slug,
        categories=comment.categories,
        severity=comment.severity or "low",
        at=now,
    )
    if not decision.allowed:
        reasons.append(decision.reason)
    return reasons
