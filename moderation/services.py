"""State changes of the work: ingest and transitions, each with its audit event."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import errors, retry
from core.mail import mail_queue
from core.permissions import require, require_any
from core.roles import Capability, roles_granting
from core.transactions import after_commit
from moderation import access, connectors, masking, sla, webhooks
from moderation.models import (
    Answer,
    Comment,
    Event,
    Notification,
    OutboxMessage,
    RuleMatch,
    WebhookDelivery,
)
from policies.classify import classify_text
from policies.models import SEVERITY_RANK, Action, Rule
from staffing import selectors
from staffing.selectors import may_answer_without_approval

logger = logging.getLogger(__name__)


class Conflict(errors.Conflict):
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


def _require_scope(actor, comment):
    """Refuse an action on a comment outside the actor's channels.

    Pages and the API do not find such a comment (404); this is the second
    line, for every other caller.
    """
    if not access.in_scope(actor, comment):
        raise PermissionDenied(_("This comment is outside your channels."))


def comment_claim(*, comment, actor, now=None):
    """Assign a new comment to ``actor``; exactly one of several claimants wins."""
    if not actor.can(Capability.TRIAGE):
        raise PermissionDenied(_("Only responders claim comments."))
    _require_scope(actor, comment)
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


def webhook_verify(*, channel, timestamp, signature, body, now=None):
    """Return the digest of a request signed by the channel's secret within the
    time window; raise ``BadSignature`` otherwise. Nothing is recorded."""
    now = now or timezone.now()
    return webhooks.verify(
        channel.webhook_secret, timestamp, signature, body, now=now.timestamp()
    )


def webhook_accept(*, channel, digest, item, now=None):
    """Record a verified delivery and ingest its comment in one transaction;
    return ``(comment, created)``; raise ``BadSignature`` on a replay.

    The delivery row commits with the comment or not at all: a request whose
    ingest failed (database restarting, nothing published, a crash) leaves no
    trace, so the platform's retry of it is accepted, and stores the comment
    once since ingest is idempotent on (channel, external id). Two copies of
    one request at once wait for each other on the unique delivery row; the
    second is refused once the first has committed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(
                    channel=channel, signature=digest, received_at=now
                )
        except IntegrityError:
            raise webhooks.BadSignature("replayed request") from None
        return comment_ingest(channel=channel, now=now, **item)


def webhook_deliveries_purge(*, now=None):
    """Delete the deliveries too old to be replayed; return how many.

    A request is refused once its timestamp is out of the window, so a
    delivery's row is no longer needed past ``webhooks.REPLAY_WINDOW``.
    """
    now = now or timezone.now()
    deleted, _by_model = WebhookDelivery.objects.filter(
        received_at__lt=now - webhooks.REPLAY_WINDOW
    ).delete()
    return deleted


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
    where=None,
    held_by=None,
    **changes,
):
    """Move ``comment`` from one of ``allowed_from`` to ``to`` with its event.

    The row is locked before its status is read, so that the event records the
    status the comment really left, and the conditional update makes racing
    actions safe: only one finds the comment still in a status it may leave.
    ``where`` (a ``Q``) adds what must still hold, such as who holds the
    comment, so that a claim or an escalation landing between the check and
    the update wins; ``held_by``: the comment is still assigned to that person
    (who answers it). Any transition ends a wait for routing: the next gap is a
    new one.
    """
    with transaction.atomic():
        current = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values("status", "assignee_id")
            .first()
        )
        if current is None:  # deleted meanwhile (by an administrator)
            raise Conflict(_("This comment no longer exists."))
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
    "taken": gettext_lazy("taken"),
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


def _require_worker(actor, message):
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


def _acting(actor):
    """Return ``may_act_on`` as a condition for the conditional update."""
    if actor.can(Capability.PLAN_COVERAGE):
        return Q()
    rule = Q(status=S.ESCALATED, escalated_to=actor) | (
        ~Q(status=S.ESCALATED) & Q(assignee=actor)
    )
    if actor.can(Capability.TRIAGE):
        rule |= ~Q(status=S.ESCALATED) & Q(assignee__isnull=True)
    return rule


def _current(comment):
    return Comment.objects.select_related(
        "channel__sla_policy__calendar", "channel__calendar", "assignee", "escalated_to"
    ).get(pk=comment.pk)


def _check_may_act(comment, actor, verb):
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


def _require_reason(reason, message):
    if not reason.strip():
        raise ValidationError({"reason": message})


