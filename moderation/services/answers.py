"""Answers: submit, approve or reject an answer to a comment."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.permissions import require
from core.roles import Capability
from moderation import registry
from moderation.models import Answer, Comment, Macro
from moderation.selectors import approval_reasons
from moderation.services.escalation import comment_take
from moderation.services.outbox import outbox_answer
from moderation.services.transitions import (
    Conflict,
    S,
    event_write,
    require_scope,
    require_worker,
    transition,
)
from moderation.services.triage import comment_hide
from moderation.sla.outcomes import OUTCOME_RELATED, outcome_fields, record_outcome


def answer_submit(*, comment, actor, body, template=None, macro=None, now=None):
    """Answer a claimed comment: published at once when the responder is
    delegated and no rule hit requires approval, otherwise sent for approval.

    Sent with a ``macro`` that hides, the comment is hidden once the answer
    is published (now, or when it is approved), by the same service as the
    Hide button, in the same transaction as the publication.
    """
    require_worker(actor, _("Only responders answer comments."))
    if not body.strip():
        raise ValidationError({"body": _("Write the answer.")})
    now = now or timezone.now()
    comment = Comment.objects.select_related("channel").get(pk=comment.pk)
    require_scope(actor, comment)
    _check_length(comment, body)
    # The person a comment is escalated to answers it straight away: taking
    # it comes first, in the same transaction.
    taking = comment.escalated_to_user(actor)
    if comment.assignee_id != actor.pk and not taking:
        raise Conflict(_("Claim the comment before answering it."))
    reasons = approval_reasons(comment=comment, actor=actor, now=now)
    then = macro.then if macro is not None and macro.then == Macro.Then.HIDE else ""
    with transaction.atomic():
        if taking:
            comment_take(comment=comment, actor=actor, now=now)
        if reasons:
            answer = Answer.objects.create(
                comment=comment,
                author=actor,
                body=body,
                template=template,
                then=then,
                status=Answer.Status.PENDING_APPROVAL,
                created_at=now,
                needs_approval_because="; ".join(reasons)[:200],
            )
            transition(
                comment,
                actor=actor,
                action="answer_submitted",
                allowed_from=(S.ASSIGNED,),
                held_by=actor,
                to=S.PENDING_APPROVAL,
                reason=answer.needs_approval_because,
                now=now,
                sent_back_at=None,
            )
        else:
            answer = Answer.objects.create(
                comment=comment,
                author=actor,
                body=body,
                template=template,
                then=then,
                status=Answer.Status.PUBLISHED,
                created_at=now,
                published_at=now,
            )
            transition(
                comment,
                actor=actor,
                action="answered",
                allowed_from=(S.ASSIGNED,),
                held_by=actor,
                to=S.ANSWERED,
                first_responded_at=now,
                now=now,
                sent_back_at=None,
            )
            record_outcome(comment, now=now)
            outbox_answer(answer, now=now)
            _then(answer, now=now)
    return answer


def _then(answer, *, now):
    """Do what the macro the published ``answer`` was sent with says: hide
    the comment, as its author (who chose the macro) would with Hide."""
    if answer.then != Macro.Then.HIDE:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Hidden by the macro the answer was sent with.")
    comment_hide(comment=answer.comment, actor=answer.author, reason=reason, now=now)


def _check_length(comment, body):
    if limit := registry.answer_too_long(comment.channel.connector, body):
        raise ValidationError(
            {
                "body": _(
                    "On this platform an answer holds at most %(limit)d characters."
                )
                % {"limit": limit}
            }
        )


def answer_approve(*, answer, actor, body=None, now=None):
    """Publish a pending answer; its author may not approve it.

    With ``body``, the approver publishes their edit of the answer: the
    history records the edit (with the words it replaced) and the approval.
    """
    require(actor, Capability.APPROVE, _("Only approvers approve answers."))
    if body is not None and not body.strip():
        raise ValidationError({"body": _("Write the answer.")})
    # One read of the comment serves the scope, the outcome and the outbox.
    comment = Comment.objects.select_related(*OUTCOME_RELATED).get(pk=answer.comment_id)
    require_scope(actor, comment)
    if body is not None:
        _check_length(comment, body)
    if answer.author_id == actor.pk:
        raise PermissionDenied(
            _("An answer is approved by someone other than its author.")
        )
    now = now or timezone.now()
    # Before the decision is written: this answer's wait ends now either way.
    outcome = outcome_fields(comment, now=now)
    # The due time may have been recomputed since the read above (a policy
    # changed): the update judges the target against the stored one.
    outcome["sla_met"] = ExpressionWrapper(
        Q(first_response_due_at__gte=now), output_field=BooleanField()
    )
    with transaction.atomic():
        decided = {
            "status": Answer.Status.PUBLISHED,
            "approver": actor,
            "decided_at": now,
            "published_at": now,
        }
        edited = body is not None and body != answer.body
        if edited:
            decided["body"] = body
        before_edit = answer.body
        won = Answer.objects.filter(
            pk=answer.pk, status=Answer.Status.PENDING_APPROVAL
        ).update(**decided)
        if not won:
            raise Conflict(_("This answer is no longer waiting for approval."))
        for name, value in decided.items():
            setattr(answer, name, value)
        if edited:
            event_write(
                comment,
                actor=actor,
                action="answer_edited",
                reason=before_edit,
                now=now,
            )
        answer.comment = comment
        # The outcome goes in the transition's update; a conflict undoes the
        # whole approval, so no savepoint.
        transition(
            comment,
            actor=actor,
            action="answer_approved",
            allowed_from=(S.PENDING_APPROVAL,),
            to=S.ANSWERED,
            first_responded_at=now,
            now=now,
            savepoint=False,
            refresh=False,
            **outcome,
        )
        outbox_answer(answer, now=now)
        _then(answer, now=now)
    return answer


def answer_reject(*, answer, actor, reason, now=None):
    """Send a pending answer back to its author with the reason."""
    require(actor, Capability.APPROVE, _("Only approvers reject answers."))
    require_scope(actor, answer.comment)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what to change.")})
    now = now or timezone.now()
    with transaction.atomic():
        won = Answer.objects.filter(
            pk=answer.pk, status=Answer.Status.PENDING_APPROVAL
        ).update(
            status=Answer.Status.REJECTED,
            approver=actor,
            decided_at=now,
            sent_back_reason=reason,
        )
        if not won:
            raise Conflict(_("This answer is no longer waiting for approval."))
        answer.refresh_from_db()
        transition(
            answer.comment,
            actor=actor,
            action="answer_rejected",
            allowed_from=(S.PENDING_APPROVAL,),
            to=S.ASSIGNED,
            reason=reason,
            now=now,
            sent_back_at=now,
        )
    return answer
