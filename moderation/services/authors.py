"""Act on a comment's author on the platform: mute, block or report them,
and lift a mute or a block again.

Some platforms cannot hide a reply (Mastodon); what they offer instead is an
action on its author, taken on the organisation's account. Each one is an
audit event and an outbox message of kind ``registry.AUTHOR_KIND``, written
together, and sent after commit with the outbox's retries.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import errors
from core.roles import Capability
from core.transactions import after_commit
from moderation import registry, restrictions
from moderation.models import Event, OutboxMessage
from moderation.registry import Ability, AuthorAction
from moderation.services.outbox import queue_send
from moderation.services.transitions import (
    S,
    comment_reload,
    event_write,
    require_reason,
    require_scope,
    require_worker,
)

EVENTS = {
    AuthorAction.MUTE: Event.Action.AUTHOR_MUTED,
    AuthorAction.BLOCK: Event.Action.AUTHOR_BLOCKED,
    AuthorAction.REPORT: Event.Action.AUTHOR_REPORTED,
}


RESTRICTIONS = {
    AuthorAction.MUTE: restrictions.Kind.AUTHOR_MUTED,
    AuthorAction.BLOCK: restrictions.Kind.AUTHOR_BLOCKED,
    AuthorAction.REPORT: restrictions.Kind.AUTHOR_REPORTED,
}


class NotOffered(errors.DomainError):
    """The channel's platform does not offer that action on authors."""


def author_actions_of(channel, user=None):
    """Return the ``AuthorAction`` values the channel's connector offers (to
    ``user``, when given: some are for managers only), in the order of the
    choices ([] when it cannot act on authors)."""
    connector = registry.get(channel.connector)
    if not connector.can(Ability.ACT_ON_AUTHOR):
        return []
    offered = {AuthorAction(action) for action in connector.author_actions}
    if user is not None and not user.can(Capability.PLAN_COVERAGE):
        offered -= {AuthorAction(a) for a in connector.author_actions_for_managers}
    return [action for action in AuthorAction if action in offered]


def _holds(comment, actor):
    if comment.status == S.ESCALATED:
        return comment.escalated_to_id == actor.pk
    return comment.assignee_id == actor.pk


def author_act(*, comment, actor, action, reason, now=None):
    """Mute, block or report the comment's author on its platform; return the
    outbox message.

    Managers, or whoever holds the comment (its assignee, or the person it is
    escalated to), with a reason: it stays in the audit trail, and a report
    hands it to the platform's moderators.
    """
    require_worker(actor, _("Only responders act on authors."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if not actor.can(Capability.PLAN_COVERAGE) and not _holds(comment, actor):
        raise PermissionDenied(
            _("Only whoever holds this comment, or a manager, may act on its author.")
        )
    try:
        action = AuthorAction(action)
    except ValueError:
        raise ValidationError({"action": _("Choose mute, block or report.")}) from None
    require_reason(reason, _("Say why you act on the author."))
    if action not in author_actions_of(comment.channel):
        raise NotOffered(
            _("The platform of this channel does not offer this action: %(action)s.")
            % {"action": action.label}
        )
    if action not in author_actions_of(comment.channel, actor):
        raise PermissionDenied(
            _("Only a manager may take this action on this platform: %(action)s.")
            % {"action": action.label}
        )
    with transaction.atomic():
        event_write(comment, actor=actor, action=EVENTS[action], reason=reason, now=now)
        message = OutboxMessage.objects.create(
            channel=comment.channel,
            comment=comment,
            kind=registry.AUTHOR_KIND,
            created_at=now,
            next_attempt_at=now,
            payload={
                "channel": comment.channel.slug,
                "comment": comment.external_id,
                "author": comment.author,
                "action": action.value,
                "reason": reason,
            },
        )
        after_commit(queue_send, message.pk)
        restrictions.restricted(
            comment=comment,
            kind=RESTRICTIONS[action],
            actor=actor,
            reason=reason,
            at=now,
        )
    return message


UNDO_EVENTS = {
    AuthorAction.MUTE: Event.Action.AUTHOR_UNMUTED,
    AuthorAction.BLOCK: Event.Action.AUTHOR_UNBLOCKED,
}


def author_undo(*, comment, actor, action, reason, now):
    """Lift a mute or a block of the comment's author; return the outbox
    message, or ``None`` when the platform offers no way to lift it.

    The event is written either way, in the caller's transaction (a reversal
    on appeal, whose reviewer the caller checked): the trail says the
    restriction is lifted here, and the outbox lifts it there when it can.
    """
    action = AuthorAction(action)
    if action not in UNDO_EVENTS:
        raise ValueError(f"{action.value} cannot be lifted")
    event_write(
        comment, actor=actor, action=UNDO_EVENTS[action], reason=reason, now=now
    )
    if not registry.get(comment.channel.connector).can_undo(action):
        return None
    message = OutboxMessage.objects.create(
        channel=comment.channel,
        comment=comment,
        kind=registry.AUTHOR_UNDO_KIND,
        created_at=now,
        next_attempt_at=now,
        payload={
            "channel": comment.channel.slug,
            "comment": comment.external_id,
            "author": comment.author,
            "action": action.value,
            "reason": reason,
        },
    )
    after_commit(queue_send, message.pk)
    return message
