"""Legal references in the admin: review dates, and what a frozen rule cites."""

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies.models import LegalReference, PolicyVersion, Rule


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("Review overdue")), ("upcoming", _("Due within 30 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lte=today)
        if self.value() == "upcoming":
            return queryset.filter(
                next_review_due__gt=today,
                next_review_due__lte=today + datetime.timedelta(days=30),
            )
        return queryset


@admin.register(LegalReference)
class LegalReferenceAdmin(SimpleHistoryAdmin):
    list_display = (
        "slug",
        "title",
        "kind",
        "jurisdiction",
        "review_status",
        "reviewed_on",
        "next_review_due",
    )
    list_filter = (ReviewOverdueFilter, "review_status", "kind", "jurisdiction")
    search_fields = ("slug", "title_fr", "title_en", "summary_fr", "summary_en")

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # A reference that a frozen rule cites stays: the admin lists the rules
        # as protected and deletes nothing.
        pks = [obj.pk for obj in objs]
        protected += [
            _("%(rule)s, in version %(number)s")
            % {"rule": rule, "number": rule.version.number}
            for rule in Rule.objects.filter(legal_references__in=pks)
            .exclude(version__status=PolicyVersion.Status.DRAFT)
            .select_related("version")
            .distinct()
        ]
        return deleted, counts, perms_needed, protected
