"""Notifications: the e-mails owed to people about a comment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment


class Notification(models.Model):
    """An e-mail owed to someone about a comment: an SLA warning or breach, an
    overdue approval, an escalation or an overdue one. One per person, kind
    and comment (a constraint), written to the outgoing mail once, when the
    person can act on it."""

    class Kind(models.TextChoices):
        SLA_WARNING = "sla_warning", _("Response due soon")
        SLA_BREACH = "sla_breach", _("Response overdue")
        APPROVAL_OVERDUE = "approval_overdue", _("Approval overdue")
        ESCALATED = "escalated", _("Comment escalated to you")
        ESCALATION_OVERDUE = "escalation_overdue", _("Escalation overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    deliver_after = models.DateTimeField(_("send from"), default=timezone.now)
    # When its e-mail was written to the outgoing mail, which sends and retries
    # it; ``mail`` is empty when the recipient has no address.
    sent_at = models.DateTimeField(_("e-mail written at"), null=True, blank=True)
    mail = models.ForeignKey(
        "core.OutgoingMail",
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "kind", "recipient"],
                name="moderation_notification_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deliver_after"],
                name="moderation_notify_due_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
