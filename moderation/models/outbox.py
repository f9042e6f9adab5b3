"""The outbox: what leaves through a channel's connector."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.models.answers import Answer
from moderation.models.channels import Channel


class OutboxMessage(models.Model):
    """What leaves through a channel's connector: published answers.

    Written in the transaction that publishes, then delivered after commit and
    retried with backoff until it is sent or gives up, so nothing is lost; a
    message that gave up stays visible and can be retried from the admin.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, retry by hand")
        KEPT = "kept", _("Kept (the channel has no sending connector)")

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT
    )
    answer = models.ForeignKey(
        Answer,
        verbose_name=_("answer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    comment = models.ForeignKey(
        "moderation.Comment",
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Where a reply landed on the platform (registry.Delivered).
    platform_id = models.CharField(_("platform id"), max_length=500, blank=True)
    platform_url = models.URLField(_("on the platform"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The sender reads what is due to be sent, through this index only.
            models.Index(
                fields=["next_attempt_at"],
                name="moderation_outbox_due_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.channel.slug}"

    def error_message(self):
        """Return the last attempt's generic error, translated."""
        return gettext(self.last_error) if self.last_error else ""
