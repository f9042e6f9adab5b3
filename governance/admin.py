"""The admin site, open to managers only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from governance import services
from governance.models import OutgoingMail
from staffing.forms import BoundedUsernameMixin
from staffing.roles import Capability


class ManagerAuthenticationForm(BoundedUsernameMixin, AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the username and password of a manager account. "
            "Both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user):
        if not (user.is_active and user.can(Capability.EDIT_POLICIES)):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class GovernanceAdminSite(admin.AdminSite):
    site_header = _("Social media governance")
    site_title = _("Governance administration")
    index_title = _("Rulebook, staffing and moderation")
    login_form = ManagerAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.can(Capability.EDIT_POLICIES)


# Registered by ``GovernanceConfig.ready``: this module also defines the admin
# site, which is still being built while the module is imported.
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
            services.mail_retry(mail=mail, actor=request.user)
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
