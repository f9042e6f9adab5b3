"""Reads of the work shared by the pages and the API."""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _

from core.roles import Capability, roles_granting
from moderation import access, masking, reasons, registry
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
from policies.matcher import UNDISCLOSED_TIE
from policies.models import (
    Category,
    DisclosureHandle,
    Rule,
    Severity,
    normalize_handle,
)
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
    view=None,
    author=None,
    now=None,
):
    """Return open comments, most urgent first (the partial due-time index);
    ``view`` is one of ``VIEWS``, as counted by ``view_counts``."""
    comments = comments_visible_to(user)
    if view in VIEWS:
        comments = comments.filter(
            view_filter(view, user=user, now=now or timezone.now())
        )
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
    if author:
        # The author's handle as stored (moderation_author_recent_idx).
        comments = comments.filter(author=author)
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
    # Inside the SLA's warning window (amber); ``late`` is past due (red).
    warning: bool
    sent_back: bool
    # The platform holds it back until it is published (YouTube).
    held: bool = False
    # Arrived since the version of the inbox the page showed before a refresh.
    fresh: bool = False


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
                held=bool((comment.platform_data or {}).get("held"))
                and comment.status != Comment.Status.HIDDEN,
                warning=not due < now
                and comment.warn_at is not None
                and comment.warn_at <= now,
                sent_back=comment.status == Comment.Status.ASSIGNED
                and comment.sent_back_at is not None,
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
                    kind__in=[
                        registry.HIDE_KIND,
                        registry.UNHIDE_KIND,
                        registry.DELETE_KIND,
                    ]
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


def pending_answers(*, user):
    """Return the answers waiting for approval that ``user`` may see, oldest
    first, each with its comment's text as ``user`` may see it and why it
    needs approval, in words."""
    answers = (
        answers_visible_to(user)
        .filter(status=Answer.Status.PENDING_APPROVAL)
        .select_related("comment__channel", "author")
        .prefetch_related("comment__matches")
        .order_by("created_at")
    )
    answers = list(answers)
    names = rule_names(
        slugs=reasons.rule_slugs(a.needs_approval_because for a in answers),
        policy_versions={a.comment.policy_version for a in answers},
    )
    return [
        (
            answer,
            masking.visible_text(answer.comment, user),
            reasons.sentence(answer.needs_approval_because, rule_names=names),
        )
        for answer in answers
    ]


# The author panel: at most this many comments, and "and 99+ more" past it.
HISTORY_LIMIT = 10
HISTORY_COUNT_CAP = 99
ANSWER_WORDS = 12


@dataclass(frozen=True)
class Decided:
    """One of the author's other comments with what was decided on it."""

    comment: Comment
    text: str
    decision: str
    statement: str
    answer: str


@dataclass(frozen=True)
class TieEntry:
    """The entry of the registry of ties that matched a comment's author."""

    party: str
    kind: str
    platform: str
    handle: str
    statement: str
    public: bool


@dataclass(frozen=True)
class AuthorHistory:
    """The author panel: their other comments, how many more, the tie."""

    comments: list
    more: str
    ties: list


def decision_of(comment):
    """Return what was decided on ``comment``, as a sentence."""
    if comment.removed_on_platform_at:
        return _("Removed on the platform")
    sentences = {
        Comment.Status.NEW: _("Not handled yet"),
        Comment.Status.ASSIGNED: _("Being handled"),
        Comment.Status.PENDING_APPROVAL: _("An answer awaits approval"),
        Comment.Status.ANSWERED: _("Answered"),
        Comment.Status.ESCALATED: _("Escalated, not decided yet"),
        Comment.Status.HIDDEN: _("Hidden"),
        Comment.Status.DELETED: _("Deleted on the platform by us"),
        Comment.Status.CLOSED: _("Closed, no action needed"),
    }
    return sentences.get(comment.status, comment.get_status_display())


