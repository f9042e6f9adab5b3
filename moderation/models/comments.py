"""Incoming comments, their state and SLA clock, and the rule matches that flag them."""

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.channels import Channel
from moderation.models.sla import SlaPolicy
from policies.models import Severity


class PostedPeriod(models.TextChoices):
    WEEKDAY = "weekday", _("Weekday")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Holiday")


class CommentQuerySet(models.QuerySet):
    def mark_once(self, column, ids, *, now, statuses):
        """Set ``column`` to ``now`` on the comments of ``ids`` in ``statuses``
        where it is still empty; return the ids this call marked.

        One ``UPDATE ... RETURNING``: of two concurrent calls, each comment is
        marked by one only, which alone then writes its event or alert. Only
        ``ids`` and ``statuses`` select the rows: call it on the manager.
        """
        if not ids or not statuses:
            return []
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        quoted = connection.ops.quote_name(self.model._meta.get_field(column).column)
        ids_sql = ", ".join(["%s"] * len(ids))
        statuses_sql = ", ".join(["%s"] * len(statuses))
        sql = (
            f"UPDATE {table} SET {quoted} = %s "  # noqa: S608 (names, not input)
            f"WHERE id IN ({ids_sql}) AND {quoted} IS NULL "
            f"AND status IN ({statuses_sql}) RETURNING id"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [connection.ops.adapt_datetimefield_value(now), *ids, *statuses]
            )
            return [row[0] for row in cursor.fetchall()]


class Post(models.Model):
    """The organisation's post that comments answer, as its platform shows it."""

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    external_id = models.CharField(_("external id"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="moderation_post_once"
            ),
        ]

    def __str__(self):
        return f"{self.channel.slug} {self.external_id}"


class Comment(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        ANSWERED = "answered", _("Answered")
        ESCALATED = "escalated", _("Escalated")
        HIDDEN = "hidden", _("Hidden")
        DELETED = "deleted", _("Deleted")
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
    author_name = models.CharField(_("author's name"), max_length=200, blank=True)
    author_url = models.URLField(_("author's profile"), max_length=2000, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    parent_external_id = models.CharField(_("in reply to"), max_length=500, blank=True)
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    # What the connector needs to answer or hide it (moderation.registry.Item).
    platform_data = models.JSONField(default=dict, blank=True, editable=False)
    # When the platform said the comment was removed there (by its author,
    # the platform or another moderator): it stays here, shown as removed.
    removed_on_platform_at = models.DateTimeField(
        _("removed on the platform"), null=True, blank=True, editable=False
    )
    # Whether the comment is hidden on the platform, as the platform last
    # said (a Page's moderator hid it there) or as a delivered hide or unhide
    # left it; ``None`` until either happened.
    hidden_on_platform = models.BooleanField(
        _("hidden on the platform"), null=True, blank=True, editable=False
    )
    # When the platform last said its text was edited.
    edited_on_platform_at = models.DateTimeField(
        _("edited on the platform"), null=True, blank=True, editable=False
    )
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
    # When an approver last sent its answer back; cleared when the next answer
    # is sent. "Sent back" in the inbox is an assigned comment with this set.
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)

    # When the retention task (or an access request) erased the text, and
    # the author's handle and profile: the row stays, for the figures.
    text_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    author_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

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
            # The SLA report: comments answered or overdue by the time they
            # were posted, with every column it groups and ranks by, so
            # that a quarter is read off the index alone (an index-only
            # scan, not the rows and their text). Key columns rather than
            # INCLUDE, which the embedded SQLite default does not know.
            models.Index(
                fields=[
                    "posted_at",
                    "channel",
                    "assignee",
                    "posted_period",
                    "sla_met",
                    "breached_at",
                    "response_minutes",
                    "response_business_minutes",
                    "approval_wait_minutes",
                    "id",
                ],
                name="moderation_sla_report_idx",
                condition=Q(first_responded_at__isnull=False)
                | Q(breached_at__isnull=False),
            ),
            # Critical comments whose alert is still to be sent (the minute
            # sweep catches up after a broker or mail outage).
            models.Index(
                fields=["received_at"],
                name="moderation_alert_waiting_idx",
                condition=Q(severity="critical", alerted_at__isnull=True),
            ),
            # Channel health: the comments each channel received in the last
            # hour, counted for every channel in one query.
            models.Index(
                fields=["channel", "received_at"], name="moderation_channel_recent_idx"
            ),
            # The cockpit: open comments counted by channel and severity, read
            # off this index alone (an index-only scan, not the table).
            models.Index(
                fields=["channel", "severity"],
                name="moderation_open_severity_idx",
                condition=Q(
                    status__in=["new", "assigned", "pending_approval", "escalated"]
                ),
            ),
            # The cockpit: escalations waiting, oldest first.
            models.Index(
                fields=["escalated_at", "id"],
                name="moderation_escalated_age_idx",
                condition=Q(status="escalated"),
            ),
            # The retention task: comments whose text, or author, is still
            # kept, oldest first; its cost follows the rows still to erase.
            models.Index(
                fields=["received_at", "id"],
                name="moderation_text_kept_idx",
                condition=Q(text_erased_at__isnull=True),
            ),
            models.Index(
                fields=["received_at", "id"],
                name="moderation_author_kept_idx",
                condition=Q(author_erased_at__isnull=True),
            ),
            # The transparency report: comments received in a quarter.
            models.Index(fields=["received_at"], name="moderation_received_idx"),
            # A report of content names a comment by its address.
            models.Index(fields=["url"], name="moderation_comment_url_idx"),
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
            # The author panel (an author's latest comments on a channel) and
            # the inbox filtered on one author.
            models.Index(
                fields=["author", "channel", "-posted_at"],
                name="moderation_author_recent_idx",
            ),
            # Search (PostgreSQL) also uses moderation_open_search_idx, a GIN
            # index on the generated ``search`` column that the model does not
            # declare (migration 0037; ``moderation.search``).
            # The inbox's "Sent back" view and its count.
            models.Index(
                fields=["first_response_due_at", "-priority", "id"],
                name="moderation_sent_back_idx",
                condition=Q(status="assigned", sent_back_at__isnull=False),
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
