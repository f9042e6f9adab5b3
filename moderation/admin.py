from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from moderation import services
from moderation.models import (
    Channel,
    Comment,
    Event,
    Notification,
    OutboxMessage,
    RuleMatch,
    SlaPolicy,
)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("slug", "platform", "handle", "calendar", "connector", "active")
    fields = (
        "slug",
        "platform",
        "handle",
        "languages",
        "calendar",
        "sla_policy",
        "connector",
        "publish_url",
        "webhook_secret",
        "active",
    )
    list_filter = ("platform", "connector", "active")
    list_select_related = ("calendar",)


class RuleMatchInline(admin.TabularInline):
    model = RuleMatch
    extra = 0
    can_delete = False
    readonly_fields = (
        "rule",
        "category",
        "severity",
        "pattern",
        "start",
        "end",
        "excerpt",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "before", "after", "reason")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "author",
        "status",
        "severity",
        "assignee",
        "first_response_due_at",
    )
    list_filter = ("status", "severity", "channel")
    list_select_related = ("channel", "assignee")
    search_fields = ("external_id", "author", "text")
    readonly_fields = [field.name for field in Comment._meta.fields]
    inlines = [RuleMatchInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Deliveries to the platforms: what left, what is retrying, what failed."""

    list_display = (
        "created_at",
        "channel",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "kind")
    list_select_related = ("channel",)
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request, queryset):
        retried = sum(
            services.outbox_retry(message=message, actor=request.user)
            for message in queryset.filter(status=OutboxMessage.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery put back in line.",
                "%(count)d deliveries put back in line.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    """Response-time targets; saving one recomputes its open comments' due times."""

    list_display = (
        "slug",
        "__str__",
        "clock",
        "calendar",
        "critical_minutes",
        "high_minutes",
        "medium_minutes",
        "low_minutes",
        "approval_minutes",
        "version",
    )
    list_filter = ("clock",)
    readonly_fields = ("version",)
    fieldsets = (
        (None, {"fields": ("slug", "name_fr", "name_en", "clock", "calendar")}),
        (
            _("First-response targets"),
            {
                "fields": (
                    "critical_minutes",
                    "high_minutes",
                    "medium_minutes",
                    "low_minutes",
                    "warning_minutes",
                )
            },
        ),
        (
            _("Escalation and approvals"),
            {
                "fields": (
                    "escalate_to_backup",
                    "escalate_to_manager",
                    "approval_minutes",
                    "version",
                )
            },
        ),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """E-mails owed about comments: SLA warnings, breaches, overdue approvals."""

    list_display = (
        "created_at",
        "kind",
        "recipient",
        "comment",
        "deliver_after",
        "sent_at",
        "mail_status",
    )
    list_filter = ("kind",)
    list_select_related = ("recipient", "comment__channel", "mail")
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("e-mail"))
    def mail_status(self, notification):
        """The state of its e-mail (sent, retrying, failed), if one was written."""
        mail = notification.mail
        return mail.get_status_display() if mail else "—"
