"""What every transition of a comment shares: the conditional update with
its audit event, and who may act."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import errors
from core.permissions import require_any
from core.roles import Capability
from moderation import access
from moderation.models import Comment, Event


class Conflict(errors.Conflict):
    """A transition lost a race or does not apply; the message says why."""


def event_write(comment, *, actor, action, before="", after="", reason="", now):
    return Event.objects.create(
        comment=comment,
        actor=actor,
        action=action,
        before=before,
        after=after,
        reason=reason,
        at=now,
    )


def require_scope(actor, comment):
    """Refuse an action on a comment outside the actor's channels.

    Pages and the API do not find such a comment (404); this is the second
    line, for every other caller.
    """
    if not access.in_scope(actor, comment):
        raise PermissionDenied(_("This comment is outside your channels."))


S = Comment.Status


def transition(
    comment,
    *,
    actor,
    action,
    allowed_from,
    to,
    reason="",
    now,
    where=None,
    held_by=None,
    savepoint=True,
    refresh=True,
    **changes,
):
    """Move ``comment`` from one of ``allowed_from`` to ``to`` with its event.

    From several statuses, or with ``held_by``, the row is locked before its
    status is read, so that the event records the status the comment really
    left and who held it; from one, the conditional update says it, and the
    status is read only to explain a refusal. The conditional update makes
    racing actions safe: only one finds the comment still in a status it may
    leave.
    ``where`` (a ``Q``) adds what must still hold, such as who holds the
    comment, so that a claim or an escalation landing between the check and
    the update wins; ``held_by``: the comment is still assigned to that person
    (who answers it). Any transition ends a wait for routing: the next gap is a
    new one. ``savepoint=False`` when the caller's transaction fails with a
    conflict anyway; ``refresh=False`` sets what changed on ``comment``
    rather than reading it again.
    """
    single = len(allowed_from) == 1 and held_by is None
    with transaction.atomic(savepoint=savepoint):
        current = None if single else _locked_status(comment)
        if held_by is not None and current["assignee_id"] != held_by.pk:
            raise Conflict(_("Claim the comment before answering it."))
        condition = where or Q()
        if held_by is not None:
            condition &= Q(assignee=held_by)
        updated = (
            Comment.objects.filter(pk=comment.pk, status__in=allowed_from)
            .filter(condition)
            .update(status=to, routing_gap_since=None, **changes)
        )
        if not updated:
            current = current or _locked_status(comment)
            if current["status"] in allowed_from and where is not None:
                raise Conflict(
                    _("This comment changed hands meanwhile: it cannot be %(action)s.")
                    % {"action": _ACTION_LABELS[action]}
                )
            raise Conflict(
                _("This comment is %(status)s: it cannot be %(action)s.")
                % {
                    "status": Comment.Status(current["status"]).label,
                    "action": _ACTION_LABELS[action],
                }
            )
        event_write(
            comment,
            actor=actor,
            action=action,
            before=allowed_from[0] if single else current["status"],
            after=to,
            reason=reason,
            now=now,
        )
    if refresh:
        comment.refresh_from_db()
    else:
        for name, value in {"status": to, "routing_gap_since": None, **changes}.items():
            if hasattr(value, "resolve_expression"):
                # Known to the database only: deferred, read if asked for.
                comment.__dict__.pop(name, None)
            else:
                setattr(comment, name, value)
    return comment


def _locked_status(comment):
    """Return the comment's status and assignee, locking its row."""
    current = (
        Comment.objects.select_for_update()
        .filter(pk=comment.pk)
        .values("status", "assignee_id")
        .first()
    )
    if current is None:  # deleted meanwhile (by an administrator)
        raise Conflict(_("This comment no longer exists."))
    return current


_ACTION_LABELS = {
    "escalated": gettext_lazy("escalated"),
    "hidden": gettext_lazy("hidden"),
    "unhidden": gettext_lazy("shown again"),
    "deleted": gettext_lazy("deleted"),
    "restored": gettext_lazy("restored"),
    "closed": gettext_lazy("closed"),
    "released": gettext_lazy("released"),
    "reassigned": gettext_lazy("reassigned"),
    "taken": gettext_lazy("taken"),
    "undone": gettext_lazy("undone"),
    "sent_back": gettext_lazy("sent back to the queue"),
    "escalation_reassigned": gettext_lazy("reassigned"),
    "answered": gettext_lazy("answered"),
    "answer_submitted": gettext_lazy("answered"),
    "answer_approved": gettext_lazy("approved"),
    "answer_rejected": gettext_lazy("rejected"),
}


# Who works on comments at all: responders on the queue, counsel on what is
# escalated to them, managers on everything.
WORKERS = (Capability.TRIAGE, Capability.HANDLE_LEGAL, Capability.PLAN_COVERAGE)


def require_worker(actor, message):
    require_any(actor, WORKERS, message)


def may_act_on(comment, actor):
    """Return whether ``actor`` may close, hide or escalate ``comment``: the
    person it is escalated to while it is, else its holder; anyone who triages
    when nobody holds it; managers always."""
    if actor.can(Capability.PLAN_COVERAGE):
        return True
    if comment.status == S.ESCALATED:
        return comment.escalated_to_id == actor.pk
    if comment.assignee_id:
        return comment.assignee_id == actor.pk
    return actor.can(Capability.TRIAGE)


def acting(actor):
    """Return ``may_act_on`` as a condition for the conditional update."""
    if actor.can(Capability.PLAN_COVERAGE):
        return Q()
    rule = Q(status=S.ESCALATED, escalated_to=actor) | (
        ~Q(status=S.ESCALATED) & Q(assignee=actor)
    )
    if actor.can(Capability.TRIAGE):
        rule |= ~Q(status=S.ESCALATED) & Q(assignee__isnull=True)
    return rule


def comment_reload(comment):
    """Return ``comment`` read again, with what a transition reads of it."""
    return Comment.objects.select_related(
        "channel__sla_policy__calendar", "channel__calendar", "assignee", "escalated_to"
    ).get(pk=comment.pk)


def check_may_act(comment, actor, verb):
    if may_act_on(comment, actor):
        return
    holder = comment.escalated_to if comment.status == S.ESCALATED else comment.assignee
    if holder is None:
        raise PermissionDenied(
            _("Only managers may %(verb)s this comment.") % {"verb": verb}
        )
    raise PermissionDenied(
        _("%(name)s holds this comment: only they or a manager may %(verb)s it.")
        % {"name": holder.get_full_name() or holder.get_username(), "verb": verb}
    )


def require_reason(reason, message):
    if not reason.strip():
        raise ValidationError({"reason": message})
