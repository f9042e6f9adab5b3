"""Routing: give new comments to an on-shift responder who may answer them."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.enqueue import enqueue
from core.roles import Capability
from moderation.models import Comment, Event
from moderation.services.transitions import S
from staffing import eligibility, selectors
from staffing.delegation import decide


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
    comment = Comment.objects.only("status", "assignee").get(pk=comment.pk)
    if comment.status != S.NEW or comment.assignee_id:
        return comment.assignee
    [chosen] = comments_route(comment_ids=[comment.pk], now=now, on_shift=on_shift)
    return chosen


def comments_route(*, comment_ids, now=None, on_shift=None):
    """Route the new comments of ``comment_ids`` as ``comment_route`` routes
    one; return the assignee of each, in the order of ``comment_ids`` (``None``
    where nobody was chosen or it was no longer new).

    For a batch (an ingested page of a platform, the minute sweep), the
    people on shift, their open load and their delegations are read once, and
    the assignments commit together: a few statements for the batch and one
    conditional update per comment, rather than a handful of each per comment.
    Each assignment is still a conditional update, so a claim landing first
    wins; the load counts the batch's own assignments as they are made.
    """
    now = now or timezone.now()
    by_pk = {
        comment.pk: comment
        for comment in Comment.objects.select_related("channel").filter(
            pk__in=comment_ids, status=S.NEW, assignee__isnull=True
        )
    }
    waiting = sorted(by_pk.values(), key=lambda c: (c.first_response_due_at, c.pk))
    people = [
        (person, selectors.person_facts(person))
        for person in (selectors.on_shift(now) if on_shift is None else on_shift)
    ]
    people = [(person, facts) for person, facts in people if facts.triages]
    chosen_for = {}
    if not people:
        _record_routing_gaps([c.pk for c in waiting], now)
        return [chosen_for.get(pk) for pk in comment_ids]
    load = dict(
        Comment.objects.filter(
            assignee__in=[person for person, _f in people],
            status__in=Comment.OPEN_STATUSES,
        )
        .values_list("assignee")
        .annotate(open=Count("pk"))
    )
    facts = {
        person.pk: (
            selectors.grant_facts(person),
            selectors.accreditation_facts(person),
        )
        for person, _f in people
    }
    gaps, events = [], []
    with transaction.atomic():
        for comment in waiting:
            # The rule coverage and the SLA's "on duty" ask too: everyone in
            # ``people`` is on shift at ``now``.
            need = eligibility.Need(comment.channel.slug, comment.language)
            candidates = [
                person
                for person, person_facts in people
                if eligibility.serves(person_facts, need)
            ]
            if not candidates:
                gaps.append(comment.pk)
                continue

            def rank(person, comment=comment):
                decision = decide(
                    *facts[person.pk],
                    channel=comment.channel.slug,
                    categories=comment.categories,
                    severity=comment.severity or "low",
                    at=now,
                )
                return (not decision.allowed, load.get(person.pk, 0), person.pk)

            chosen = min(candidates, key=rank)
            won = Comment.objects.filter(
                pk=comment.pk, status=S.NEW, assignee__isnull=True
            ).update(status=S.ASSIGNED, assignee=chosen, routing_gap_since=None)
            if not won:
                continue  # claimed meanwhile: the person who claimed it keeps it
            load[chosen.pk] = load.get(chosen.pk, 0) + 1
            chosen_for[comment.pk] = chosen
            events.append(
                Event(
                    comment=comment,
                    action=Event.Action.ROUTED,
                    before=S.NEW,
                    after=S.ASSIGNED,
                    reason=chosen.get_username(),
                    at=now,
                )
            )
        Event.objects.bulk_create(events)
        if gaps:
            _record_routing_gaps(gaps, now)
    return [chosen_for.get(pk) for pk in comment_ids]


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
    routed = comments_route(
        comment_ids=[c.pk for c in waiting], now=now, on_shift=people
    )
    return sum(chosen is not None for chosen in routed)
