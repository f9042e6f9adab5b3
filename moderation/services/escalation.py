"""Escalation: send a comment to counsel or the manager on duty, who take
it or send it back to the queue."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.enqueue import enqueue
from core.permissions import require
from core.roles import Capability, roles_granting
from core.transactions import after_commit
from moderation.models import Comment, Notification
from moderation.services.routing import queue_routing
from moderation.services.transitions import (
    S,
    acting,
    check_may_act,
    comment_reload,
    require_reason,
    require_scope,
    require_worker,
    transition,
)
from moderation.sla.clock import escalation_due
from policies.models import Action, Rule
from staffing import selectors


def comment_escalate(*, comment, actor, reason, now=None):
    """Send the comment to counsel (a rule it hit says so) or to the manager on
    duty, who is told at once; a reason is required. The escalation gets its
    own due time; the first-response clock keeps running."""
    require(actor, Capability.TRIAGE, _("Only responders escalate comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if comment.status in (S.NEW, S.ASSIGNED):  # else a conflict, below
        check_may_act(comment, actor, _("escalate"))
    require_reason(reason, _("Say why the comment is escalated."))
    to = escalation_target(comment=comment, now=now)
    with transaction.atomic():
        comment = transition(
            comment,
            actor=actor,
            action="escalated",
            allowed_from=(S.NEW, S.ASSIGNED),
            to=S.ESCALATED,
            reason=reason,
            now=now,
            where=acting(actor),
            assignee=None,
            escalated_to=to,
            escalated_at=now,
            escalation_due_at=escalation_due(comment=comment, at=now),
            escalation_breached_at=None,
        )
        tell_escalatee(comment, to, now)
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


def tell_escalatee(comment, person, now):
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
    enqueue("moderation.tasks.send_notifications")


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
    require_worker(actor, _("Only responders, counsel and managers take comments."))
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if comment.status == S.ESCALATED:
        _check_escalatee(comment, actor, _("take"))
    return transition(
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
    require_worker(
        actor, _("Only responders, counsel and managers send back comments.")
    )
    now = now or timezone.now()
    comment = comment_reload(comment)
    require_scope(actor, comment)
    if comment.status == S.ESCALATED:
        _check_escalatee(comment, actor, _("send back"))
    require_reason(reason, _("Say why the comment goes back to the queue."))
    comment = transition(
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
    after_commit(queue_routing, [comment.pk], [])
    return comment
