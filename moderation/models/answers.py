"""Answers to comments, published at once or after approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment


class Answer(models.Model):
    """A reply to a comment; published at once, or after approval."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body = models.TextField(_("answer"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    needs_approval_because = models.CharField(
        _("approval needed because"), max_length=200, blank=True
    )
    template = models.ForeignKey(
        "policies.AnswerTemplate",
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The approver's note when the answer was sent back: shown above the
    # answer box, pre-filled with this answer, when its author writes again.
    sent_back_reason = models.TextField(_("what to change"), blank=True)
    # When the approval clock ran out and other approvers were told (once).
    approval_escalated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # What the macro it was sent with does once it is published ("hide").
    then = models.CharField(_("then"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["comment", "created_at"]
        indexes = [
            # The approvals page: answers waiting, oldest first.
            models.Index(
                fields=["created_at"],
                name="moderation_answer_waiting_idx",
                condition=Q(status="pending_approval"),
            ),
        ]

    def __str__(self):
        return f"{self.comment} · {self.get_status_display()}"
