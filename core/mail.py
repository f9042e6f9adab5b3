"""Outgoing e-mail: written in the transaction that decides it, sent by a task.

Every app's e-mails go through ``mail_queue``; ``core.tasks`` sends them with the
retry policy of ``core.retry``.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import delivery
from core.enqueue import enqueue
from core.models import OutgoingMail
from core.permissions import require
from core.roles import Capability
from core.transactions import after_commit

# Attempts, waits and lease: the one policy of core.retry, through
# core.delivery (the lease outlasts the SMTP timeout, EMAIL_TIMEOUT).
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
    # A line break in a subject is refused by the mail library: flatten it,
    # keeping the non-breaking spaces French puts before a colon.
    subject = " ".join(
        part.strip(" \t") for part in str(subject).splitlines() if part.strip()
    )[:SUBJECT_LENGTH]
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


def mail_language(person):
    """Return the language ``person``'s e-mails are written in: theirs if
    they chose one, else the site's."""
    return getattr(person, "mail_language", None) or settings.LANGUAGE_CODE


def mail_queue_each(*, kind, people, compose, now=None):
    """Write one e-mail per language spoken by ``people``, each written in it.

    ``compose(language)`` runs with that language active and returns
    ``(subject, body)``; people sharing a language share one e-mail. Return
    the mails written, by language (people without an address are skipped).
    """
    by_language = {}
    for person in people:
        if person.email:
            by_language.setdefault(mail_language(person), set()).add(person.email)
    mails = []
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject, body = compose(language)
            # Rendered here, while the language is active: lazy strings too.
            subject, body = str(subject), str(body)
        mails.append(
            mail_queue(
                kind=kind, recipients=addresses, subject=subject, body=body, now=now
            )
        )
    return mails


def mail_when(value, *, weekday=False):
    """Return ``value`` as an e-mail body writes it, in the active language
    (call it in ``compose``): the local date and time, ``2026-11-28 16:00``,
    after the weekday as the reader's language abbreviates it (``sam.``,
    ``Sat``) when ``weekday``."""
    text = formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if weekday:
        day = formats.date_format(timezone.localtime(value), "D")
        text = f"{day} {text}"
    return text


def mail_number(value, places=1):
    """Return ``value`` with ``places`` decimals as the active language writes
    them: ``2,5`` in French, ``2.5`` in English."""
    return formats.number_format(value, places)


def _queue_send(mail_id):
    enqueue("core.tasks.deliver_mail", mail_id)


def mail_send(*, mail_id, now=None, connection=None):
    """Make one attempt at sending a pending mail that is due.

    Return its status afterwards, or ``None`` when another sender holds it or
    it is not due (``core.delivery.attempt``: leased before the mail server is
    called). SMTP, socket and refused-address errors are all retried.
    """

    def send(mail):
        EmailMessage(
            mail.subject, mail.body, None, mail.recipients, connection=connection
        ).send()

    return delivery.attempt(
        OutgoingMail.objects,
        mail_id,
        now=now or timezone.now(),
        send=send,
        failures=Exception,
        error_text=lambda exc: f"{exc.__class__.__name__}: {exc}",
        label=lambda mail: f"E-mail {mail.pk}",
    )


def mails_send_due(*, now=None, limit=200):
    """Queue an attempt for each mail due (the minute sweep); return how many."""
    due = delivery.due(OutgoingMail.objects, now=now or timezone.now(), limit=limit)
    for mail_id in due:
        enqueue("core.tasks.deliver_mail", mail_id)
    return len(due)


def mail_retry(*, mail, actor, now=None):
    """Put a failed mail back in line with a fresh set of attempts (managers)."""
    require(actor, Capability.PLAN_COVERAGE, _("Only managers retry e-mails."))
    retried = delivery.put_back(
        OutgoingMail.objects, mail.pk, now=now or timezone.now()
    )
    if retried:
        after_commit(_queue_send, mail.pk)
    return retried
