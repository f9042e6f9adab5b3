"""State changes of the work: ingest and transitions, each with its audit event."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.services import mail_queue
from governance.transactions import after_commit
from moderation import connectors, sla, webhooks
from moderation.models import (
    Answer,
    Comment,
    Event,
    OutboxMessage,
    RuleMatch,
    WebhookDelivery,
)
from policies.classify import classify_text
from policies.models import SEVERITY_RANK, Rule
from staffing import selectors
from staffing.roles import Capability
from staffing.services import may_answer_without_approval

logger = logging.getLogger(__name__)


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
    route=True,
):
    """Store an incoming comment with its matches and due time; return it and
    whether it was new (see ``comments_ingest``)."""
    item = {
        "channel": channel,
        "external_id": external_id,
        "author": author,
        "text": text,
        "posted_at": posted_at,
        "url": url,
        "language": language,
        "parent": parent,
    }
    [result] = comments_ingest(items=[item], actor=actor, now=now, route=route)
    return result


def comments_ingest(*, items, actor=None, now=None, route=True):
    """Store incoming comments with their matches, due times and audit events;
    return ``(comment, created)`` for each item, in order.

    Each item is a dict of ``comment_ingest``'s arguments. A batch costs one
    lookup of what is already stored, one insert per table, one commit and one
    routing task. Idempotent on (channel, external id), also when deliveries
    race: if a concurrent one stored some of the comments first, the batch is
    stored again one comment at a time and those return the winner's comment.
    ``route=False`` stores without routing or alerting (loading history).
    """
    now = now or timezone.now()
    stored = _stored_comments(items)
    results, fresh, seen = [], [], {}
    specs = {}
    for item in items:
        key = (item["channel"].pk, item["external_id"])
        if key in stored:
            results.append((stored[key], False))
        elif key in seen:  # the same comment twice in one batch
            results.append((seen[key], False))
        else:
            comment, found = _prepare_comment(item, specs=specs, now=now)
            seen[key] = comment
            fresh.append((comment, found))
            results.append((comment, True))
    if not fresh:
        return results
    try:
        with transaction.atomic():
            _insert_comments(fresh, actor=actor, now=now)
    except IntegrityError:
        if len(items) == 1:  # lost the race: the winner's comment is stored
            item = items[0]
            winner = Comment.objects.get(
                channel=item["channel"], external_id=item["external_id"]
            )
            return [(winner, False)]
        # A concurrent delivery stored some of them first: one at a time.
        return [
            result
            for item in items
            for result in comments_ingest(
                items=[item], actor=actor, now=now, route=route
            )
        ]
    if not route:
        return results
    created = [comment for comment, _found in fresh]
    # Routing waits for the commit; if the broker is down the comments are
    # kept all the same, and the minute sweep routes them later.
    after_commit(
        _queue_routing,
        [c.pk for c in created],
        [c.pk for c in created if c.severity == "critical"],
    )
    return results


def _stored_comments(items):
    by_channel = {}
    for item in items:
        by_channel.setdefault(item["channel"].pk, set()).add(item["external_id"])
    stored = {}
    for channel_id, external_ids in by_channel.items():
        for comment in Comment.objects.filter(
            channel_id=channel_id, external_id__in=external_ids
        ):
            stored[(channel_id, comment.external_id)] = comment
    return stored


def _prepare_comment(item, *, specs, now):
    """Classify an item and compute its due time; return the unsaved comment and
    its matches. ``specs`` caches calendars across a batch."""
    channel, posted_at = item["channel"], item["posted_at"]
    result = classify_text(
        text=item["text"],
        language=item.get("language"),
        platform=channel.platform,
        author=item["author"],
    )
    severity = max(
        (m.severity for m in result.matches), key=SEVERITY_RANK.get, default=""
    )
    clock = sla.due_times(
        channel=channel, severity=severity, posted_at=posted_at, specs=specs
    )
    comment = Comment(
        channel=channel,
        external_id=item["external_id"],
        author=item["author"],
        text=item["text"],
        language=result.language,
        url=item.get("url") or "",
        parent_external_id=item.get("parent") or "",
        posted_at=posted_at,
        received_at=now,
        severity=severity,
        priority=priority_for(result.matches),
        categories=sorted({m.category for m in result.matches}),
        policy_version=result.policy_version,
        posted_period=sla.posted_period_of(channel, posted_at),
        **clock.fields(),
    )
    return comment, result.matches


def _insert_comments(fresh, *, actor, now):
    comments = Comment.objects.bulk_create([comment for comment, _found in fresh])
    RuleMatch.objects.bulk_create(
        RuleMatch(
            comment=comment,
            policy_version=comment.policy_version,
            rule=m.rule,
            category=m.category,
            severity=m.severity,
            pattern=m.pattern[:500],
            start=m.start,
            end=m.end,
            excerpt=m.excerpt,
        )
        for comment, (_, found) in zip(comments, fresh, strict=True)
        for m in found
    )
    Event.objects.bulk_create(
        Event(comment=c, actor=actor, action="ingested", after=c.status, at=now)
        for c in comments
    )


def _queue_routing(comment_ids, critical_ids):
    # Imported here: the tasks module imports this one.
    from moderation.tasks import alert_critical, route_comments

    route_comments.delay(comment_ids)
    for comment_id in critical_ids:
        alert_critical.delay(comment_id)


def comment_claim(*, comment, actor, now=None):
    """Assign a new comment to ``actor``; exactly one of several claimants wins."""
    if not actor.can(Capability.TRIAGE):
        raise PermissionDenied(_("Only responders claim comments."))
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


# -- transitions ---------------------------------------------------------------

S = Comment.Status


def _transition(
    comment,
    *,
    actor,
    action,
    allowed_from,
    to,
    reason="",
    now,
    held_by=None,
    **changes,
):
    """Move ``comment`` from one of ``allowed_from`` to ``to`` with its event.

    The row is locked before its status is read, so that the event records the
    status the comment really left, and the conditional update makes racing
    actions safe: only one finds the comment still in a status it may leave
    (and, with ``held_by``, still assigned to that person). Any transition
    ends a wait for routing: the next gap is a new one.
    """
    with transaction.atomic():
        current = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values("status", "assignee_id")
            .first()
        )
        held = {} if held_by is None else {"assignee": held_by}
        if held_by is not None and current["assignee_id"] != held_by.pk:
            raise Conflict(_("Claim the comment before answering it."))
        updated = Comment.objects.filter(
            pk=comment.pk, status__in=allowed_from, **held
        ).update(status=to, routing_gap_since=None, **changes)
        if not updated:
            raise Conflict(
                _("This comment is %(status)s: it cannot be %(action)s.")
                % {
                    "status": Comment.Status(current["status"]).label,
                    "action": _ACTION_LABELS[action],
                }
            )
        _event(
            comment,
            actor=actor,
            action=action,
            before=current["status"],
            after=to,
            reason=reason,
            now=now,
        )
    comment.refresh_from_db()
    return comment


_ACTION_LABELS = {
    "escalated": gettext_lazy("escalated"),
    "hidden": gettext_lazy("hidden"),
    "closed": gettext_lazy("closed"),
    "released": gettext_lazy("released"),
    "reassigned": gettext_lazy("reassigned"),
    "answered": gettext_lazy("answered"),
    "answer_submitted": gettext_lazy("answered"),
    "answer_approved": gettext_lazy("approved"),
    "answer_rejected": gettext_lazy("rejected"),
}


def _require(actor, capability, message):
    if not actor.can(capability):
        raise PermissionDenied(message)


def comment_escalate(*, comment, actor, reason, now=None):
    """Send the comment to managers or counsel; a reason is required."""
    _require(actor, Capability.TRIAGE, _("Only responders escalate comments."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the comment is escalated.")})
    return _transition(
        comment,
        actor=actor,
        action="escalated",
        allowed_from=(S.NEW, S.ASSIGNED),
        to=S.ESCALATED,
        reason=reason,
        now=now or timezone.now(),
    )


def comment_hide(*, comment, actor, reason="", now=None):
    """Hide the comment on the platform (it breaks the netiquette)."""
    _require(actor, Capability.TRIAGE, _("Only responders hide comments."))
    return _transition(
        comment,
        actor=actor,
        action="hidden",
        allowed_from=(S.NEW, S.ASSIGNED, S.ESCALATED),
        to=S.HIDDEN,
        reason=reason,
        now=now or timezone.now(),
    )


def comment_close(*, comment, actor, reason="", now=None):
    """Close the comment: it needs no action."""
    _require(actor, Capability.TRIAGE, _("Only responders close comments."))
    return _transition(
        comment,
        actor=actor,
        action="closed",
        allowed_from=(S.NEW, S.ASSIGNED, S.ESCALATED),
        to=S.CLOSED,
        reason=reason,
        now=now or timezone.now(),
    )


def comment_release(*, comment, actor, now=None):
    """Give a claimed comment back to the queue (its assignee or a manager)."""
    if comment.assignee_id != actor.pk:
        _require(
            actor, Capability.PLAN_COVERAGE, _("Only managers release others' claims.")
        )
    return _transition(
        comment,
        actor=actor,
        action="released",
        allowed_from=(S.ASSIGNED,),
        to=S.NEW,
        assignee=None,
        now=now or timezone.now(),
    )


def comment_reassign(*, comment, actor, to, now=None):
    """Give the comment to another responder (managers)."""
    _require(actor, Capability.PLAN_COVERAGE, _("Only managers reassign comments."))
    if not to.can(Capability.TRIAGE):
        raise ValidationError(
            {"to": _("%(user)s does not answer comments.") % {"user": to}}
        )
    return _transition(
        comment,
        actor=actor,
        action="reassigned",
        allowed_from=(S.NEW, S.ASSIGNED),
        to=S.ASSIGNED,
        assignee=to,
        reason=str(to),
        now=now or timezone.now(),
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
            _transition(
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
        after_commit(_queue_routing, released, [])
    return released


BULK_ACTIONS = ("close", "hide", "escalate", "assign")


def comments_bulk(*, action, comments, actor, reason="", to=None, now=None):
    """Apply one action to several comments, each in its own transaction.

    "assign" claims for the actor when ``to`` is the actor and the comment is
    new, and reassigns (managers) otherwise. Return ``(done, failed)``: the
    comments changed, and ``(comment, why)`` for those that were not.
    """
    now = now or timezone.now()

    def apply(comment):
        if action == "assign":
            if to == actor and comment.status == S.NEW and not comment.assignee_id:
                return comment_claim(comment=comment, actor=actor, now=now)
            return comment_reassign(comment=comment, actor=actor, to=to, now=now)
        transition = {
            "close": comment_close,
            "hide": comment_hide,
            "escalate": comment_escalate,
        }[action]
        return transition(comment=comment, actor=actor, reason=reason, now=now)

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


def answer_submit(*, comment, actor, body, template=None, now=None):
    """Answer a claimed comment: published at once when the responder is
    delegated and no rule hit requires approval, otherwise sent for approval."""
    _require(actor, Capability.TRIAGE, _("Only responders answer comments."))
    if not body.strip():
        raise ValidationError({"body": _("Write the answer.")})
    now = now or timezone.now()
    comment = Comment.objects.select_related("channel").get(pk=comment.pk)
    if comment.assignee_id != actor.pk:
        raise Conflict(_("Claim the comment before answering it."))
    reasons = approval_reasons(comment=comment, actor=actor, now=now)
    with transaction.atomic():
        if reasons:
            answer = Answer.objects.create(
                comment=comment,
                author=actor,
                body=body,
                template=template,
                status=Answer.Status.PENDING_APPROVAL,
                created_at=now,
                needs_approval_because="; ".join(reasons)[:200],
            )
            _transition(
                comment,
                actor=actor,
                action="answer_submitted",
                allowed_from=(S.ASSIGNED,),
                held_by=actor,
                to=S.PENDING_APPROVAL,
                reason=answer.needs_approval_because,
                now=now,
            )
        else:
            answer = Answer.objects.create(
                comment=comment,
                author=actor,
                body=body,
                template=template,
                status=Answer.Status.PUBLISHED,
                created_at=now,
                published_at=now,
            )
            _transition(
                comment,
                actor=actor,
                action="answered",
                allowed_from=(S.ASSIGNED,),
                held_by=actor,
                to=S.ANSWERED,
                first_responded_at=now,
                now=now,
            )
            sla.record_outcome(comment, now=now)
            _outbox_answer(answer, now=now)
    return answer


def _outbox_answer(answer, *, now):
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
    from moderation.tasks import send_outbox

    send_outbox.delay(message_id)


def answer_approve(*, answer, actor, now=None):
    """Publish a pending answer; its author may not approve it."""
    _require(actor, Capability.APPROVE, _("Only approvers approve answers."))
    if answer.author_id == actor.pk:
        raise PermissionDenied(
            _("An answer is approved by someone other than its author.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        won = Answer.objects.filter(
            pk=answer.pk, status=Answer.Status.PENDING_APPROVAL
        ).update(
            status=Answer.Status.PUBLISHED,
            approver=actor,
            decided_at=now,
            published_at=now,
        )
        if not won:
            raise Conflict(_("This answer is no longer waiting for approval."))
        answer.refresh_from_db()
        _transition(
            answer.comment,
            actor=actor,
            action="answer_approved",
            allowed_from=(S.PENDING_APPROVAL,),
            to=S.ANSWERED,
            first_responded_at=now,
            now=now,
        )
        sla.record_outcome(answer.comment, now=now)
        _outbox_answer(answer, now=now)
    return answer


def answer_reject(*, answer, actor, reason, now=None):
    """Send a pending answer back to its author with the reason."""
    _require(actor, Capability.APPROVE, _("Only approvers reject answers."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what to change.")})
    now = now or timezone.now()
    with transaction.atomic():
        won = Answer.objects.filter(
            pk=answer.pk, status=Answer.Status.PENDING_APPROVAL
        ).update(status=Answer.Status.REJECTED, approver=actor, decided_at=now)
        if not won:
            raise Conflict(_("This answer is no longer waiting for approval."))
        answer.refresh_from_db()
        _transition(
            answer.comment,
            actor=actor,
            action="answer_rejected",
            allowed_from=(S.PENDING_APPROVAL,),
            to=S.ASSIGNED,
            reason=reason,
            now=now,
        )
    return answer


# -- routing -------------------------------------------------------------------


def comment_route(*, comment, now=None, on_shift=None):
    """Give a new comment to an on-shift responder who may answer it.

    Candidates serve the channel and speak the comment's language; those whose
    delegation covers it come first, then the least loaded. With nobody on
    shift the comment stays in the queue and the gap is recorded, once per
    wait however many sweeps try again. Return the assignee, or ``None``.
    ``on_shift``: the people on shift at ``now``, when the caller routes many.
    """

    now = now or timezone.now()
    comment = Comment.objects.select_related("channel").get(pk=comment.pk)
    if comment.status != S.NEW or comment.assignee_id:
        return comment.assignee
    candidates = [
        person
        for person in (selectors.on_shift(now) if on_shift is None else on_shift)
        if person.can(Capability.TRIAGE)
        and (not person.channels or comment.channel.slug in person.channels)
        and (not person.languages or comment.language in person.languages)
    ]
    if not candidates:
        _record_routing_gaps([comment.pk], now)
        return None
    load = dict(
        Comment.objects.filter(
            assignee__in=candidates, status__in=Comment.OPEN_STATUSES
        )
        .values_list("assignee")
        .annotate(open=Count("pk"))
    )

    def rank(person):
        decision = may_answer_without_approval(
            responder=person,
            channel=comment.channel.slug,
            categories=comment.categories,
            severity=comment.severity or "low",
            at=now,
        )
        return (not decision.allowed, load.get(person.pk, 0), person.pk)

    chosen = min(candidates, key=rank)
    with transaction.atomic():
        won = Comment.objects.filter(
            pk=comment.pk, status=S.NEW, assignee__isnull=True
        ).update(status=S.ASSIGNED, assignee=chosen, routing_gap_since=None)
        if not won:
            return None  # claimed meanwhile: the person who claimed it keeps it
        _event(
            comment,
            actor=None,
            action="routed",
            before=S.NEW,
            after=S.ASSIGNED,
            reason=chosen.get_username(),
            now=now,
        )
    return chosen


def _record_routing_gaps(comment_ids, now):
    """Record that nobody on shift may answer these comments, once per wait:
    the minute sweep tries every waiting comment again, all weekend long if
    need be. The wait is the comment's ``routing_gap_since``, set here and
    cleared when it is routed, claimed or changes status; whatever else the
    audit trail records meanwhile does not start a new one."""
    # No savepoint: the mark and the events commit together, in the caller's
    # transaction if there is one; the sweep's cost stays at two statements.
    with transaction.atomic(savepoint=False):
        starting = _start_routing_gaps(comment_ids, now)
        Event.objects.bulk_create(
            Event(
                comment_id=pk,
                action=Event.Action.ROUTING_GAP,
                after=S.NEW,
                reason="nobody on shift may answer this comment",
                at=now,
            )
            for pk in starting
        )


def _start_routing_gaps(comment_ids, now):
    """Set ``routing_gap_since`` on the new comments of ``comment_ids`` not
    waiting yet; return the ids this call set (and no concurrent one did)."""
    if not comment_ids:
        return []
    table = connection.ops.quote_name(Comment._meta.db_table)
    ids_sql = ", ".join(["%s"] * len(comment_ids))
    sql = (
        f"UPDATE {table} SET routing_gap_since = %s "  # noqa: S608 (names, not input)
        f"WHERE id IN ({ids_sql}) AND routing_gap_since IS NULL AND status = %s "
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [connection.ops.adapt_datetimefield_value(now), *comment_ids, S.NEW],
        )
        return [row[0] for row in cursor.fetchall()]


def comments_route_waiting(*, now=None, limit=500):
    """Route new comments nobody has taken yet (after a broker outage, or
    once someone comes on shift); return how many were routed."""
    now = now or timezone.now()
    waiting = list(
        Comment.objects.filter(status=S.NEW, assignee__isnull=True).order_by(
            "first_response_due_at"
        )[:limit]
    )
    if not waiting:
        return 0
    people = selectors.on_shift(now)
    if not any(person.can(Capability.TRIAGE) for person in people):
        # Nobody to route to (a weekend without coverage): the gaps in one go
        # rather than comment by comment.
        _record_routing_gaps([c.pk for c in waiting], now)
        return 0
    return sum(
        comment_route(comment=c, now=now, on_shift=people) is not None for c in waiting
    )


# -- alerts --------------------------------------------------------------------


# How far back the minute sweep looks for critical comments whose alert could
# not be sent (broker or mail server away); older ones are past alerting.
ALERT_CATCH_UP = datetime.timedelta(hours=24)


def comment_alert_critical(*, comment, now=None):
    """E-mail the people on duty, at any hour, about a critical comment; once.

    Without anyone on shift, the managers get it. Return the recipients.
    The comment is marked alerted in the same transaction as its event and
    its e-mail are written, so two alerts at once write one; the outgoing
    mail sends it after commit and retries it if the mail server fails.
    """

    now = now or timezone.now()
    comment = Comment.objects.select_related("channel").get(pk=comment.pk)
    if comment.severity != "critical":
        return []
    with transaction.atomic():
        claimed = Comment.objects.filter(pk=comment.pk, alerted_at__isnull=True).update(
            alerted_at=now
        )
        if not claimed:
            return []
        return _alert(comment, now)


def comments_alert_waiting(*, now=None, limit=100):
    """Write the critical alerts whose task never ran (the broker was away when
    their comment came in), for open comments of the last 24 hours (the minute
    sweep); return how many were alerted."""
    now = now or timezone.now()
    waiting = Comment.objects.filter(
        severity="critical",
        alerted_at__isnull=True,
        status__in=Comment.OPEN_STATUSES,
        received_at__gte=now - ALERT_CATCH_UP,
    ).order_by("received_at")[:limit]
    return sum(
        bool(comment_alert_critical(comment=comment, now=now)) for comment in waiting
    )


def _alert(comment, now):
    """Record the alert and write its e-mail to the people on shift, else the
    managers."""
    people = [p for p in selectors.on_shift(now) if p.can(Capability.TRIAGE)]
    if not people:
        people = list(
            get_user_model().objects.with_capability(Capability.PLAN_COVERAGE)
        )
    recipients = sorted({p.email for p in people if p.email})
    _event(
        comment,
        actor=None,
        action="alerted",
        after=comment.status,
        reason=", ".join(recipients),
        now=now,
    )
    if recipients:
        rules = ", ".join(sorted({m.rule for m in comment.matches.all()}))
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Critical comment on %(channel)s") % {
                "channel": comment.channel
            }
            body = _(
                "%(author)s wrote, flagged %(rules)s:\n\n%(text)s\n\nOpen it: %(path)s"
            ) % {
                "author": comment.author,
                "rules": rules,
                "text": comment.masked_text()[:2000],
                "path": reverse("moderation:comment", args=[comment.pk]),
            }
        mail_queue(
            kind="critical_alert",
            recipients=recipients,
            subject=subject,
            body=body,
            now=now,
        )
    return recipients


# -- outbox delivery -----------------------------------------------------------

# Attempts before a message is marked failed and waits for someone to retry it;
# waits between attempts double from one minute up to an hour (about 4 h in all).
OUTBOX_MAX_ATTEMPTS = 10
OUTBOX_FIRST_WAIT = datetime.timedelta(minutes=1)
OUTBOX_LONGEST_WAIT = datetime.timedelta(hours=1)
# How long an attempt holds a message: longer than the HTTP timeout, so that two
# senders never post it at once, short enough that a killed worker's message is
# picked up again by the next sweep.
OUTBOX_LEASE = datetime.timedelta(minutes=2)


def outbox_backoff(attempts):
    """Return the wait after the ``attempts``-th failed attempt."""
    return min(OUTBOX_LONGEST_WAIT, OUTBOX_FIRST_WAIT * 2 ** (attempts - 1))


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
    ).update(next_attempt_at=now + OUTBOX_LEASE, attempts=F("attempts") + 1)
    if not leased:
        return None
    message = OutboxMessage.objects.select_related("channel").get(pk=message_id)
    try:
        post(message, now=now)
    except connectors.DeliveryFailed as exc:
        gave_up = message.attempts >= OUTBOX_MAX_ATTEMPTS
        message.status = S_.FAILED if gave_up else S_.PENDING
        message.next_attempt_at = now + outbox_backoff(message.attempts)
        message.last_error = str(exc)[:500]
    else:
        message.status = S_.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["status", "next_attempt_at", "last_error", "sent_at"])
    return message.status


def outbox_send_due(*, now=None, limit=200):
    """Queue an attempt for each message due (the minute sweep); return how many."""
    from moderation.tasks import send_outbox

    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in due:
        send_outbox.delay(message_id)
    return len(due)


def outbox_retry(*, message, actor, now=None):
    """Put a failed message back in line with a fresh set of attempts."""
    _require(actor, Capability.APPROVE, _("Only approvers retry deliveries."))
    now = now or timezone.now()
    retried = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.FAILED
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now)
    if retried:
        after_commit(_queue_send, message.pk)
    return bool(retried)
