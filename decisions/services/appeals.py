"""Appeals of statements (DSA art. 20) and human reviews of automated
decisions (Law 25, s. 12.1): lodged by whoever holds the statement's link,
decided by a person other than the one who decided, reversals undone on the
platform through the outbox; a reversed deletion, which no platform can undo,
is undone here only, and the author is told so."""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import errors
from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit
from decisions.models import Appeal, Statement
from decisions.references import secret_matches
from decisions.services.queue import queue_due
from decisions.services.statements import statement_url
from moderation import access, registry
from moderation.models import Comment, OutboxMessage
from moderation.registry import AuthorAction
from moderation.restrictions import Kind
from moderation.services.authors import author_undo
from moderation.services.outbox import outbox_comment_action, queue_send
from moderation.services.transitions import Conflict, transition

REASONS_LENGTH = 5000
APPEAL_MONTHS = 6


class AppealRefused(errors.DomainError):
    """The appeal cannot be lodged (late, already lodged, wrong link)."""


def add_months(at, months):
    """Return ``at`` plus ``months`` calendar months (the last day of a
    shorter month when the day does not exist: 31 August + 6 = 28 February)."""
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    if year > datetime.MAXYEAR:
        raise OverflowError(f"{at} plus {months} months is past the calendar")
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def appeal_deadline(statement):
    """Return until when the statement may be appealed (six months)."""
    try:
        return add_months(statement.restricted_at, APPEAL_MONTHS)
    except OverflowError:  # year 9999: no end in the calendar
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)


def appeal_lodge(*, statement, secret, reasons, kind=Appeal.Kind.APPEAL, now=None):
    """Lodge an appeal (or a request for a human review) of ``statement``;
    return it. Free, with reasons, within six months, one at a time."""
    now = now or timezone.now()
    if not secret_matches(statement.reference, secret):
        raise PermissionDenied(_("Only the link sent to the author allows an appeal."))
    kind = Appeal.Kind(kind)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why the decision should change.")})
    if len(reasons) > REASONS_LENGTH:
        raise ValidationError(
            {"reasons": _("At most %(n)d characters.") % {"n": REASONS_LENGTH}}
        )
    if kind == Appeal.Kind.HUMAN_REVIEW and not statement.decided_automatically:
        raise AppealRefused(_("A person already took this decision."))
    if now > appeal_deadline(statement):
        raise AppealRefused(_("The six months to appeal this decision have passed."))
    if statement.reversed_at is not None:
        raise AppealRefused(_("This decision was already reversed."))
    if statement.appeals.filter(kind=kind).exclude(status=Appeal.Status.PENDING):
        raise AppealRefused(_("This decision was already reviewed on appeal."))
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                statement=statement,
                kind=kind,
                reasons=reasons,
                lodged_at=now,
                due_at=queue_due("appeals", now),
            )
    except IntegrityError:
        raise AppealRefused(
            _("An appeal of this decision is already waiting.")
        ) from None


def may_decide(actor, appeal):
    """Return whether ``actor`` may decide ``appeal``: a reviewer who serves
    the comment's channel and did not take the decision appealed."""
    statement = appeal.statement
    if not actor.can(Capability.DECIDE_APPEALS):
        return False
    if statement.decided_by_id == actor.pk:
        return False
    return statement.comment is None or access.in_scope(actor, statement.comment)


def appeal_decide(*, appeal, actor, outcome, reasons, now=None):
    """Uphold or reverse the decision appealed, with reasons; return the appeal.

    A reversed hide shows the comment again, here and on the platform (an
    unhide through the outbox, in the same transaction); a reversed mute or
    block is lifted the same way (unmute, unblock) where the platform can. A
    reversed deletion restores the comment here only: its copy on the
    platform is gone, so nothing is sent there.
    """
    require(actor, Capability.DECIDE_APPEALS, _("Only reviewers decide appeals."))
    now = now or timezone.now()
    appeal = Appeal.objects.select_related("statement__comment__channel").get(
        pk=appeal.pk
    )
    statement = appeal.statement
    if statement.decided_by_id == actor.pk:
        raise PermissionDenied(
            _("Someone other than the person who decided must decide the appeal.")
        )
    if statement.comment is not None and not access.in_scope(actor, statement.comment):
        raise PermissionDenied(_("This comment is outside your channels."))
    outcome = Appeal.Status(outcome) if outcome in Appeal.Status.values else None
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.REVERSED):
        raise ValidationError({"outcome": _("Choose upheld or reversed.")})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why.")})
    with transaction.atomic():
        won = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
            status=outcome, decided_by=actor, decided_at=now, outcome=reasons
        )
        if not won:
            raise Conflict(_("This appeal was already decided."))
        if outcome == Appeal.Status.REVERSED:
            Statement.objects.filter(pk=statement.pk).update(reversed_at=now)
            _undo(statement, actor=actor, reasons=reasons, now=now)
        appeal.refresh_from_db()
        _tell_author(appeal, now=now)
    return appeal


def deletion_reversed(statement):
    """Return whether ``statement`` is of a deletion reversed on appeal."""
    return statement.kind == Kind.DELETED and statement.reversed_at is not None


# What an unsent deletion keeps as its error once the deletion is reversed
# (a msgid, translated on display).
DELETION_STOPPED = gettext_noop("Not sent: the deletion was reversed on appeal.")