def comment_escalate(*, comment, actor, reason, now=None):
    """Send the comment to counsel (a rule it hit says so) or to the manager on
    duty, who is told at once; a reason is required. The escalation gets its
    own due time; the first-response clock keeps running."""
    require(actor, Capability.TRIAGE, _("Only responders escalate comments."))
    now = now or timezone.now()
    comment = _current(comment)
    _require_scope(actor, comment)
    if comment.status in (S.NEW, S.ASSIGNED):  # else a conflict, below
        _check_may_act(comment, actor, _("escalate"))
    _require_reason(reason, _("Say why the comment is escalated."))
    to = escalation_target(comment=comment, now=now)
    with transaction.atomic():
        comment = _transition(
            comment,
            actor=actor,
            action="escalated",
            allowed_from=(S.NEW, S.ASSIGNED),
            to=S.ESCALATED,
            reason=reason,
            now=now,
            where=_acting(actor),
            assignee=None,
            escalated_to=to,
            escalated_at=now,
            escalation_due_at=sla.escalation_due(comment=comment, at=now),
            escalation_breached_at=None,
        )
        _tell_escalatee(comment, to, now)
    return comment


def escalation_target(*, comment, now):
    """Return whom an escalation of ``comment`` goes to, or ``None``.

    When a rule the comment hit says ``escalate_legal``: counsel on shift, else
    any counsel. Otherwise, or without counsel: the manager on duty (on shift,
    else any manager). Among several, the one with the fewest open escalations.
    """
    User = get_user_model()
    pools = []
    if _goes_to_counsel(comment):
        # Superusers hold every capability; legal escalations go to counsel.
        pools.append(
            User.objects.with_capability(Capability.HANDLE_LEGAL).filter(
                groups__name__in=roles_granting(Capability.HANDLE_LEGAL)
            )
        )
    pools.append(User.objects.with_capability(Capability.PLAN_COVERAGE))
    for pool in pools:
        people = list(pool.distinct().order_by("pk"))
        if people:
            break
    else:
        return None
    on_shift = {person.pk for person in selectors.on_shift(now)}
    load = dict(
        Comment.objects.filter(status=S.ESCALATED, escalated_to__in=people)
        .values_list("escalated_to")
        .annotate(open=Count("pk"))
    )
    return min(people, key=lambda p: (p.pk not in on_shift, load.get(p.pk, 0), p.pk))


def _goes_to_counsel(comment):
    return Rule.objects.filter(
        version__number=comment.policy_version,
        slug__in=comment.matches.values_list("rule", flat=True),
        action=Action.ESCALATE_LEGAL,
    ).exists()


def _tell_escalatee(comment, person, now):
    """Owe ``person`` an e-mail about the escalation, sent at once after commit.

    One notification per person, kind and comment: a comment escalated to the
    same person again makes its notification due again.
    """
    if person is None:
        return
    Notification.objects.update_or_create(
        comment=comment,
        kind=Notification.Kind.ESCALATED,
        recipient=person,
        defaults={
            "created_at": now,
            "deliver_after": now,
            "sent_at": None,
            "mail": None,
        },
    )
    after_commit(_queue_notifications)


def _queue_notifications():
    from moderation.tasks import send_notifications

    send_notifications.delay()


def _check_escalatee(comment, actor, verb):
    if not (comment.escalated_to_user(actor) or actor.can(Capability.PLAN_COVERAGE)):
        raise PermissionDenied(
            _("Only the person it is escalated to or a manager may %(verb)s it.")
            % {"verb": verb}
        )


def _escalatee_or_manager(actor):
    if actor.can(Capability.PLAN_COVERAGE):
        return Q()
    return Q(escalated_to=actor)


def comment_take(*, comment, actor, now=None):
    """Take an escalated comment to work on it: the person it is escalated to,
    or a manager. It becomes assigned to them."""
    _require_worker(actor, _("Only responders, counsel and managers take comments."))
    now = now or timezone.now()
    comment = _current(comment)
    _require_scope(actor, comment)
    if comment.status == S.ESCALATED:
        _check_escalatee(comment, actor, _("take"))
    return _transition(
        comment,
        actor=actor,
        action="taken",
        allowed_from=(S.ESCALATED,),
        to=S.ASSIGNED,
        now=now,
        where=_escalatee_or_manager(actor),
        assignee=actor,
    )


