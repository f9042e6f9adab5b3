"""The outbox: messages to a channel's platform, sent by a task with retries."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core import delivery
from core.enqueue import enqueue
from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit
from moderation import registry
from moderation.models import Comment, OutboxMessage
from moderation.services.channel_state import channel_state_update
from moderation.services.transitions import require_scope


def outbox_answer(answer, *, now):
    """Record a published answer in the outbox; sent after commit when the
    channel's connector can reply, kept otherwise."""
    channel = answer.comment.channel
    sends = registry.get(channel.connector).can(registry.Ability.REPLY)
    message = OutboxMessage.objects.create(
        channel=channel,
        answer=answer,
        comment=answer.comment,
        kind=registry.REPLY_KIND,
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


def outbox_comment_action(comment, *, kind, ability, now, payload=None):
    """Record a hide, unhide, delete or author action for the platform; sent
    after commit when the channel's connector has ``ability``.

    Return the message, or ``None`` when the connector cannot do it there:
    the caller tells people plainly that it happened here only.
    """
    channel = comment.channel
    if not registry.get(channel.connector).can(ability):
        return None
    message = OutboxMessage.objects.create(
        channel=channel,
        comment=comment,
        kind=kind,
        created_at=now,
        next_attempt_at=now,
        payload={
            "channel": channel.slug,
            "comment": comment.external_id,
            "comment_url": comment.url,
            **(payload or {}),
        },
    )
    after_commit(_queue_send, message.pk)
    return message


def _queue_send(message_id):
    enqueue("moderation.tasks.send_outbox", message_id)


# What other writers of outbox messages hand to after_commit.
queue_send = _queue_send


# Attempts, waits and lease: the one policy of core.retry, as for e-mail (the
# lease outlasts an outbound call's total deadline, outbound.TOTAL_TIMEOUT).


def _deliver(message, *, now):
    return registry.get(message.channel.connector).deliver(message, now=now)


def outbox_send(*, message_id, now=None, post=None):
    """Make one attempt at sending a pending message that is due.

    The channel's connector delivers it (``post`` stands in for it in tests).

    Return the message's status afterwards, or ``None`` when another sender
    holds it or it is not due (``core.delivery.attempt``: leased before the
    request, so concurrent senders cannot both post it).
    """
    now = now or timezone.now()
    status = delivery.attempt(
        OutboxMessage.objects.select_related("channel", "comment"),
        message_id,
        now=now,
        send=lambda message: (post or _deliver)(message, now=now),
        failures=registry.ConnectorError,
        # People see a generic message; what the other side said stays in the
        # log, or the page would show an internal server's reply.
        error_text=registry.public_text,
        label=lambda message: (
            f"Outbox message {message.pk} to channel {message.channel.slug}"
        ),
        sent=_record_delivered,
    )
    if status is not None:
        _record_health(message_id, status, now=now)
    return status


def _record_delivered(message, result):
    """Keep where a reply landed on the platform (``registry.Delivered``)."""
    if not isinstance(result, registry.Delivered):
        return []
    message.platform_id = result.external_id[:500]
    url = result.url or ""
    message.platform_url = url if url.startswith(("https://", "http://")) else ""
    return ["platform_id", "platform_url"]


def _record_health(message_id, status, *, now):
    """The channel's health: its last delivery, or the error of this attempt."""
    channel_id, last_error, kind, comment_id = OutboxMessage.objects.values_list(
        "channel_id", "last_error", "kind", "comment_id"
    ).get(pk=message_id)
    if status == OutboxMessage.Status.SENT:
        channel_state_update(channel_id, last_delivery_at=now)
        if kind in (registry.HIDE_KIND, registry.UNHIDE_KIND, registry.PUBLISH_KIND):
            Comment.objects.filter(pk=comment_id).update(
                hidden_on_platform=kind == registry.HIDE_KIND
            )
        elif kind == registry.DELETE_KIND:
            # The platform said it is gone: the page shows it removed there.
            Comment.objects.filter(
                pk=comment_id, removed_on_platform_at__isnull=True
            ).update(removed_on_platform_at=now)
    else:
        channel_state_update(channel_id, last_error=last_error, last_error_at=now)


def outbox_send_due(*, now=None, limit=200):
    """Queue an attempt for each message due (the minute sweep); return how many."""
    due = delivery.due(OutboxMessage.objects, now=now or timezone.now(), limit=limit)
    for message_id in due:
        enqueue("moderation.tasks.send_outbox", message_id)
    return len(due)


def outbox_retry(*, message, actor, now=None):
    """Put a failed message back in line with a fresh set of attempts; return
    whether. A deletion whose comment is no longer *Deleted* (reversed on
    appeal) is never sent again."""
    require(actor, Capability.APPROVE, _("Only approvers retry deliveries."))
    if message.answer_id:
        require_scope(actor, message.answer.comment)
    if (
        message.kind == registry.DELETE_KIND
        and Comment.objects.filter(pk=message.comment_id)
        .exclude(status=Comment.Status.DELETED)
        .exists()
    ):
        return False
    retried = delivery.put_back(
        OutboxMessage.objects, message.pk, now=now or timezone.now()
    )
    if retried:
        after_commit(_queue_send, message.pk)
    return retried
