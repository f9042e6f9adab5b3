"""The append-only audit trail of comments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only: events cannot change.")

    def delete(self):
        raise PermissionError(
            "The audit trail is append-only: events cannot be deleted."
        )


class Event(models.Model):
    """One line of the append-only audit trail: who did what, when, from what."""

    class Action(models.TextChoices):
        """Every action the audit trail records; the values are stored."""

        INGESTED = "ingested", _("received")
        ROUTED = "routed", _("routed")
        ROUTING_GAP = "routing_gap", _("nobody on shift to route to")
        ALERTED = "alerted", _("on-duty people alerted")
        CLAIMED = "claimed", _("claimed")
        RELEASED = "released", _("released")
        REASSIGNED = "reassigned", _("reassigned")
        ESCALATED = "escalated", _("escalated")
        TAKEN = "taken", _("escalation taken")
        SENT_BACK = "sent_back", _("sent back to the queue")
        ESCALATION_REASSIGNED = "escalation_reassigned", _("escalation reassigned")
        ESCALATION_OVERDUE = "escalation_overdue", _("escalation overdue")
        HIDDEN = "hidden", _("hidden")
        UNHIDDEN = "unhidden", _("shown again")
        AUTHOR_MUTED = "author_muted", _("author muted on the platform")
        AUTHOR_BLOCKED = "author_blocked", _("author blocked on the platform")
        AUTHOR_REPORTED = "author_reported", _("author reported to the platform")
        CLOSED = "closed", _("closed")
        EDITED_ON_PLATFORM = "edited_on_platform", _("edited by its author")
        REMOVED_ON_PLATFORM = "removed_on_platform", _("removed on the platform")
        ANSWERED = "answered", _("answered")
        ANSWER_SUBMITTED = "answer_submitted", _("answer sent for approval")
        ANSWER_APPROVED = "answer_approved", _("answer approved")
        ANSWER_REJECTED = "answer_rejected", _("answer sent back")
        SLA_WARNED = "sla_warned", _("response due soon: people told")
        SLA_BREACHED = "sla_breached", _("response overdue: people told")
        APPROVAL_OVERDUE = "approval_overdue", _("approval overdue: approvers told")

    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    before = models.CharField(_("before"), max_length=40, blank=True)
    after = models.CharField(_("after"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["comment", "at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(
                "The audit trail is append-only: events cannot change."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(
            "The audit trail is append-only: events cannot be deleted."
        )

    @property
    def action_label(self):
        if self.action in self.Action.values:
            return self.Action(self.action).label
        return self.action

    @property
    def before_label(self):
        return _status_label(self.before)

    @property
    def after_label(self):
        return _status_label(self.after)


def _status_label(value):
    return Comment.Status(value).label if value in Comment.Status.values else value
