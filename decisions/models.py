"""Statements of reasons, appeals, notices, the retention schedule and legal holds."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import Comment
from moderation.restrictions import Kind


class Delivery(models.TextChoices):
    PRIVATE_MESSAGE = "private_message", _("Private message on the platform")
    ON_REQUEST = "on_request", _("Given with the answer or on request")


class Statement(models.Model):
    """The statement of reasons of one restriction, shown at /decisions/<reference>/.

    It holds no personal data: the excerpt is masked when written, the author
    is not named. ``comment`` links it to the comment for staff only.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    kind = models.CharField(_("restriction"), max_length=20, choices=Kind.choices)
    platform = models.CharField(_("platform"), max_length=40)
    restricted_at = models.DateTimeField(_("restricted since"))
    facts = models.TextField(_("facts"), blank=True)
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    rule_name_fr = models.CharField(max_length=200, blank=True)
    rule_name_en = models.CharField(max_length=200, blank=True)
    grounds_fr = models.TextField(blank=True)
    grounds_en = models.TextField(blank=True)
    detected_automatically = models.BooleanField(_("detected by automated means"))
    decided_automatically = models.BooleanField(_("decided by automated means"))
    language = models.CharField(_("language"), max_length=2)
    # When the rule that decided alone may act ({} for always): days, from,
    # until and the time zone they are in (policies.acting.window_of).
    acting_window = models.JSONField(default=dict, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # From the comment's arrival to the decision, for the transparency report.
    minutes_to_decision = models.PositiveIntegerField(null=True, blank=True)
    delivery = models.CharField(
        _("sent"), max_length=20, choices=Delivery.choices, default=Delivery.ON_REQUEST
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")
        indexes = [
            # The transparency report: statements of a quarter.
            models.Index(fields=["restricted_at"], name="decisions_statement_at_idx"),
        ]

    def __str__(self):
        return self.reference


class Appeal(models.Model):
    """An appeal of a statement, or a request for a human review of an
    automated decision: a queue item for a person other than the decider."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        HUMAN_REVIEW = "human_review", _("Human review of an automated decision")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        REVERSED = "reversed", _("Reversed")

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reasons = models.TextField(_("reasons"))
    lodged_at = models.DateTimeField(_("lodged at"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.TextField(_("reasons of the outcome"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            # One pending appeal per statement: a second is the same request.
            models.UniqueConstraint(
                fields=["statement"],
                condition=Q(status="pending"),
                name="decisions_one_pending_appeal",
            ),
        ]
        indexes = [
            # The queue: pending items by due time.
            models.Index(
                fields=["due_at"],
                name="decisions_appeal_due_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["lodged_at"], name="decisions_appeal_at_idx"),
        ]

    def __str__(self):
        return f"{self.statement.reference} {self.kind}"


class Notice(models.Model):
    """A report of content by a member of the public (DSA art. 16)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTED = "acted", _("Acted upon")
        REJECTED = "rejected", _("No action")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    url = models.URLField(_("address of the content"), max_length=2000)
    reasons = models.TextField(_("reasons"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.TextField(_("reasons of the outcome"), blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="decisions_notice_due_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["received_at"], name="decisions_notice_at_idx"),
        ]

    def __str__(self):
        return self.reference


class Category(models.TextChoices):
    COMMENT_TEXT = "comment_text", _("Comment text")
    AUTHOR = "author", _("Author handle and profile")
    PERSONAL_DATA = "personal_data", _("Detected personal data")
    NOTICES = "notices", _("Notifiers' names and e-mails")
    STATEMENTS = "statements", _("Statements of reasons")
    NOTES = "notes", _("Internal notes on comments")
    AUDIT_EVENTS = "audit_events", _("Reasons written in the audit trail")


class RetentionRule(models.Model):
    """How long one category of data is kept, in days after it was received."""

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, unique=True
    )
    days = models.PositiveIntegerField(_("days kept"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self):
        return f"{self.category}: {self.days}"


class RetentionRun(models.Model):
    """One run of the retention task: what it did, and how far it got.

    ``cursor`` (per category, the last comment id done) is saved with each
    batch, so that a run killed midway goes on from there.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    cutoffs = models.JSONField(default=dict)
    cursor = models.JSONField(default=dict)
    done = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]

    def __str__(self):
        return self.started_at.isoformat()


class LegalHold(models.Model):
    """Keep a comment, or every comment of an author on a channel, from the
    retention task and from anonymisation, with an evidence copy."""

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    channel = models.ForeignKey(
        "moderation.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.CharField(_("author"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False)
                | (Q(channel__isnull=False) & ~Q(author="")),
                name="decisions_hold_has_a_subject",
            ),
        ]

    def __str__(self):
        return f"hold {self.pk}"


class Evidence(models.Model):
    """A held comment as it was received, kept whatever becomes of it."""

    hold = models.ForeignKey(LegalHold, on_delete=models.PROTECT, related_name="copies")
    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, related_name="evidence"
    )
    text = models.TextField()
    metadata = models.JSONField()
    platform_url = models.URLField(max_length=2000, blank=True)
    sha256 = models.CharField(max_length=64)
    copied_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evidence copy")
        verbose_name_plural = _("evidence copies")
        constraints = [
            models.UniqueConstraint(
                fields=["hold", "comment"], name="decisions_evidence_once"
            )
        ]

    def __str__(self):
        return self.sha256
