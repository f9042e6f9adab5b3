"""Outgoing e-mail: written in the transaction that decides it, sent by a task.

Every app's e-mails go through ``mail_queue``; ``core.tasks`` sends them with the
retry policy of ``core.retry``.
"""

import logging

from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import retry
from core.enqueue import enqueue
from core.models import OutgoingMail
from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit

logger = logging.getLogger(__name__)

# Attempts, waits and lease: the one policy of core.retry (the lease outlasts
# the SMTP timeout, EMAIL_TIMEOUT).
SUBJECT_LENGTH = OutgoingMail._meta.get_field("subject").max_length


def mail_queue(*, kind, recipients, subject, body, now=None):
    """Write an e-mail to send once the current transaction commits; return it.

    Call it inside the transaction that decides the e-mail: if that rolls
    back, no mail leaves; if it commits, the mail is sent by a task, never
    inside the transaction. Without recipients, nothing is written (None).
    """
    kind = OutgoingMail.Kind(kind)  # an unknown kind is a programming error
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return None
    now = now or timezone.now()
    # A line break in a subject is refused by the mail library: flatten it.
    subject = " ".join(str(subject).split())[:SUBJECT_LENGTH]
    mail = OutgoingMail.objects.create(
        kind=kind,
        recipients=recipients,
        subject=subject,
        body=str(body),
        created_at=now,
        # Due at once by the clock the sender reads, whatever ``now`` said.
        next_attempt_at=timezone.now(),
    )
    after_commit(_queue_send, mail.pk)
    return mail


def _queue_send(mail_id):
    enqueue("core.tasks.deliver_mail", mail_id)


def mail_send(*, mail_id, now=None, connection=None):
    """Make one attempt at sending a pending mail that is due.

    Return its status afterwards, or ``None`` when another sender holds it or
    it is not due. The attempt is counted and the mail leased (a conditional
    update, committed on its own) before the mail server is called, so two
    senders cannot both send it and a sender killed mid-send leaves it due
    again once the lease ends.
    """
    now = now or timezone.now()
    S = OutgoingMail.Status
    leased = OutgoingMail.objects.filter(
        pk=mail_id, status=S.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + retry.LEASE, attempts=F("attempts") + 1)
    if not leased:
        return None
    mail = OutgoingMail.objects.get(pk=mail_id)
    message = EmailMessage(
        mail.subject, mail.body, None, mail.recipients, connection=connection
    )
    try:
        message.send()
    except Exception as exc:  # SMTP, socket, refused address: all retried
        gave_up = retry.gave_up(mail.attempts)
        mail.status = S.FAILED if gave_up else S.PENDING
        mail.next_attempt_at = now + retry.backoff(mail.attempts)
        mail.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
        logger.warning(
            "E-mail %s not sent (attempt %d): %s", mail.pk, mail.attempts, exc
        )
    else:
        mail.status = S.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
    mail.save(update_fields=["status", "next_attempt_at", "last_error", "sent_at"])
    return mail.status


def mails_send_due(*, now=None, limit=200):
    """Queue an attempt for each mail due (the minute sweep); return how many."""
    now = now or timezone.now()
    due = list(
        OutgoingMail.objects.filter(
            status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for mail_id in due:
        enqueue("core.tasks.deliver_mail", mail_id)
    return len(due)


def mail_retry(*, mail, actor, now=None):
    """Put a failed mail back in line with a fresh set of attempts (managers)."""
    require(actor, Capability.PLAN_COVERAGE, _("Only managers retry e-mails."))
    now = now or timezone.now()
    retried = OutgoingMail.objects.filter(
        pk=mail.pk, status=OutgoingMail.Status.FAILED
    ).update(status=OutgoingMail.Status.PENDING, attempts=0, next_attempt_at=now)
    if retried:
        after_commit(_queue_send, mail.pk)
    return bool(retried)
