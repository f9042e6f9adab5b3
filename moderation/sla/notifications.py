"""Notification sending: write the e-mail of each notification once its
time has come."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import mail_queue
from moderation import masking
from moderation.models import Notification


def notifications_send(*, now=None, limit=200):
    """Write the e-mails of the notifications whose time has come; return how
    many notifications were done.

    Each is marked with a conditional update in the transaction that writes
    its e-mail, so that two runs never write it twice; the outgoing mail sends
    it after commit, with its own retries.
    """
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(sent_at__isnull=True, deliver_after__lte=now)
        .order_by("deliver_after")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            won = Notification.objects.filter(pk=pk, sent_at__isnull=True).update(
                sent_at=now
            )
            if not won:
                continue
            notification = Notification.objects.select_related(
                "recipient", "comment__channel"
            ).get(pk=pk)
            mail = _queue_mail(notification, now)
            if mail is not None:
                Notification.objects.filter(pk=pk).update(mail=mail)
        done += 1
    return done


ESCALATION_KINDS = (
    Notification.Kind.ESCALATED,
    Notification.Kind.ESCALATION_OVERDUE,
)


def _queue_mail(notification, now):
    # The text goes masked: an e-mail is forwarded, kept and read on phones,
    # and its recipient may not be the one who needs the personal data.
    comment = notification.comment
    # In the recipient's own language (their preference, else the site's).
    with translation.override(notification.recipient.mail_language):
        subject = {
            Notification.Kind.SLA_WARNING: _("Response due soon on %(channel)s"),
            Notification.Kind.SLA_BREACH: _("Response overdue on %(channel)s"),
            Notification.Kind.APPROVAL_OVERDUE: _(
                "An answer on %(channel)s is waiting for approval"
            ),
            Notification.Kind.ESCALATED: _(
                "A comment on %(channel)s is escalated to you"
            ),
            Notification.Kind.ESCALATION_OVERDUE: _(
                "An escalation on %(channel)s is overdue"
            ),
        }[notification.kind] % {"channel": comment.channel}
        # An escalation's e-mail gives the escalation's own due time.
        due = (
            comment.escalation_due_at
            if notification.kind in ESCALATION_KINDS and comment.escalation_due_at
            else comment.first_response_due_at
        )
        body = _("%(author)s wrote:\n\n%(text)s\n\nDue: %(due)s\nOpen it: %(path)s") % {
            "author": comment.author,
            "text": masking.masked_text(comment)[:2000],
            "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            "path": reverse("moderation:comment", args=[comment.pk]),
        }
    return mail_queue(
        kind=notification.kind,
        recipients=[notification.recipient.email],
        subject=subject,
        body=body,
        now=now,
    )