def comment_send_back(*, comment, actor, reason, now=None):
    """Send an escalated comment back to the queue, unassigned, with the reason
    (the person it is escalated to, or a manager). Its first-response clock
    has kept running; routing picks it up again."""
    _require_worker(
        actor, _("Only responders, counsel and managers send back comments.")
    )
    now = now or timezone.now()
    comment = _current(comment)
    _require_scope(actor, comment)
    if comment.status == S.ESCALATED:
        _check_escalatee(comment, actor, _("send back"))
    _require_reason(reason, _("Say why the comment goes back to the queue."))
    comment = _transition(
        comment,
        actor=actor,
        action="sent_back",
        allowed_from=(S.ESCALATED,),
        to=S.NEW,
        reason=reason,
        now=now,
        where=_escalatee_or_manager(actor),
        assignee=None,
    )
    after_commit(_queue_routing, [comment.pk], [])
    return comment


# What may be closed or hidden.
SETTLEABLE = (S.NEW, S.ASSIGNED, S.ESCALATED)


def comment_hide(*, comment, actor, reason="", now=None):
    """Hide the comment on the platform (it breaks the netiquette); only its
    holder, the person it is escalated to or a manager, with a reason."""
    _require_worker(actor, _("Only responders hide comments."))
    now = now or timezone.now()
    comment = _current(comment)
    _require_scope(actor, comment)
    if comment.status in SETTLEABLE:  # else a conflict, below
        _check_may_act(comment, actor, _("hide"))
    _require_reason(reason, _("Say why the comment is hidden."))
    return _transition(
        comment,
        actor=actor,
        action="hidden",
        allowed_from=SETTLEABLE,
        to=S.HIDDEN,
        reason=reason,
        now=now,
        where=_acting(actor),
    )


def comment_close(*, comment, actor, reason="", now=None):
    """Close the comment: it needs no action. Only its holder, the person it
    is escalated to or a manager, with a reason."""
    _require_worker(actor, _("Only responders close comments."))
    now = now or timezone.now()
    comment = _current(comment)
    _require_scope(actor, comment)
    if comment.status in SETTLEABLE:  # else a conflict, below
        _check_may_act(comment, actor, _("close"))
    _require_reason(reason, _("Say why the comment needs no action."))
    return _transition(
        comment,
        actor=actor,
        action="closed",
        allowed_from=SETTLEABLE,
        to=S.CLOSED,
        reason=reason,
        now=now,
        where=_acting(actor),
    )


def comment_release(*, comment, actor, now=None):
    """Give a claimed comment back to the queue (its assignee or a manager)."""
    if comment.assignee_id != actor.pk:
        require(
            actor, Capability.PLAN_COVERAGE, _("Only managers release others' claims.")
        )
    _require_scope(actor, comment)
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
            comment = _transition(
                comment,
                actor=actor,
                action="escalation_reassigned",
                allowed_from=(S.ESCALATED,),
                to=S.ESCALATED,
                reason=str(to),
                now=now,
                escalated_to=to,
            )
            _tell_escalatee(comment, to, now)
        return comment
    if not to.can(Capability.TRIAGE):
        raise ValidationError(
            {"to": _("%(user)s does not answer comments.") % {"user": to}}
        )
    if not access.in_scope(to, comment):
        raise ValidationError(
            {"to": _("%(user)s does not serve this channel.") % {"user": to}}
        )
    return _transition(
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
    _require_worker(actor, _("Only responders answer comments."))
    if not body.strip():
        raise ValidationError({"body": _("Write the answer.")})
    now = now or timezone.now()
    comment = Comment.objects.select_related("channel").get(pk=comment.pk)
    _require_scope(actor, comment)
    # The person a comment is escalated to answers it straight away: taking
    # it comes first, in the same transaction.
    taking = comment.escalated_to_user(actor)
    if comment.assignee_id != actor.pk and not taking:
        raise Conflict(_("Claim the comment before answering it."))
    reasons = approval_reasons(comment=comment, actor=actor, now=now)
    with transaction.atomic():
        if taking:
            comment_take(comment=comment, actor=actor, now=now)
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
    require(actor, Capability.APPROVE, _("Only approvers approve answers."))
    _require_scope(actor, answer.comment)
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
    require(actor, Capability.APPROVE, _("Only approvers reject answers."))
    _require_scope(actor, answer.comment)
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
    """Record and e-mail the alert to the people on shift who may see the
    comment, else the managers; the text goes masked (several recipients)."""
    people = [
        p
        for p in selectors.on_shift(now)
        if p.can(Capability.TRIAGE) and access.in_scope(p, comment)
    ]
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
                "text": masking.masked_text(comment)[:2000],
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
    require(actor, Capability.APPROVE, _("Only approvers retry deliveries."))
    if message.answer_id:
        _require_scope(actor, message.answer.comment)
    now = now or timezone.now()
    retried = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.FAILED
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now)
    if retried:
        after_commit(_queue_send, message.pk)
    return bool(retried)
