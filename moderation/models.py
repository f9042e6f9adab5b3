"""The work: channels, incoming comments, their matches and the audit trail."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import outbound
from core.versioning import VersionedMixin
from policies.models import Platform, Severity, localized
from staffing.models import BusinessCalendar


def new_webhook_secret():
    return secrets.token_urlsafe(32)


class SlaPolicy(VersionedMixin, models.Model):
    """Response-time targets of the channels that follow it, and who is told."""

    class Clock(models.TextChoices):
        WALL = "wall", _("Wall-clock time (channels covered 24/7)")
        BUSINESS = "business", _("Business time of a calendar")

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    clock = models.CharField(
        _("clock"), max_length=10, choices=Clock.choices, default=Clock.WALL
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text=_("Counted by the business clock."),
    )
    critical_minutes = models.PositiveIntegerField(
        _("critical: first response within (minutes)"), default=60
    )
    high_minutes = models.PositiveIntegerField(
        _("high: first response within (minutes)"), default=240
    )
    medium_minutes = models.PositiveIntegerField(
        _("medium: first response within (minutes)"), default=480
    )
    low_minutes = models.PositiveIntegerField(
        _("low and unflagged: first response within (minutes)"), default=1440
    )
    warning_minutes = models.PositiveIntegerField(
        _("warn this many minutes before the due time"), default=30
    )
    escalate_to_backup = models.BooleanField(
        _("on breach, tell the backup on shift"), default=True
    )
    escalate_to_manager = models.BooleanField(
        _("on breach, tell the manager on duty"), default=True
    )
    approval_minutes = models.PositiveIntegerField(
        _("approvals: decided within (minutes)"), default=60
    )
    escalation_minutes = models.PositiveIntegerField(
        _("escalations: taken or answered within (minutes)"),
        default=240,
        help_text=_("Counted by the policy's clock from the escalation."),
    )
    # Incremented at every change, so that each comment records which version
    # of the policy its due time came from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clock="wall") | Q(calendar__isnull=False),
                name="moderation_sla_business_needs_calendar",
            ),
        ]

    def __str__(self):
        return localized(self, "name")

    def clean(self):
        super().clean()
        if self.clock == self.Clock.BUSINESS and not self.calendar_id:
            raise ValidationError(
                {"calendar": _("The business clock needs a calendar.")}
            )

    def target_minutes(self, severity):
        return {
            "critical": self.critical_minutes,
            "high": self.high_minutes,
            "medium": self.medium_minutes,
        }.get(severity, self.low_minutes)


class Channel(models.Model):
    """An account of the organisation on a platform, whose comments come in."""

    class Connector(models.TextChoices):
        OUTBOX = "outbox", _("Outbox only (answers are recorded, not sent)")
        WEBHOOK = "webhook", _("Signed webhook")

    slug = models.SlugField(_("slug"), unique=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("coverage calendar"),
        on_delete=models.PROTECT,
        related_name="channels",
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
        help_text=_("Without one, the default targets apply on the coverage calendar."),
    )
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=100, default=new_webhook_secret
    )
    connector = models.CharField(
        _("connector"),
        max_length=20,
        choices=Connector.choices,
        default=Connector.OUTBOX,
    )
    publish_url = models.URLField(
        _("publishing URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"]), outbound.validate_url],
        help_text=_(
            "Where the signed webhook connector POSTs published answers, signed "
            "with the webhook secret. A public address, without credentials."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["slug"]

    def __str__(self):
        return f"{self.get_platform_display()} @{self.handle}"

    def clean(self):
        super().clean()
        if self.connector == self.Connector.WEBHOOK and not self.publish_url:
            raise ValidationError(
                {"publish_url": _("The signed webhook connector needs a URL.")}
            )


class PostedPeriod(models.TextChoices):
    WEEKDAY = "weekday", _("Weekday")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Holiday")


class Comment(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        ANSWERED = "answered", _("Answered")
        ESCALATED = "escalated", _("Escalated")
        HIDDEN = "hidden", _("Hidden")
        CLOSED = "closed", _("Closed, no action needed")

    OPEN_STATUSES = (
        Status.NEW,
        Status.ASSIGNED,
        Status.PENDING_APPROVAL,
        Status.ESCALATED,
    )

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    external_id = models.CharField(_("external id"), max_length=200)
    author = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    parent_external_id = models.CharField(_("in reply to"), max_length=200, blank=True)
    posted_at = models.DateTimeField(_("posted at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, blank=True
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_comments",
    )
    first_response_due_at = models.DateTimeField(_("first response due"))
    first_responded_at = models.DateTimeField(
        _("first responded at"), null=True, blank=True
    )
    # When the on-duty people were alerted of a critical comment, so that the
    # alert goes out once.
    alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when nobody on shift may answer this new comment: the gap is
    # recorded once per wait, and the wait ends when it is routed or claimed.
    routing_gap_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The SLA clock: the policy (and its version) the due time came from, when
    # the warning falls, and when the sweep marked the warning and the breach,
    # each once.
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sla_policy_version = models.PositiveIntegerField(null=True, blank=True)
    sla_calendar_version = models.PositiveIntegerField(null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach noticed at"), null=True, blank=True)
    # The last escalation: to whom, when, its own due time and when the sweep
    # marked it overdue (once). Only read while the status is "escalated"; a
    # new escalation overwrites them, the events keep the history.
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_comments",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_due_at = models.DateTimeField(_("escalation due"), null=True, blank=True)
    escalation_breached_at = models.DateTimeField(
        _("escalation overdue since"), null=True, blank=True
    )
    # The outcome, stored when the comment is first answered.
    response_minutes = models.PositiveIntegerField(
        _("minutes to first response"), null=True, blank=True
    )
    response_business_minutes = models.PositiveIntegerField(
        _("business minutes to first response"), null=True, blank=True
    )
    sla_met = models.BooleanField(_("target met"), null=True, blank=True)
    posted_period = models.CharField(
        _("posted on"), max_length=10, choices=PostedPeriod.choices, blank=True
    )
    approval_wait_minutes = models.PositiveIntegerField(
        _("minutes waiting for approval"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            # Ingest is idempotent: the same comment of a channel is stored once,
            # even when two deliveries race.
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                name="moderation_comment_once_per_channel",
            ),
        ]
        indexes = [
            # The inbox: open comments in its exact order (due time, priority,
            # id), so that a page is read off the index without sorting.
            models.Index(
                fields=["first_response_due_at", "-priority", "id"],
                name="moderation_open_urgent_idx",
                condition=Q(
                    status__in=["new", "assigned", "pending_approval", "escalated"]
                ),
            ),
            # The inbox filtered on one status, open or not, in the same order.
            models.Index(
                fields=["status", "first_response_due_at", "-priority", "id"],
                name="moderation_status_urgent_idx",
            ),
            # The SLA sweep: open comments whose warning, or due time, has come
            # and that are not marked yet; its cost follows the due ones only.
            models.Index(
                fields=["warn_at"],
                name="moderation_sla_warn_idx",
                condition=Q(
                    status__in=["new", "assigned", "pending_approval", "escalated"],
                    warned_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["first_response_due_at"],
                name="moderation_sla_breach_idx",
                condition=Q(
                    status__in=["new", "assigned", "pending_approval", "escalated"],
                    breached_at__isnull=True,
                ),
            ),
            # Reports: answered comments by the time they were posted.
            models.Index(
                fields=["posted_at"],
                name="moderation_answered_idx",
                condition=Q(first_responded_at__isnull=False),
            ),
            # Critical comments whose alert is still to be sent (the minute
            # sweep catches up after a broker or mail outage).
            models.Index(
                fields=["received_at"],
                name="moderation_alert_waiting_idx",
                condition=Q(severity="critical", alerted_at__isnull=True),
            ),
            # "Assigned to me" in the inbox.
            models.Index(fields=["assignee", "status"], name="moderation_assignee_idx"),
            # The escalation sweep: escalated comments past their escalation's
            # due time and not marked overdue yet.
            models.Index(
                fields=["escalation_due_at"],
                name="moderation_escalation_due_idx",
                condition=Q(status="escalated", escalation_breached_at__isnull=True),
            ),
            # "Escalated to me" in the inbox, and each escalatee's open
            # escalations when choosing whom the next one goes to.
            models.Index(
                fields=["escalated_to"],
                name="moderation_escalated_to_idx",
                condition=Q(status="escalated"),
            ),
        ]

    def __str__(self):
        return f"{self.channel.slug}/{self.external_id}"

    def escalated_to_user(self, user):
        """Return whether the comment is escalated, to ``user``, right now."""
        return self.status == self.Status.ESCALATED and self.escalated_to_id == user.pk


class RuleMatch(models.Model):
    """Why a comment was flagged: which rule, which words, where."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="matches"
    )
    policy_version = models.PositiveIntegerField()
    rule = models.CharField(max_length=80)
    category = models.CharField(max_length=20)
    severity = models.CharField(max_length=10)
    pattern = models.CharField(max_length=500)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # As found, personal data included: shown only through moderation.masking.
    excerpt = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("rule match")
        verbose_name_plural = _("rule matches")
        ordering = ["comment", "start"]

    def __str__(self):
        return f"{self.rule} [{self.start}:{self.end}]"


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
        CLOSED = "closed", _("closed")
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


class WebhookDelivery(models.Model):
    """A signed webhook request already accepted, so that a replay is refused."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    signature = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "signature"], name="moderation_webhook_once"
            ),
        ]
        indexes = [
            # Deliveries older than the signature window can be purged by date.
            models.Index(fields=["received_at"], name="moderation_delivery_age_idx"),
        ]

    def __str__(self):
        return f"{self.channel.slug} {self.received_at:%Y-%m-%d %H:%M:%S}"


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
    # When the approval clock ran out and other approvers were told (once).
    approval_escalated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

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


def _status_label(value):
    return Comment.Status(value).label if value in Comment.Status.values else value


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
