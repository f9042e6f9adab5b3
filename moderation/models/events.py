"""The append-only audit trail of comments."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation import audit
from moderation.models.comments import Comment


class EventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Insert events in one statement, each linked into the hash chain."""
        objs = list(objs)
        # No savepoint: the chain's two queries join the caller's transaction.
        with transaction.atomic(using=self.db, savepoint=False):
            chain_extend(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only: events cannot change.")

    def delete(self):
        raise PermissionError(
            "The audit trail is append-only: events cannot be deleted."
        )

    def reasons_erase(self, *, now):
        """Erase the reasons of these events (retention), keeping their digest:
        the one change the audit trail allows, here and in its SQL trigger.
        Return how many were erased."""
        return models.QuerySet.update(
            self.filter(reason_erased_at__isnull=True).exclude(reason=""),
            reason="",
            reason_erased_at=now,
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
        DELETED = "deleted", _("deleted, here and on the platform")
        # A deletion reversed on appeal: the platform's copy is gone for good.
        RESTORED = (
            "restored",
            _("restored here on appeal; the platform's copy cannot be put back"),
        )
        HIDDEN_ON_PLATFORM = "hidden_on_platform", _("hidden on the platform")
        SHOWN_ON_PLATFORM = "shown_on_platform", _("shown again on the platform")
        PUBLISHED = "published", _("held for review, published on the platform")
        AUTHOR_MUTED = "author_muted", _("author muted on the platform")
        AUTHOR_BLOCKED = "author_blocked", _("author blocked on the platform")
        AUTHOR_REPORTED = "author_reported", _("author reported to the platform")
        AUTHOR_UNMUTED = "author_unmuted", _("author unmuted on the platform")
        AUTHOR_UNBLOCKED = "author_unblocked", _("author unblocked on the platform")
        CLOSED = "closed", _("closed")
        EDITED_ON_PLATFORM = "edited_on_platform", _("edited by its author")
        REMOVED_ON_PLATFORM = "removed_on_platform", _("removed on the platform")
        ANSWERED = "answered", _("answered")
        ANSWER_SUBMITTED = "answer_submitted", _("answer sent for approval")
        ANSWER_APPROVED = "answer_approved", _("answer approved")
        ANSWER_REJECTED = "answer_rejected", _("answer sent back")
        ANSWER_EDITED = "answer_edited", _("answer edited by the approver")
        UNDONE = "undone", _("undone")
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
    # The hash covers the reason's digest, kept when retention erases the
    # reason itself (moderation.audit).
    reason_sha256 = models.CharField(_("reason's SHA-256"), max_length=64)
    reason_erased_at = models.DateTimeField(_("reason erased at"), null=True)
    # The hash chain (moderation.audit): set when the event is written.
    seq = models.PositiveBigIntegerField(_("number in the chain"), unique=True)
    prev_hash = models.CharField(_("previous event's hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

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
        using = kwargs.get("using") or "default"
        with transaction.atomic(using=using, savepoint=False):
            chain_extend([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(
            "The audit trail is append-only: events cannot be deleted."
        )

    def content(self):
        """The bytes its hash covers (moderation.audit.canonical)."""
        return audit.canonical(
            seq=self.seq,
            comment_id=self.comment_id,
            actor_id=self.actor_id,
            action=self.action,
            before=self.before,
            after=self.after,
            reason_sha256=self.reason_sha256,
            at=self.at,
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


class AuditHead(models.Model):
    """The last link of the chain: one row, locked by every writer of events.

    Writers take its row lock inside their transaction, so events join the
    chain one transaction at a time, in the order they commit their links.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=audit.GENESIS)

    class Meta:
        verbose_name = _("head of the audit trail")
        verbose_name_plural = _("heads of the audit trail")

    def __str__(self):
        return f"#{self.seq} {self.hash}"


class AuditAnchor(models.Model):
    """The chain's head as it stood at the end of a day, recorded and e-mailed
    to managers, so that a history rewritten afterwards no longer ends there."""

    day = models.DateField(_("day"), unique=True)
    seq = models.PositiveBigIntegerField(_("number in the chain"))
    hash = models.CharField(_("hash"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily hash of the audit trail")
        verbose_name_plural = _("daily hashes of the audit trail")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} #{self.seq} {self.hash}"


def chain_extend(events, *, using="default"):
    """Number and hash ``events`` after the chain's head, then move the head.

    Must run inside the transaction that inserts them: the head's row lock is
    held until it commits, so two writers never take the same place.
    """
    if not events:
        return
    head = _head_locked(using)
    seq, previous = head.seq, head.hash
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.reason_sha256 = audit.reason_digest(event.reason)
        event.hash = previous = audit.link(previous, event.content())
    AuditHead.objects.using(using).filter(pk=head.pk).update(seq=seq, hash=previous)


def _head_locked(using):
    heads = AuditHead.objects.using(using).select_for_update()
    head = heads.filter(pk=1).first()
    if head is None:
        # A new or flushed database: the first writer creates the head.
        AuditHead.objects.using(using).bulk_create(
            [AuditHead(pk=1)], ignore_conflicts=True
        )
        head = heads.get(pk=1)
    return head
