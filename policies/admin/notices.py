"""Notices and disclosures in the admin: revisions, preview, publication."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from policies import markdown
from policies.models import Disclosure, DisclosureHandle, Notice
from policies.services.notices import disclosures_set_published, notice_save


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "platform", "language", "published", "revision")
    list_filter = ("kind", "platform", "language", "published")
    search_fields = ("title", "body")
    readonly_fields = ("revision", "updated_at", "preview")
    fields = (
        "kind",
        "platform",
        "language",
        "title",
        "body",
        "published",
        "revision",
        "updated_at",
        "preview",
    )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html(
            '<div class="notice-preview">{}</div>', markdown.render_safe(obj.body)
        )

    def save_model(self, request, obj, form, change):
        notice_save(notice=obj, actor=request.user)


class DisclosureHandleInline(admin.TabularInline):
    model = DisclosureHandle
    extra = 1
    fields = ("platform", "handle")


@admin.register(Disclosure)
class DisclosureAdmin(SimpleHistoryAdmin):
    list_display = ("party", "kind", "starts_on", "ends_on", "published")
    list_filter = ("kind", "published")
    search_fields = ("party", "handles__handle", "statement_fr", "statement_en")
    inlines = [DisclosureHandleInline]
    actions = ["publish", "withdraw"]

    @admin.action(description=_("Publish the selected disclosures"))
    def publish(self, request, queryset):
        count = disclosures_set_published(
            disclosures=queryset, published=True, actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d disclosure published.",
                "%(count)d disclosures published.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the selected disclosures"))
    def withdraw(self, request, queryset):
        count = disclosures_set_published(
            disclosures=queryset, published=False, actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d disclosure withdrawn.",
                "%(count)d disclosures withdrawn.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
