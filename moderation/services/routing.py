"""Routing: give new comments to an on-shift responder who may answer them."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.enqueue import enqueue
from core.roles import Capability
from moderation.models import Comment, Event
from moderation.services.transitions import S, event_write
from staffing import selectors
from staffing.selectors import may_answer_without_approval


def queue_routing(comment_ids, critical_ids):
    enqueue("moderation.tasks.route_comments", comment_ids)
    for comment_id in critical_ids:
        enqueue("moderation.tasks.alert_critical", comment_id)


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
        event_write(
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
        starting = Comment.objects.mark_once(
            "routing_gap_since", comment_ids, now=now, statuses=[S.NEW]
        )
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