def author_history(comment, *, user, limit=HISTORY_LIMIT):
    """Return the ``AuthorHistory`` of ``comment``'s author for ``user``: their
    earlier comments on the channel (posted before ``comment``; on the same
    instant, received before it) that ``user`` may see, newest first, with
    what was decided on each (text masked as ``user`` may see it), and the
    registry entries of an undisclosed tie that matched ``comment``.

    A fixed number of queries whatever the history: the comments, their
    matches, statements and published answers, one capped count, and the
    registry when a tie matched.
    """
    if not comment.author:
        # An erased handle (retention, an access request) is no one's: it must
        # not tie the anonymised comments together again.
        return AuthorHistory([], "", tie_entries(comment))
    visible = (
        comments_visible_to(user)
        .filter(channel_id=comment.channel_id, author=comment.author)
        # What the author had said before this comment, not what came after:
        # the panel helps judge this comment, not later ones.
        .filter(
            Q(posted_at__lt=comment.posted_at)
            | Q(posted_at=comment.posted_at, pk__lt=comment.pk)
        )
    )
    others = list(
        visible.select_related("channel")
        .prefetch_related(
            "matches",
            # Statements live in decisions, above moderation: reached through
            # the relation, never imported.
            Prefetch(
                "statements",
                queryset=comment.statements.model.objects.order_by("-restricted_at"),
                to_attr="statements_newest",
            ),
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(status=Answer.Status.PUBLISHED).order_by(
                    "-created_at"
                ),
                to_attr="published_answers",
            ),
        )
        .order_by("-posted_at", "-pk")[:limit]
    )
    more = ""
    if len(others) == limit:
        total = visible.order_by()[: limit + HISTORY_COUNT_CAP + 1].count()
        if total > limit:
            rest = total - limit
            more = f"{HISTORY_COUNT_CAP}+" if rest > HISTORY_COUNT_CAP else str(rest)
    rows = [
        Decided(
            other,
            masking.visible_text(other, user),
            decision_of(other),
            other.statements_newest[0].reference if other.statements_newest else "",
            Truncator(other.published_answers[0].body).words(ANSWER_WORDS)
            if other.published_answers
            else "",
        )
        for other in others
    ]
    return AuthorHistory(rows, more, tie_entries(comment))


def tie_entries(comment):
    """Return the ``TieEntry`` rows of the registry that matched ``comment``
    when a rule about undisclosed ties did (none otherwise)."""
    if not any(m.category == UNDISCLOSED_TIE for m in comment.matches.all()):
        return []
    today = timezone.localdate()
    # Only published entries feed the matcher (policies.classify.ties_registry).
    handles = DisclosureHandle.objects.filter(
        handle=normalize_handle(comment.author),
        platform=comment.channel.platform,
        disclosure__published=True,
    ).select_related("disclosure")
    return [
        TieEntry(
            party=h.disclosure.party,
            kind=h.disclosure.get_kind_display(),
            platform=h.get_platform_display(),
            handle=h.handle,
            statement=h.disclosure.statement,
            public=h.disclosure.published and h.disclosure.is_active(today),
        )
        for h in handles.order_by("disclosure__party", "pk")
    ]


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


def answer_preview(*, comment, actor, now, rule_names=None):
    """Return ``(publishes, sentence)``: what sending an answer now does, in
    words, decided by ``approval_reasons`` as ``answer_submit`` decides it."""
    codes = approval_reasons(comment=comment, actor=actor, now=now)
    if not codes:
        return True, _("Sending publishes the answer now.")
    why = reasons.clauses(codes, rule_names=rule_names, to_you=True)
    return False, _("Sending puts the answer up for approval because %(why)s.") % {
        "why": get_text_list(why, _("and"))
    }


def rule_names(*, slugs, policy_versions):
    """Return rule slug -> name (in the current language) for ``slugs``."""
    if not slugs:
        return {}
    rules = Rule.objects.filter(
        slug__in=sorted(slugs), version__number__in=sorted(policy_versions)
    ).only("slug", "name_fr", "name_en")
    return {rule.slug: rule.name for rule in rules}


# The variables an answer template may use, written {author} in its body.
_VARIABLE = re.compile(r"\{(\w+)\}")


def fill_template(body, variables):
    """Return ``body`` with each known ``{variable}`` replaced; an unknown one
    stays as written, so that a typo shows instead of vanishing."""
    return _VARIABLE.sub(
        lambda found: str(variables.get(found.group(1), found.group(0))), body
    )


