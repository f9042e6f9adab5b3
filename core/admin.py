from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.mail import mail_retry
from core.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Every e-mail of the product: what left, what is retrying, what failed."""

    list_display = (
        "created_at",
        "kind",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind")
    search_fields = ("subject",)
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed e-mails"))
    def retry(self, request, queryset):
        retried = sum(
            mail_retry(mail=mail, actor=request.user)
            for mail in queryset.filter(status=OutgoingMail.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail put back in line.",
                "%(count)d e-mails put back in line.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
