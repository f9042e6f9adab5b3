"""Triage: claim, hide, close, release and reassign comments, one at a time
or in bulk."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit
from moderation import access, registry, restrictions
from moderation.models import Comment, Event
from moderation.services.escalation import (
    comment_escalate,
    comment_take,
    tell_escalatee,
)
from moderation.services.outbox import outbox_comment_action
from moderation.services.routing import queue_routing
from moderation.services.transitions import (
    Conflict,
    S,
    acting,
    check_may_act,
    comment_reload,
    event_write,
    require_reason,
    require_scope,
    require_worker,
    transition,
)


def comment_claim(*, comment, actor, now=None):
    """Assign a new comment to ``actor``; exactly one of several claimants wins."""
    if not actor.can(Capability.TRIAGE):
        raise PermissionDenied(_("Only responders claim comments."))
    require_scope(actor, comment)
    now = now or timezone.now()
    with transaction.atomic():
        won = Comment.objects.filter(
            pk=comment.pk, status=Comment.Status.NEW, assignee__isnull=True
        ).update(status=Comment.Status.ASSIGNED, assignee=actor, routing_gap_since=None)
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
        event_write(
            comment,
            actor=actor,
            action="claimed",
            before=Comment.Status.NEW,
            after=Comment.Status.ASSIGNED,
            now=now,
        )
    comment.refresh_from_db()
    return comment


# What may be closed or hidden.
SETTLEABLE = (S.NEW, S.ASSIGNED, S.ESCALATED)
# An answered comment may still be hidden: "your comment was hidden" is an
# answer, sent with the macro that hides it.
HIDEABLE = (*SETTLEABLE, S.ANSWERED)


def comment_hide(*, comment, actor, reason="", now=None):
    """Hide the comment (it breaks the netiquette); only its holder, the
    person it is escalated to or a manager, with a reason.

    Where the channel's connector can hide, the platform is asked to through
    the outbox, in the same transaction (retried until it gives up, visibly);
    elsewhere the comment is hidden here only, which the comment page says
    with the connector's ``hide_note``.
    """
    require_worker(actor, _("Only responders hide comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if comment.status in HIDEABLE:  # else a conflict, below
        check_may_act(comment, actor, _("hide"))
    require_reason(reason, _("Say why the comment is hidden."))
    with transaction.atomic():
        comment = transition(
            comment,
            actor=actor,
            action="hidden",
            allowed_from=HIDEABLE,
            to=S.HIDDEN,
            reason=reason,
            now=now,
            where=acting(actor),
        )
        outbox_comment_action(
            comment, kind=registry.HIDE_KIND, ability=registry.Ability.HIDE, now=now
        )
        restrictions.restricted(
            comment=comment,
            kind=restrictions.Kind.HIDDEN,
            actor=actor,
            reason=reason,
            at=now,
        )
    return comment


def comment_unhide(*, comment, actor, reason="", now=None):
    """Show a hidden comment again, here and on the platform where it was
    hidden there (managers, with a reason: a hide reversed on review).

    It goes back to the queue, to its assignee if it had one.
    """
    require(actor, Capability.PLAN_COVERAGE, _("Only managers show hidden comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    require_reason(reason, _("Say why the comment is shown again."))
    with transaction.atomic():
        comment = transition(
            comment,
            actor=actor,
            action="unhidden",
            allowed_from=(S.HIDDEN,),
            to=S.ASSIGNED if comment.assignee_id else S.NEW,
            reason=reason,
            now=now,
        )
        outbox_comment_action(
            comment, kind=registry.UNHIDE_KIND, ability=registry.Ability.HIDE, now=now
        )
    return comment


def comment_publish(*, comment, actor, now=None):
    """Publish a comment the platform held for review (YouTube's
    *Held for review*): it becomes visible there and stays in the inbox to be
    answered. Only its holder, the person it is escalated to or a manager.

    Rejecting a held comment is hiding it (``comment_hide``).
    """
    require_worker(actor, _("Only responders publish comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    check_may_act(comment, actor, _("publish"))
    with transaction.atomic():
        # Locked: two people publishing at once send one message.
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        data = dict(locked.platform_data or {})
        if not data.get("held") or locked.status not in SETTLEABLE:
            raise Conflict(_("This comment is not held for review."))
        data["held"] = False
        locked.platform_data = data
        locked.save(update_fields=["platform_data"])
        event_write(locked, actor=actor, action=Event.Action.PUBLISHED, now=now)
        outbox_comment_action(
            locked, kind=registry.PUBLISH_KIND, ability=registry.Ability.HIDE, now=now
        )
    return locked


def comment_close(*, comment, actor, reason="", now=None):
    """Close the comment: it needs no action. Only its holder, the person it
    is escalated to or a manager, with a reason."""
    require_worker(actor, _("Only responders close comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if comment.status in SETTLEABLE:  # else a conflict, below
        check_may_act(comment, actor, _("close"))
    require_reason(reason, _("Say why the comment needs no action."))
    return transition(
        comment,
        actor=actor,
        action="closed",
        allowed_from=SETTLEABLE,
        to=S.CLOSED,
        reason=reason,
        now=now,
        where=acting(actor),
    )


def comment_release(*, comment, actor, now=None):
    """Give a claimed comment back to the queue (its assignee or a manager)."""
    if comment.assignee_id != actor.pk:
        require(
            actor, Capability.PLAN_COVERAGE, _("Only managers release others' claims.")
        )
    require_scope(actor, comment)
    return transition(
        comment,
        actor=actor,
        action="released",
        allowed_from=(S.ASSIGNED,),
        to=S.NEW,
        assignee=None,
        now=now or timezone.now(),
    )


def comment_reassign(*, comment, actor, to, now=None):
    """Give the comment to another responder, or an escalated comment to
    another manager or counsel, who is told (managers)."""
    require(actor, Capability.PLAN_COVERAGE, _("Only managers reassign comments."))
    now = now or timezone.now()
    current = Comment.objects.values_list("status", flat=True).get(pk=comment.pk)
    if current == S.ESCALATED:
        if not (to.can(Capability.HANDLE_LEGAL) or to.can(Capability.PLAN_COVERAGE)):
            raise ValidationError(
                {"to": _("%(user)s does not handle escalations.") % {"user": to}}
            )
        with transaction.atomic():
            comment = transition(
                comment,
                actor=actor,
                action="escalation_reassigned",
                allowed_from=(S.ESCALATED,),
                to=S.ESCALATED,
                reason=str(to),
                now=now,
                escalated_to=to,
            )
            tell_escalatee(comment, to, now)
        return comment
    if not to.can(Capability.TRIAGE):
        raise ValidationError(
            {"to": _("%(user)s does not answer comments.") % {"user": to}}
        )
    if not access.in_scope(to, comment):
        raise ValidationError(
            {"to": _("%(user)s does not serve this channel.") % {"user": to}}
        )
    return transition(
        comment,
        actor=actor,
        action="reassigned",
        allowed_from=(S.NEW, S.ASSIGNED),
        to=S.ASSIGNED,
        assignee=to,
        reason=str(to),
        now=now,
    )


def comments_release_held(*, user, now=None):
    """Give the comments ``user`` holds back to the queue, each with its
    ``released`` event, and route them again after commit; return their ids.

    Called when the user's account is deleted, in the deletion's transaction:
    without it, their comments would stay assigned to nobody.
    """
    now = now or timezone.now()
    held = list(
        Comment.objects.filter(assignee=user, status=S.ASSIGNED).values_list(
            "pk", flat=True
        )
    )
    released = []
    for pk in held:
        try:
            transition(
                Comment(pk=pk),
                actor=None,
                action="released",
                allowed_from=(S.ASSIGNED,),
                to=S.NEW,
                assignee=None,
                reason="the assignee's account was deleted",
                now=now,
            )
        except Conflict:  # moved on meanwhile: not held any more
            continue
        released.append(pk)
    if released:
        after_commit(queue_routing, released, [])
    return released


def comments_bulk(*, action, comments, actor, reason="", to=None, now=None):
    """Apply one action to several comments, each in its own transaction.

    "assign" claims for the actor when ``to`` is the actor and the comment is
    new, takes it when it is escalated, and reassigns (managers) otherwise.
    Each goes through the same checks as one comment at a time. Return
    ``(done, failed)``: the comments changed, and ``(comment, why)`` for those
    that were not.
    """
    now = now or timezone.now()

    def apply(comment):
        if action == "assign":
            if to == actor and comment.status == S.NEW and not comment.assignee_id:
                return comment_claim(comment=comment, actor=actor, now=now)
            if to == actor and comment.status == S.ESCALATED:
                return comment_take(comment=comment, actor=actor, now=now)
            return comment_reassign(comment=comment, actor=actor, to=to, now=now)
        service = {
            "close": comment_close,
            "hide": comment_hide,
            "escalate": comment_escalate,
        }[action]
        return service(comment=comment, actor=actor, reason=reason, now=now)

    done, failed = [], []
    for comment in comments:
        try:
            apply(comment)
        except (Conflict, PermissionDenied) as exc:
            failed.append((comment, str(exc)))
        except ValidationError as exc:
            failed.append((comment, " ".join(exc.messages)))
        else:
            done.append(comment)
    return done, failed


# How long hiding or closing a comment can be undone by whoever did it.
UNDO_SECONDS = 15
UNDOABLE = ("hidden", "closed")


def undoable_event(comment, *, actor, now):
    """Return the hide or close ``actor`` may still undo on ``comment`` (its
    events read in order), or ``None``: the comment's last event, theirs,
    less than ``UNDO_SECONDS`` old, the comment still in the status it left."""
    events = list(comment.events.all())
    if not events:
        return None
    last = events[-1]
    if (
        last.action in UNDOABLE
        and last.actor_id == actor.pk
        and comment.status == last.after
        and (now - last.at).total_seconds() < UNDO_SECONDS
    ):
        return last
    return None


def comment_undo(*, comment, actor, now=None):
    """Undo ``actor``'s hide or close of ``comment`` within ``UNDO_SECONDS``:
    the comment returns to where it was, with an "undone" event of its own;
    a hide is reversed on the platform through the outbox as well."""
    require_worker(actor, _("Only responders undo their actions."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    event = undoable_event(
        Comment.objects.prefetch_related("events").get(pk=comment.pk),
        actor=actor,
        now=now,
    )
    if event is None:
        raise Conflict(_("Too late to undo: it can be undone for a few seconds only."))
    with transaction.atomic():
        comment = transition(
            comment,
            actor=actor,
            action="undone",
            allowed_from=(event.after,),
            to=event.before,
            # The code of what was undone; the history says it in words.
            reason=event.action,
            now=now,
        )
        if event.action == "hidden":
            outbox_comment_action(
                comment,
                kind=registry.UNHIDE_KIND,
                ability=registry.Ability.HIDE,
                now=now,
            )
    return comment
