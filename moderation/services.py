"""State changes of the work: ingest and transitions, each with its audit event."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation import webhooks
from moderation.models import Comment, Event, RuleMatch, WebhookDelivery
from policies.classify import classify_text
from policies.models import SEVERITY_RANK
from staffing import businesstime, selectors
from staffing.roles import Capability

# First-response targets in business minutes of the channel's calendar, by the
# highest severity a comment hit; the SLA policies of a channel refine them.
DEFAULT_TARGET_MINUTES = {
    "critical": 60,
    "high": 240,
    "medium": 480,
    "low": 1440,
    "": 1440,
}


class Conflict(Exception):
    """A transition lost a race or does not apply; the message says why."""


def _event(comment, *, actor, action, before="", after="", reason="", now):
    return Event.objects.create(
        comment=comment,
        actor=actor,
        action=action,
        before=before,
        after=after,
        reason=reason,
        at=now,
    )


def priority_for(matches):
    """Return a comment's priority: its highest severity, then how many rules it hit."""
    if not matches:
        return 0
    highest = max(SEVERITY_RANK[m.severity] for m in matches)
    return highest * 10 + min(9, len({m.rule for m in matches}))


def comment_ingest(
    *,
    channel,
    external_id,
    author,
    text,
    posted_at,
    url="",
    language=None,
    parent="",
    actor=None,
    now=None,
):
    """Store an incoming comment with its matches and due time; return it and
    whether it was new.

    Idempotent on (channel, external id), also when two deliveries race: the
    loser of the unique constraint returns the winner's comment.
    """
    existing = Comment.objects.filter(channel=channel, external_id=external_id).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    result = classify_text(
        text=text, language=language, platform=channel.platform, author=author
    )
    severity = max(
        (m.severity for m in result.matches), key=SEVERITY_RANK.get, default=""
    )
    spec = selectors.calendar_spec(
        channel.calendar, start=posted_at, end=posted_at + datetime.timedelta(days=30)
    )
    due = businesstime.add_business_minutes(
        spec, posted_at, DEFAULT_TARGET_MINUTES[severity]
    )
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                channel=channel,
                external_id=external_id,
                author=author,
                text=text,
                language=result.language,
                url=url,
                parent_external_id=parent,
                posted_at=posted_at,
                received_at=now,
                severity=severity,
                priority=priority_for(result.matches),
                categories=sorted({m.category for m in result.matches}),
                policy_version=result.policy_version,
                first_response_due_at=due,
            )
            RuleMatch.objects.bulk_create(
                RuleMatch(
                    comment=comment,
                    policy_version=result.policy_version,
                    rule=m.rule,
                    category=m.category,
                    severity=m.severity,
                    pattern=m.pattern[:500],
                    start=m.start,
                    end=m.end,
                    excerpt=m.excerpt,
                )
                for m in result.matches
            )
            _event(
                comment, actor=actor, action="ingested", after=comment.status, now=now
            )
    except IntegrityError:
        return Comment.objects.get(channel=channel, external_id=external_id), False
    return comment, True


def comment_claim(*, comment, actor, now=None):
    """Assign a new comment to ``actor``; exactly one of several claimants wins."""
    if not actor.can(Capability.TRIAGE):
        raise PermissionDenied(_("Only responders claim comments."))
    now = now or timezone.now()
    with transaction.atomic():
        won = Comment.objects.filter(
            pk=comment.pk, status=Comment.Status.NEW, assignee__isnull=True
        ).update(status=Comment.Status.ASSIGNED, assignee=actor)
        if not won:
            current = Comment.objects.select_related("assignee").get(pk=comment.pk)
            if current.assignee_id == actor.pk:
                return current
            if current.assignee is not None:
                raise Conflict(
                    _("Already taken by %(name)s.")
                    % {"name": current.assignee.get_full_name() or current.assignee}
                )
            raise Conflict(
                _("This comment is %(status)s and cannot be claimed.")
                % {"status": current.get_status_display()}
            )
        _event(
            comment,
            actor=actor,
            action="claimed",
            before=Comment.Status.NEW,
            after=Comment.Status.ASSIGNED,
            now=now,
        )
    comment.refresh_from_db()
    return comment


def webhook_accept(*, channel, timestamp, signature, body, now=None):
    """Check a signed webhook request and record it; raise ``BadSignature``.

    The delivery is recorded before the comment is ingested, in its own
    transaction, so a replay of the same request is refused even while the
    first is still being processed.
    """
    now = now or timezone.now()
    digest = webhooks.verify(
        channel.webhook_secret, timestamp, signature, body, now=now.timestamp()
    )
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(
                channel=channel, signature=digest, received_at=now
            )
    except IntegrityError:
        raise webhooks.BadSignature("replayed request") from None
