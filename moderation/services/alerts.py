"""Critical alerts: e-mail the people on duty about a critical comment, once."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import mail_queue
from core.roles import Capability
from moderation import access, masking
from moderation.models import Comment
from moderation.services.transitions import event_write
from staffing import selectors

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
    event_write(
        comment,
        actor=None,
        action="alerted",
        after=comment.status,
        reason=", ".join(recipients),
        now=now,
    )
    rules = ", ".join(sorted({m.rule for m in comment.matches.all()}))
    # One e-mail per language: each person reads it in their own.
    by_language = {}
    for person in people:
        if person.email:
            by_language.setdefault(person.mail_language, set()).add(person.email)
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
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
            recipients=sorted(addresses),
            subject=subject,
            body=body,
            now=now,
        )
    return recipients
