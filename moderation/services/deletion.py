"""Delete a comment on its platform: where the rulebook says so, once a
manager confirms.

Hiding can be undone; deleting cannot, so it is narrower: only a comment
that a rule whose action is ``delete`` matched, only by a manager, with a
reason, and only on a channel whose connector can delete there. The comment
stays here with the status ``deleted`` (what was said and done stays on
record); the platform is asked through the outbox, with its retries, and
the statement of reasons is written in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import errors
from core.permissions import require
from core.roles import Capability
from moderation import registry, restrictions
from moderation.services.outbox import outbox_comment_action
from moderation.services.transitions import (
    Conflict,
    S,
    comment_reload,
    require_reason,
    require_scope,
    transition,
)
from policies.models import Action, Rule

# What may be deleted: what may be hidden, and what is hidden already.
DELETABLE = (S.NEW, S.ASSIGNED, S.ESCALATED, S.HIDDEN)


class NotOffered(errors.DomainError):
    """The channel's platform does not let the organisation delete comments."""


def deleting_rules(comment):
    """Return the rules matched by ``comment`` whose action is to delete it
    (of the version it was matched against), by name."""
    slugs = {match.rule for match in comment.matches.all()}
    if not slugs:
        return []
    return list(
        Rule.objects.filter(
            version__number=comment.policy_version,
            slug__in=slugs,
            action=Action.DELETE,
        ).order_by("slug")
    )


def may_delete_there(comment):
    """Return whether the comment's connector can delete it on its platform."""
    try:
        connector = registry.get(comment.channel.connector)
    except registry.UnknownConnector:
        return False
    return connector.can(registry.Ability.DELETE)


def deletion_offered(comment, user):
    """Return whether the comment page offers ``user`` to delete ``comment``:
    a manager, a comment that may still be deleted, a rule that says so."""
    return (
        user.can(Capability.PLAN_COVERAGE)
        and comment.status in DELETABLE
        and bool(deleting_rules(comment))
    )


def comment_delete(*, comment, actor, reason="", now=None):
    """Delete the comment on its platform and mark it deleted here (managers,
    with a reason, where a matched rule's action says to delete)."""
    require(actor, Capability.PLAN_COVERAGE, _("Only managers delete comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    require_reason(reason, _("Say why the comment is deleted."))
    rules = deleting_rules(comment)
    if not rules:
        raise Conflict(
            _("No rule of the rulebook says to delete this comment; hide it instead.")
        )
    if not may_delete_there(comment):
        raise NotOffered(
            _("The platform of this channel does not let the organisation delete it.")
        )
    with transaction.atomic():
        comment = transition(
            comment,
            actor=actor,
            action="deleted",
            allowed_from=DELETABLE,
            to=S.DELETED,
            reason=reason,
            now=now,
        )
        outbox_comment_action(
            comment,
            kind=registry.DELETE_KIND,
            ability=registry.Ability.DELETE,
            now=now,
            payload={"rules": [rule.slug for rule in rules]},
        )
        restrictions.restricted(
            comment=comment,
            kind=restrictions.Kind.DELETED,
            actor=actor,
            reason=reason,
            at=now,
            rule=rules[0].slug,
        )
    return comment
