"""Staffing in the admin: responders, accreditations, grants, calendars, shifts."""

import datetime

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.history import with_history_user
from staffing.models import (
    Accreditation,
    ApiToken,
    BusinessCalendar,
    Closure,
    DelegationGrant,
    OpeningWindow,
    RotaSlot,
    RotaTemplate,
    Shift,
    TrainingProgram,
    User,
)
from staffing.services.grants import (
    accreditation_revoke,
    check_grant_accreditation,
    grant_revoke,
)
from staffing.services.shifts import rota_generate
from staffing.services.tokens import api_token_revoke


@admin.register(User)
class StaffingUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "team", "is_active")
    list_filter = ("groups", "is_active", "team")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Responder"),
            {"fields": ("language", "languages", "team", "channels", "manager")},
        ),
    )


@admin.register(TrainingProgram)
class TrainingProgramAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "name_fr", "name_en", "validity_months")
    search_fields = ("slug", "name_fr", "name_en")


class ExpiryFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("valid", _("Valid now")),
            ("soon", _("Expires within 30 days")),
            ("expired", _("Expired or revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "valid":
            return queryset.filter(
                granted_at__lte=now, expires_at__gt=now, revoked_at__isnull=True
            )
        if self.value() == "soon":
            return queryset.filter(
                expires_at__gt=now,
                expires_at__lte=now + datetime.timedelta(days=30),
                revoked_at__isnull=True,
            )
        if self.value() == "expired":
            return queryset.exclude(expires_at__gt=now, revoked_at__isnull=True)
        return queryset


@admin.register(Accreditation)
class AccreditationAdmin(SimpleHistoryAdmin):
    list_display = (
        "responder",
        "program",
        "level",
        "granted_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = (ExpiryFilter, "program", "level")
    list_select_related = ("responder", "program")
    search_fields = ("responder__username", "responder__last_name")
    readonly_fields = ("granted_by", "revoked_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        with_history_user(obj, request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected accreditations"))
    def revoke(self, request, queryset):
        count = sum(
            accreditation_revoke(actor=request.user, accreditation=a) for a in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d accreditation revoked.",
                "%(count)d accreditations revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DelegationGrant)
class DelegationGrantAdmin(SimpleHistoryAdmin):
    list_display = (
        "responder",
        "max_severity",
        "required_program",
        "valid_from",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("max_severity", "required_program")
    list_select_related = ("responder", "required_program")
    search_fields = ("responder__username", "note")
    readonly_fields = ("granted_by", "revoked_at", "revoked_by")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        # The form (``get_form``) has checked the required accreditation.
        if not change:
            obj.granted_by = request.user
        with_history_user(obj, request.user)
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class GrantForm(form):
            def _post_clean(self):
                super()._post_clean()  # fills the instance from the form
                if not self.errors:
                    try:
                        check_grant_accreditation(self.instance)
                    except ValidationError as exc:
                        self.add_error(None, exc)

        return GrantForm

    @admin.action(description=_("Revoke the selected grants"))
    def revoke(self, request, queryset):
        count = sum(grant_revoke(actor=request.user, grant=g) for g in queryset)
        self.message_user(
            request,
            ngettext("%(count)d grant revoked.", "%(count)d grants revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class OpeningWindowInline(admin.TabularInline):
    model = OpeningWindow
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "name_fr", "name_en", "time_zone", "always_open")
    inlines = [OpeningWindowInline, ClosureInline]


@admin.register(Shift)
class ShiftAdmin(SimpleHistoryAdmin):
    list_display = ("responder", "starts_at", "ends_at", "role")
    list_filter = ("role",)
    list_select_related = ("responder",)
    date_hierarchy = "starts_at"
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        with_history_user(obj, request.user)
        super().save_model(request, obj, form, change)


class RotaSlotInline(admin.TabularInline):
    model = RotaSlot
    extra = 1


@admin.register(RotaTemplate)
class RotaTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "time_zone")
    inlines = [RotaSlotInline]
    actions = ["generate_four_weeks"]

    @admin.action(description=_("Generate shifts for the next four weeks"))
    def generate_four_weeks(self, request, queryset):
        for template in queryset:
            created, skipped = rota_generate(
                actor=request.user,
                template=template,
                start_date=timezone.localdate(),
                weeks=4,
            )
            self.message_user(
                request,
                _("%(rota)s: %(created)d shifts created, %(skipped)d skipped.")
                % {"rota": template, "created": created, "skipped": skipped},
                messages.SUCCESS,
            )


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", _("Active")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Managers list and revoke tokens; nobody reads or chooses a secret here.

    Only a digest is stored; tokens are created on the API tokens page or with
    ``manage.py token_create``, never with a key typed in the admin.
    """

    list_display = (
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (TokenStateFilter,)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing stays possible (view permission); nothing is edited in place.
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked tokens stay listed: who revoked what, and when.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset:
            if api_token_revoke(actor=request.user, token=token):
                count += 1
                change = [{"changed": {"fields": ["revoked_at"]}}]
                self.log_change(request, token, change)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