def platform_copy_gone(statement):
    """Return whether the deleted comment is gone from its platform: the
    deletion was delivered, or the platform said it was removed there."""
    comment = statement.comment
    if comment is None:
        return True
    return (
        comment.removed_on_platform_at is not None
        or comment.deliveries.filter(
            kind=registry.DELETE_KIND, status=OutboxMessage.Status.SENT
        ).exists()
    )


def text_still_held(statement):
    """Return whether the deleted comment's text is still kept here (not
    erased by the retention schedule nor by an anonymisation)."""
    comment = statement.comment
    return (
        comment is not None
        and comment.text_erased_at is None
        and bool(comment.text.strip())
    )


def deletion_reversed_text(statement):
    """Return what the author is told of a reversed deletion, in the active
    language: the platform's copy cannot be put back, and whether they may
    post the text again; or that the deletion never reached the platform."""
    if not platform_copy_gone(statement):
        return _(
            "The deletion had not reached the platform yet: it was stopped, and "
            "the comment stays there."
        )
    text = _(
        "The comment was deleted on the platform and cannot be put back there: "
        "no platform restores a deleted comment."
    )
    if text_still_held(statement):
        text += " " + _(
            "Its text is still kept here: you may ask us for it and post it again."
        )
    return text


def outcome_text(appeal):
    """Return the private message telling the author the outcome, in the
    statement's language."""
    statement = appeal.statement
    with translation.override(statement.language):
        if appeal.status == Appeal.Status.REVERSED and statement.kind == Kind.DELETED:
            text = (
                _(
                    "Your appeal of decision %(reference)s was accepted: the "
                    "decision is reversed."
                )
                + " "
                + deletion_reversed_text(statement).replace("%", "%%")
                + " "
                + _("Reasons: %(reasons)s. Details: %(url)s")
            )
        elif appeal.status == Appeal.Status.REVERSED:
            text = _(
                "Your appeal of decision %(reference)s was accepted: the decision "
                "is reversed. Reasons: %(reasons)s. Details: %(url)s"
            )
        else:
            text = _(
                "Your appeal of decision %(reference)s was rejected: the "
                "decision stands. Reasons: %(reasons)s. Details: %(url)s"
            )
        return text % {
            "reference": statement.reference,
            "reasons": appeal.outcome,
            "url": statement_url(statement, secret=False),
        }


def _tell_author(appeal, *, now):
    """Send the outcome to the author in a private message where the
    platform allows it; elsewhere it is on the decision's page."""
    comment = appeal.statement.comment
    if comment is None or not comment.author:
        return
    if not registry.get(comment.channel.connector).can(registry.Ability.MESSAGE_AUTHOR):
        return
    message = OutboxMessage.objects.create(
        channel=comment.channel,
        comment=comment,
        kind=registry.STATEMENT_KIND,
        created_at=now,
        next_attempt_at=now,
        payload={
            "channel": comment.channel.slug,
            "comment": comment.external_id,
            "author": comment.author,
            "reference": appeal.statement.reference,
            "language": appeal.statement.language,
            "outcome": appeal.status,
            "text": outcome_text(appeal),
        },
    )
    after_commit(queue_send, message.pk)


# The author actions a reversal lifts on the platform; a report handed to
# the platform's moderators cannot be withdrawn there, and stays recorded.
LIFTED = {Kind.AUTHOR_MUTED: AuthorAction.MUTE, Kind.AUTHOR_BLOCKED: AuthorAction.BLOCK}


def _undo(statement, *, actor, reasons, now):
    """Show a hidden comment again, lift a mute or a block of its author, or
    restore a deleted comment here."""
    comment = statement.comment
    if comment is None:
        return
    reason = _("Reversed on appeal %(reference)s: %(reasons)s") % {
        "reference": statement.reference,
        "reasons": reasons,
    }
    if statement.kind == Kind.DELETED:
        _restore(comment, actor=actor, reason=reason, now=now)
        return
    if statement.kind in LIFTED:
        author_undo(
            comment=comment,
            actor=actor,
            action=LIFTED[statement.kind],
            reason=reason,
            now=now,
        )
        return
    if statement.kind != Kind.HIDDEN or comment.status != Comment.Status.HIDDEN:
        return
    comment = transition(
        comment,
        actor=actor,
        action="unhidden",
        allowed_from=(Comment.Status.HIDDEN,),
        to=Comment.Status.ASSIGNED if comment.assignee_id else Comment.Status.NEW,
        reason=reason,
        now=now,
    )
    outbox_comment_action(
        comment, kind=registry.UNHIDE_KIND, ability=registry.Ability.HIDE, now=now
    )


def _restore(comment, *, actor, reason, now):
    """Undo a deletion here: the comment is no longer *Deleted* but closed
    (nothing is left to do with it on the platform), with a *restored* event.

    Nothing is sent to the platform: no API puts a deleted comment back, and
    a call that can only fail would sit in the outbox as a failure. A
    deletion not delivered yet (waiting for a retry, or failed) is stopped:
    it is marked failed with the reason and is never retried
    (``outbox_retry``). One an outbox worker is sending at this very moment
    may still land.
    """
    if comment.status != Comment.Status.DELETED:
        return
    OutboxMessage.objects.filter(
        comment=comment,
        kind=registry.DELETE_KIND,
        status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED),
    ).update(status=OutboxMessage.Status.FAILED, last_error=DELETION_STOPPED)
    transition(
        comment,
        actor=actor,
        action="restored",
        allowed_from=(Comment.Status.DELETED,),
        to=Comment.Status.CLOSED,
        reason=reason,
        now=now,
    )