def template_variables(comment, *, rule, links):
    """Return what a template about ``rule`` (or none) may say of ``comment``."""
    return {
        "author": comment.author_name or comment.author,
        "channel": str(comment.channel),
        "rule": rule.name if rule is not None else "",
        **links,
    }


def sent_back_answer(comment):
    """Return the answer sent back to its author last, while the comment is
    sent back (its answers prefetched), else ``None``."""
    if comment.status != Comment.Status.ASSIGNED or comment.sent_back_at is None:
        return None
    rejected = [a for a in comment.answers.all() if a.status == Answer.Status.REJECTED]
    return max(rejected, key=lambda a: (a.decided_at, a.pk)) if rejected else None


def next_comment(comment, *, user):
    """Return the next open comment ``user`` may take or holds, in the inbox's
    order after ``comment`` (then from the top), or ``None``."""
    workable = (
        comments_visible_to(user)
        .filter(status__in=(Comment.Status.NEW, Comment.Status.ASSIGNED))
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .exclude(pk=comment.pk)
        .order_by("first_response_due_at", "-priority", "pk")
    )
    after = workable.filter(
        Q(first_response_due_at__gt=comment.first_response_due_at)
        | Q(first_response_due_at=comment.first_response_due_at, pk__gt=comment.pk)
    ).first()
    # Both read, always: the page's query count stays the same either way,
    # and each walks the inbox's due-time index.
    top = workable.first()
    return after or top


# Counts stop here: "99+" says enough and a count never reads more rows.
VIEW_COUNT_CAP = 99

VIEWS = ("mine", "unassigned", "sent_back", "escalated", "breaching", "open")


def view_filter(view, *, user, now):
    """Return the condition of the inbox's view ``view``."""
    return {
        "mine": Q(assignee=user),
        "unassigned": Q(assignee__isnull=True, status=Comment.Status.NEW),
        "sent_back": Q(status=Comment.Status.ASSIGNED, sent_back_at__isnull=False),
        "escalated": Q(status=Comment.Status.ESCALATED, escalated_to=user),
        "breaching": Q(
            first_response_due_at__gte=now,
            first_response_due_at__lt=now + datetime.timedelta(hours=1),
        ),
        "open": Q(),
    }[view]


def capped(count):
    """Return a view's count as shown: "99+" past the cap."""
    return f"{VIEW_COUNT_CAP}+" if count > VIEW_COUNT_CAP else str(count)


def view_counts(*, user, now):
    """Return view -> capped count of the open comments ``user`` may see, in
    one query: each count reads at most ``VIEW_COUNT_CAP + 1`` index rows."""
    base = comments_visible_to(user).filter(status__in=Comment.OPEN_STATUSES)
    parts, params = [], []
    for view in VIEWS:
        # In the inbox's order: the planner walks its due-time indexes and
        # stops at the cap rather than gathering every match first.
        limited = (
            base.filter(view_filter(view, user=user, now=now))
            .order_by("first_response_due_at", "-priority", "pk")
            .values("pk")[: VIEW_COUNT_CAP + 1]
        )
        sql, view_params = limited.query.sql_with_params()
        # The SQL is Django's own, compiled from the queryset; values go in params.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {view}_rows)")  # noqa: S608
        params.extend(view_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {view: capped(count) for view, count in zip(VIEWS, row, strict=True)}


def pending_approvals_count(*, user):
    """Return the capped count of answers waiting for ``user``'s approval,
    theirs excepted (the navigation's "Approvals (2)")."""
    waiting = (
        answers_visible_to(user)
        .filter(status=Answer.Status.PENDING_APPROVAL)
        .exclude(author=user)
        .order_by()
        .values("pk")[: VIEW_COUNT_CAP + 1]
    )
    count = waiting.count()
    return capped(count) if count else ""


def received_since(ids, *, since):
    """Return which of the comments ``ids`` were received after the inbox
    version ``since`` ("<last event id>.<minute>"), in one query."""
    last, _dot, _minute = since.partition(".")
    if not ids or not last.isdigit():
        return set()
    return set(
        Event.objects.filter(
            comment_id__in=ids, action=Event.Action.INGESTED, pk__gt=int(last)
        ).values_list("comment_id", flat=True)
    )
