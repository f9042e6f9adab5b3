import json

from django import forms
from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core import encryption
from moderation import masking
from moderation.models import (
    AuditAnchor,
    Channel,
    Comment,
    Event,
    Macro,
    Notification,
    OutboxMessage,
    RuleMatch,
    SlaPolicy,
    new_webhook_secret,
)
from moderation.services.outbox import outbox_retry


def credentials_state(channel):
    """Say whether credentials are set, and when: they are never shown back."""
    if channel is None or channel.credentials_set_at is None:
        return _("Not set")
    return _("Set on %(date)s") % {
        "date": formats.date_format(
            timezone.localtime(channel.credentials_set_at), "DATETIME_FORMAT"
        )
    }


class ChannelAdminForm(forms.ModelForm):
    # An address typed without a scheme is read as https (Django 6's default).
    publish_url = Channel._meta.get_field("publish_url").formfield(
        assume_scheme="https"
    )
    credentials = forms.CharField(
        label=_("New credentials"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            'A JSON object, e.g. {"access_token": "..."}. Stored encrypted and '
            "never shown again: leave blank to keep the current credentials."
        ),
    )

    class Meta:
        model = Channel
        fields = [
            "slug",
            "platform",
            "handle",
            "languages",
            "calendar",
            "sla_policy",
            "connector",
            "publish_url",
            "active",
        ]

    def clean_credentials(self):
        text = self.cleaned_data["credentials"]
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter a JSON object."))
        return value

    new_webhook_secret = forms.BooleanField(
        label=_("Generate a new webhook secret"),
        required=False,
        help_text=_(
            "The old secret stops working at once: give the new one to the "
            "server that signs this channel's webhooks."
        ),
    )

    def save(self, commit=True):
        if self.cleaned_data.get("new_webhook_secret"):
            self.instance.webhook_secret = new_webhook_secret()
        if self.cleaned_data.get("credentials") is not None:
            self.instance.set_credentials(self.cleaned_data["credentials"])
        return super().save(commit)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelAdminForm
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
        "webhook_secret_shown",
        "new_webhook_secret",
        "credentials",
        "credentials_state",
        "active",
    )
    readonly_fields = ("credentials_state", "webhook_secret_shown")
    list_filter = ("platform", "connector", "active")
    list_select_related = ("calendar",)

    @admin.display(description=_("webhook secret"))
    def webhook_secret_shown(self, obj):
        # Generated here and given to the organisation's server, which signs
        # with it: shown to the managers who edit the channel, stored encrypted.
        if obj is None or not obj.pk:
            return _("Generated when the channel is saved")
        try:
            return obj.webhook_secret
        except encryption.UnreadableSecret:
            return _("Unreadable with the configured keys")

    @admin.display(description=_("credentials"))
    def credentials_state(self, obj):
        return credentials_state(obj)


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
        "shown_excerpt",
    )
    fields = readonly_fields

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines are made anew for each request: keeping the viewer is safe.
        self.viewer = request.user
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("comment__channel")
            .prefetch_related("comment__matches")
        )

    @admin.display(description=_("excerpt"))
    def shown_excerpt(self, match):
        return masking.visible_excerpt(match, match.comment, self.viewer)

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
    # Managers only (the admin site's rule), who see personal data anyway.
    search_fields = ("external_id", "author", "text")
    inlines = [RuleMatchInline, EventInline]

    readonly_fields = [
        "shown_text" if field.name == "text" else field.name
        for field in Comment._meta.fields
    ]

    def get_object(self, request, object_id, from_field=None):
        comment = super().get_object(request, object_id, from_field)
        if comment is not None:
            comment.viewer = request.user  # for shown_text, on this request only
        return comment

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("matches")

    @admin.display(description=_("text"))
    def shown_text(self, comment):
        return masking.visible_text(comment, getattr(comment, "viewer", None))

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
        "error",
    )
    list_filter = ("status", "channel", "kind")
    list_select_related = ("channel",)
    readonly_fields = [
        "error" if field.name == "last_error" else field.name
        for field in OutboxMessage._meta.fields
    ]
    fields = readonly_fields
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def error(self, obj):
        return obj.error_message()

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request, queryset):
        retried = sum(
            outbox_retry(message=message, actor=request.user)
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
                    "escalation_minutes",
                    "approval_minutes",
                    "version",
                )
            },
        ),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """E-mails owed about comments: SLA warnings, breaches, overdue approvals,
    escalations."""

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


@admin.register(AuditAnchor)
class AuditAnchorAdmin(admin.ModelAdmin):
    """The daily hashes of the audit trail: read, never written by hand."""

    list_display = ("day", "seq", "hash", "recorded_at")
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    """Macros: an answer in both languages and what sending it does."""

    list_display = ("name_fr", "name_en", "then", "rule", "active", "position")
    list_editable = ("active", "position")
    list_filter = ("then", "active")
    search_fields = ("name_fr", "name_en", "rule")
    fieldsets = (
        (
            None,
            {"fields": ("name_fr", "name_en", "then", "rule", "active", "position")},
        ),
        (
            _("Text"),
            {
                "fields": ("body_fr", "body_en"),
                "description": _(
                    "Variables: {author}, {channel}, {rule}, {netiquette}, "
                    "{privacy}, {disclaimer}, {terms}. A macro named as an answer "
                    "template takes its place in the answer editor."
                ),
            },
        ),
    )
