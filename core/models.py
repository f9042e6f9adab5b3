"""The kernel's own rows: the outgoing e-mail of every app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """An e-mail of any app, written in the transaction that decides to send it.

    A task sends it after commit (the minute sweep catches up after a broker
    outage), so no mail server is ever called inside a database transaction.
    Each attempt is counted and leased first; failures are retried with
    backoff, and after the last attempt the mail stays failed, visible in the
    admin, until a manager puts it back in line.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, retry by hand")

    class Kind(models.TextChoices):
        """What an e-mail is about; every app's e-mails are named here, so that
        the admin shows them in words."""

        CRITICAL_ALERT = "critical_alert", _("Critical comment")
        SLA_WARNING = "sla_warning", _("Response due soon")
        SLA_BREACH = "sla_breach", _("Response overdue")
        APPROVAL_OVERDUE = "approval_overdue", _("Approval overdue")
        ESCALATED = "escalated", _("Escalation")
        ESCALATION_OVERDUE = "escalation_overdue", _("Escalation overdue")
        LEGAL_REVIEWS_OVERDUE = "legal_reviews_overdue", _("Legal reviews overdue")
        ACCREDITATION_EXPIRING = "accreditation_expiring", _("Accreditation expiring")
        COVERAGE_GAPS = "coverage_gaps", _("Coverage gaps")
        AUDIT_ANCHOR = "audit_anchor", _("Daily hash of the audit trail")
        CRISIS = "crisis", _("Crisis on a channel")
        CHANNEL_REFUSED = "channel_refused", _("Channel credentials refused")
        NOTICE_RECEIPT = "notice_receipt", _("Report of content received")
        NOTICE_DECISION = "notice_decision", _("Report of content decided")
        LESSONS_CHANGED = "lessons_changed", _("Lessons to read again")
        MENTION = "mention", _("Mentioned in a note")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        # The model moved from ``governance`` without moving its table.
        db_table = "governance_outgoingmail"
        indexes = [
            # Named when the model lived in governance; the table kept its name.
            # The sweep reads what is due to be sent, through this index only.
            models.Index(
                fields=["next_attempt_at"],
                name="governance_mail_due_idx",
                condition=models.Q(status="pending"),
            ),
            # The dashboard counts the failed ones, which wait for a manager.
            models.Index(
                fields=["created_at"],
                name="governance_mail_failed_idx",
                condition=models.Q(status="failed"),
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.subject}"
