"""The outbox: messages to a channel's platform, sent by a task with retries."""

import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import retry
from core.enqueue import enqueue
from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit
from moderation import connectors
from moderation.models import OutboxMessage
from moderation.services.transitions import require_scope

logger = logging.getLogger(__name__)


def outbox_answer(answer, *, now):
    """Record a published answer in the outbox; sent after commit when the
    channel has a sending connector."""
    channel = answer.comment.channel
    sends = channel.connector == channel.Connector.WEBHOOK
    message = OutboxMessage.objects.create(
        channel=channel,
        answer=answer,
        kind="answer.published",
        created_at=now,
        next_attempt_at=now,
        status=OutboxMessage.Status.PENDING if sends else OutboxMessage.Status.KEPT,
        payload={
            "channel": channel.slug,
            "comment": answer.comment.external_id,
            "comment_url": answer.comment.url,
            "answer": answer.pk,
            "body": answer.body,
            "language": answer.comment.language,
            "published_at": now.isoformat(),
        },
    )
    if sends:
        # If the broker is down the message waits; the minute sweep sends it.
        after_commit(_queue_send, message.pk)
    return message


def _queue_send(message_id):
    enqueue("moderation.tasks.send_outbox", message_id)


# Attempts, waits and lease: the one policy of core.retry, as for e-mail (the
# lease outlasts an outbound call's total deadline, outbound.TOTAL_TIMEOUT).


def outbox_send(*, message_id, now=None, post=None):
    """Make one attempt at sending a pending message that is due.

    Return the message's status afterwards, or ``None`` when another sender
    holds it or it is not due. The attempt is counted and the message leased
    (a conditional update) before the request, so concurrent senders cannot
    both post it, and a sender killed mid-request leaves it due again later.
    """
    post = post or connectors.post_signed
    now = now or timezone.now()
    S_ = OutboxMessage.Status
    leased = OutboxMessage.objects.filter(
        pk=message_id, status=S_.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + retry.LEASE, attempts=F("attempts") + 1)
    if not leased:
        return None
    message = OutboxMessage.objects.select_related("channel").get(pk=message_id)
    try:
        post(message, now=now)
    except connectors.DeliveryFailed as exc:
        gave_up = retry.gave_up(message.attempts)
        message.status = S_.FAILED if gave_up else S_.PENDING
        message.next_attempt_at = now + retry.backoff(message.attempts)
        # People see a generic message; what the other side said stays in
        # the log, or the page would show an internal server's reply.
        message.last_error = exc.public
        logger.warning(
            "Outbox message %s to channel %s, attempt %s: %s",
            message.pk,
            message.channel.slug,
            message.attempts,
            exc,
        )
    else:
        message.status = S_.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["status", "next_attempt_at", "last_error", "sent_at"])
    return message.status


def outbox_send_due(*, now=None, limit=200):
    """Queue an attempt for each message due (the minute sweep); return how many."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in due:
        enqueue("moderation.tasks.send_outbox", message_id)
    return len(due)


def outbox_retry(*, message, actor, now=None):
    """Put a failed message back in line with a fresh set of attempts."""
    require(actor, Capability.APPROVE, _("Only approvers retry deliveries."))
    if message.answer_id:
        require_scope(actor, message.answer.comment)
    now = now or timezone.now()
    retried = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.FAILED
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now)
    if retried:
        after_commit(_queue_send, message.pk)
    return bool(retried)
