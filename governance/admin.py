"""The admin site, open to managers only."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.roles import Capability
from staffing.forms import BoundedUsernameMixin


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
