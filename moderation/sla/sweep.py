"""The minute sweep: mark SLA warnings, breaches, overdue approvals and
overdue escalations once, and tell people.

Exactly once: the sweep marks a comment with ``UPDATE ... WHERE <mark> IS NULL
RETURNING id``, and only the rows it got back are notified, in the same
transaction (audit events, notifications, webhook messages). Two sweeps at
once, a worker killed mid-sweep (nothing committed, the next sweep does it) or
a broker down for an hour (the next sweep catches up, in batches) cannot mark,
or notify, anything twice. Notifications are unique per person, kind and
comment, and their e-mails are written to the outgoing mail once each, in
the transaction that marks them (sent after commit, with bounded retries).
"""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.enqueue import enqueue
from core.roles import Capability
from core.transactions import after_commit
from moderation import access, registry
from moderation.models import (
    Answer,
    Comment,
    Event,
    Notification,
    OutboxMessage,
    SlaPolicy,
)
from moderation.sla.clock import DEFAULT_APPROVAL_MINUTES, OPEN
from staffing import eligibility, selectors
from staffing.models import Shift

SWEEP_BATCH = 1000
# How far ahead a notification may wait for its recipient's next shift.
WAIT_FOR_SHIFT = datetime.timedelta(days=14)


_MARKS = {
    # kind: (mark column, clock column, audit action)
    Notification.Kind.SLA_WARNING: ("warned_at", "warn_at", Event.Action.SLA_WARNED),
    Notification.Kind.SLA_BREACH: (
        "breached_at",
        "first_response_due_at",
        Event.Action.SLA_BREACHED,
    ),
}


def sla_sweep(*, now=None, batch=SWEEP_BATCH):
    """Mark and notify the warnings and breaches due at ``now``; return counts."""
    now = now or timezone.now()
    # Who to tell is read once per sweep, and only when something is due: an
    # idle sweep, the usual case, costs its index lookups (warnings, breaches,
    # approvals, escalations).
    people = functools.cache(lambda: _People(now))
    counts = {
        "warned": _sweep(Notification.Kind.SLA_WARNING, now, batch, people),
        "breached": _sweep(Notification.Kind.SLA_BREACH, now, batch, people),
        "approvals": approvals_sweep(now=now, people=people),
        "escalations": _sweep_escalations(now, batch, people),
    }
    if any(counts.values()):
        # One task for the e-mails and one for the webhook messages, rather
        # than one per comment; both also run every minute on their own.
        after_commit(_queue_senders)
    return counts


def _sweep(kind, now, batch, people):
    mark, clock, action = _MARKS[kind]
    total = 0
    while True:
        candidates = list(
            Comment.objects.filter(
                status__in=OPEN, **{f"{mark}__isnull": True, f"{clock}__lte": now}
            )
            .order_by(clock)
            .values_list("pk", flat=True)[:batch]
        )
        if not candidates:
            return total
        with transaction.atomic():
            won = Comment.objects.mark_once(mark, candidates, now=now, statuses=OPEN)
            if won:
                _notify(kind, action, won, now, people())
        total += len(won)
        if len(candidates) < batch or not won:
            return total


def _notify(kind, action, ids, now, people):
    comments = list(
        Comment.objects.filter(pk__in=ids).select_related(
            "channel__sla_policy", "assignee", "escalated_to"
        )
    )
    Event.objects.bulk_create(
        Event(comment=c, action=action, before=c.status, after=c.status, at=now)
        for c in comments
    )
    notifications, messages = [], []
    for comment in comments:
        for person in people.for_comment(comment, kind):
            notifications.append(
                Notification(
                    recipient=person,
                    kind=kind,
                    comment=comment,
                    created_at=now,
                    deliver_after=people.deliver_after(person, comment, now),
                )
            )
        if registry.get(comment.channel.connector).sends_sla_alerts:
            messages.append(_webhook_message(comment, kind, now))
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    OutboxMessage.objects.bulk_create(messages)


def _sweep_escalations(now, batch, people):
    """Mark the escalations past their own due time, once, and tell the person
    each is escalated to and the managers on duty; return how many."""
    escalated = (Comment.Status.ESCALATED,)
    total = 0
    while True:
        # The partial index moderation_escalation_due_idx.
        candidates = list(
            Comment.objects.filter(
                status=Comment.Status.ESCALATED,
                escalation_breached_at__isnull=True,
                escalation_due_at__lte=now,
            )
            .order_by("escalation_due_at")
            .values_list("pk", flat=True)[:batch]
        )
        if not candidates:
            return total
        with transaction.atomic():
            won = Comment.objects.mark_once(
                "escalation_breached_at", candidates, now=now, statuses=escalated
            )
            if won:
                _notify_escalations(won, now, people())
        total += len(won)
        if len(candidates) < batch or not won:
            return total


def _notify_escalations(ids, now, people):
    comments = list(Comment.objects.filter(pk__in=ids).select_related("escalated_to"))
    Event.objects.bulk_create(
        Event(
            comment=c,
            action="escalation_overdue",
            before=c.status,
            after=c.status,
            reason=c.escalated_to.get_username() if c.escalated_to else "",
            at=now,
        )
        for c in comments
    )
    notifications = []
    for comment in comments:
        recipients = list(people.managers_on_duty)
        if comment.escalated_to and comment.escalated_to.is_active:
            recipients.insert(0, comment.escalated_to)
        for person in {p.pk: p for p in recipients}.values():
            notifications.append(
                Notification(
                    recipient=person,
                    kind=Notification.Kind.ESCALATION_OVERDUE,
                    comment=comment,
                    created_at=now,
                    deliver_after=now,
                )
            )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)


