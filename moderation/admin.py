from django.contrib import admin

from moderation.models import Channel, Comment, Event, RuleMatch


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("slug", "platform", "handle", "calendar", "connector", "active")
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