def _webhook_message(comment, kind, now):
    return OutboxMessage(
        channel=comment.channel,
        kind=f"sla.{'warning' if kind == Notification.Kind.SLA_WARNING else 'breach'}",
        created_at=now,
        next_attempt_at=now,
        payload={
            "channel": comment.channel.slug,
            "comment": comment.external_id,
            "severity": comment.severity,
            "status": comment.status,
            "assignee": comment.assignee.get_username() if comment.assignee else None,
            "first_response_due_at": comment.first_response_due_at.isoformat(),
            "at": now.isoformat(),
        },
    )


def _queue_senders():
    enqueue("moderation.tasks.send_notifications")
    enqueue("moderation.tasks.send_outbox_due")


class _People:
    """Who is told, read once per sweep: people on shift now, backups on shift,
    managers on duty (on shift, or all managers when none is), approvers."""

    def __init__(self, now):
        User = get_user_model()
        shifts = list(
            Shift.objects.filter(starts_at__lte=now, ends_at__gt=now)
            .select_related("responder")
            .filter(responder__is_active=True)
        )
        self.on_shift = {shift.responder_id for shift in shifts}
        responders = {shift.responder_id: shift.responder for shift in shifts}
        triage = set(
            User.objects.with_capability(Capability.TRIAGE).values_list("pk", flat=True)
        )
        self.triage_on_shift = [
            responders[pk] for pk in sorted(self.on_shift) if pk in triage
        ]
        self.backups = [
            shift.responder
            for shift in shifts
            if shift.role == Shift.Role.BACKUP and shift.responder_id in triage
        ]
        managers = list(User.objects.with_capability(Capability.PLAN_COVERAGE))
        self.managers_on_duty = [
            m for m in managers if m.pk in self.on_shift
        ] or managers
        self.approvers = list(User.objects.with_capability(Capability.APPROVE))
        self._next_shift = {}

    def for_comment(self, comment, kind):
        policy = comment.channel.sla_policy
        people = []
        escalatee = comment.escalated_to
        if comment.status == Comment.Status.ESCALATED and escalatee:
            # While escalated only the person it is escalated to can act.
            if escalatee.is_active:
                people.append(escalatee)
        elif comment.assignee and comment.assignee.is_active:
            people.append(comment.assignee)
        else:
            # On duty for this comment: the rule routing and coverage ask.
            need = eligibility.Need(comment.channel.slug, comment.language)
            people += [
                p
                for p in self.triage_on_shift
                if eligibility.serves(self.facts(p), need)
            ]
        if kind == Notification.Kind.SLA_BREACH:
            if policy is None or policy.escalate_to_backup:
                people += [p for p in self.backups if access.in_scope(p, comment)]
            if policy is None or policy.escalate_to_manager:
                people += self.managers_on_duty
        if not people:
            people = list(self.managers_on_duty)
        unique = {}
        for person in people:
            unique.setdefault(person.pk, person)
        return list(unique.values())

    def facts(self, person):
        """Return ``person`` as ``eligibility`` facts (every one here triages)."""
        return selectors.person_facts(person, triagers={person.pk})

    def deliver_after(self, person, comment, now):
        """Critical comments and people on shift: now. Others: their next shift
        within two weeks, or now when none is planned."""
        if comment.severity == "critical" or person.pk in self.on_shift:
            return now
        if person.pk not in self._next_shift:
            self._next_shift[person.pk] = (
                Shift.objects.filter(
                    responder=person,
                    starts_at__gt=now,
                    starts_at__lte=now + WAIT_FOR_SHIFT,
                )
                .order_by("starts_at")
                .values_list("starts_at", flat=True)
                .first()
            )
        return self._next_shift[person.pk] or now


def approvals_sweep(*, now=None, people=None):
    """Tell the other approvers about answers waiting longer than the approval
    target of their channel's policy; once per answer. Return how many.

    ``people`` returns the sweep's ``_People`` (read on first call).
    """
    now = now or timezone.now()
    people = people or functools.cache(lambda: _People(now))
    targets = {None: DEFAULT_APPROVAL_MINUTES} | dict(
        SlaPolicy.objects.values_list("pk", "approval_minutes")
    )
    total = 0
    for policy_id, minutes in targets.items():
        overdue = Answer.objects.filter(
            status=Answer.Status.PENDING_APPROVAL,
            approval_escalated_at__isnull=True,
            created_at__lte=now - datetime.timedelta(minutes=minutes),
            comment__channel__sla_policy_id=policy_id,
        ).values_list("pk", flat=True)
        for answer_id in list(overdue):
            with transaction.atomic():
                won = Answer.objects.filter(
                    pk=answer_id,
                    status=Answer.Status.PENDING_APPROVAL,
                    approval_escalated_at__isnull=True,
                ).update(approval_escalated_at=now)
                if not won:
                    continue
                answer = Answer.objects.select_related("comment__channel").get(
                    pk=answer_id
                )
                _escalate_approval(answer, now, people())
                total += 1
    return total


def _escalate_approval(answer, now, people):
    comment = answer.comment
    Event.objects.create(
        comment=comment,
        action=Event.Action.APPROVAL_OVERDUE,
        before=comment.status,
        after=comment.status,
        reason=str(answer.pk),
        at=now,
    )
    others = [
        p
        for p in people.approvers
        if p.pk != answer.author_id and access.in_scope(p, comment)
    ]
    on_shift = [p for p in others if p.pk in people.on_shift]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                kind=Notification.Kind.APPROVAL_OVERDUE,
                comment=comment,
                created_at=now,
                deliver_after=now,
            )
            for person in (on_shift or others)
        ],
        ignore_conflicts=True,
    )
