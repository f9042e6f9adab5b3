"""The rulebook in the admin: managers edit drafts, publish, and read history."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.messages import report_error
from policies.classify import build_matcher
from policies.forms import RuleAdminForm, TryItForm
from policies.matcher import segments
from policies.models import (
    AnswerTemplate,
    Pattern,
    PolicyVersion,
    PublishedVersionError,
    Rule,
)
from policies.services.rulebook import policy_version_create_draft


class TryItMixin:
    """A "try it" page: what a rule, or a whole version, flags in a sample text."""

    change_form_template = "admin/policies/change_form_try_it.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/try/",
                self.admin_site.admin_view(self.try_it_view),
                name="{}_{}_try".format(*info),
            ),
            *super().get_urls(),
        ]

    def try_it_view(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        form = TryItForm(request.POST or None)
        result = pieces = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            result = self.matcher_for(obj).classify(
                data["text"],
                language=data["language"] or None,
                platform=data["platform"] or None,
                author=data["author"] or None,
            )
            pieces = segments(data["text"], result.matches)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Try %(object)s") % {"object": obj},
            "form": form,
            "result": result,
            "pieces": pieces,
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            ),
        }
        return TemplateResponse(request, "admin/policies/try_it.html", context)


def _editable(obj):
    """Return whether the versioned ``obj`` (a version or a rule) may change."""
    if obj is None:
        return True
    version = obj if isinstance(obj, PolicyVersion) else obj.version
    return version.is_editable


class FrozenVersionMixin:
    """Refuse, with a message, to change a published or retired version's content.

    Covers the change form and the history "revert" page, which does not ask
    ``has_change_permission``; the models and the database refuse as well.
    """

    def _stored(self, object_id):
        return self.model._base_manager.filter(pk=object_id).first()

    def _refused(self, request, obj, message=None):
        if message is None:
            version = obj if isinstance(obj, PolicyVersion) else obj.version
            message = _(
                "Version %(number)s is %(status)s and cannot change; edit a draft."
            ) % {"number": version.number, "status": version.get_status_display()}
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.path)

    def _guarded(self, request, object_id, view):
        stored = self._stored(unquote(object_id)) if object_id else None
        if request.method == "POST" and stored is not None and not _editable(stored):
            return self._refused(request, stored)
        try:
            return view()
        except PublishedVersionError as exc:
            return self._refused(request, stored, " ".join(exc.messages))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._guarded(
            request,
            object_id,
            lambda: super(FrozenVersionMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._guarded(
            request,
            object_id,
            lambda: super(FrozenVersionMixin, self).history_form_view(
                request, object_id, version_id, extra_context
            ),
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # Frozen objects are listed as protected: the admin deletes nothing.
        protected += [obj for obj in objs if not _editable(obj)]
        return deleted, counts, perms_needed, protected

    def revert_disabled(self, request, obj=None):
        stored = self._stored(obj.pk) if obj is not None else None
        frozen = stored is not None and not _editable(stored)
        return frozen or super().revert_disabled(request, obj)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(FrozenVersionMixin, TryItMixin, SimpleHistoryAdmin):
    list_display = ("number", "status", "effective_from", "published_by", "rule_count")
    list_filter = ("status",)
    list_select_related = ("published_by",)
    readonly_fields = (
        "number",
        "status",
        "based_on",
        "created_at",
        "created_by",
        "effective_from",
        "retired_at",
        "published_by",
    )
    fields = readonly_fields + ("note",)
    actions = ["publish_drafts", "create_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rule_total=Count("rules"))

    def matcher_for(self, version):
        return build_matcher(version)

    @admin.display(description=_("rules"), ordering="rule_total")
    def rule_count(self, obj):
        return obj.rule_total

    def has_add_permission(self, request):
        # Drafts are made by copying the current version (the action below).
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.is_editable
        )

    @admin.action(description=_("Publish the selected draft…"))
    def publish_drafts(self, request, queryset):
        """Open the draft's review page: its diff and backtest, and the
        button that publishes it once read."""
        drafts = list(queryset.filter(status=PolicyVersion.Status.DRAFT)[:2])
        if len(drafts) != 1 or queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one draft to publish."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(
            reverse("moderation:version-review", args=[drafts[0].pk])
        )

    @admin.action(description=_("Create a draft from the current version"))
    def create_draft(self, request, queryset):
        try:
            draft = policy_version_create_draft(actor=request.user)
        except ValidationError as exc:
            report_error(request, exc)
            return
        self.message_user(
            request,
            _("Draft version %(number)s created; edit its rules, then publish it.")
            % {"number": draft.number},
            messages.SUCCESS,
        )


class VersionedInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _editable(obj)


PATTERNS_PER_PAGE = 50


class PatternInline(VersionedInline):
    """A rule's patterns, searched and paged: a rule can hold hundreds.

    The formset holds the page shown; saving changes those rows only. The
    search (``patterns``) and page (``patterns_page``) stay in the address the
    change form posts to, so a save keeps the same rows.
    """

    model = Pattern
    fields = ("kind", "language", "expression", "enabled")
    template = "admin/policies/pattern_inline.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id is None or not str(object_id).isdigit():
            return queryset
        mine = queryset.filter(rule_id=int(object_id))
        search = request.GET.get("patterns", "").strip()[:200]
        if search:
            mine = mine.filter(expression__icontains=search)
        total = mine.count()
        pages = max(1, -(-total // PATTERNS_PER_PAGE))
        page = request.GET.get("patterns_page", "1")
        page = min(pages, max(1, int(page))) if page.isdigit() else 1
        start = (page - 1) * PATTERNS_PER_PAGE
        shown = list(
            mine.order_by("kind", "language", "pk").values_list("pk", flat=True)[
                start : start + PATTERNS_PER_PAGE
            ]
        )
        request.pattern_page = {
            "search": search,
            "total": total,
            "page": page,
            "pages": pages,
            "first": start + 1 if shown else 0,
            "last": start + len(shown),
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if page < pages else None,
        }
        return queryset.filter(pk__in=shown).order_by("kind", "language", "pk")


class AnswerTemplateInline(VersionedInline):
    model = AnswerTemplate
    fields = ("language", "title", "body")


class RuleVersionFilter(admin.SimpleListFilter):
    """By default the rules of the published version and of the draft; a
    retired version's rules only when asked for, by number or "all"."""

    title = _("version")
    parameter_name = "version"

    def lookups(self, request, model_admin):
        versions = PolicyVersion.objects.order_by("-number")
        return [("all", _("All versions"))] + [
            (str(v.pk), f"{v.number} ({v.get_status_display()})") for v in versions
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Published and draft"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value is None:
            return queryset.exclude(version__status=PolicyVersion.Status.RETIRED)
        if not value.isdigit():
            # An unknown choice shows nothing rather than failing.
            return queryset.none()
        return queryset.filter(version_id=int(value))


@admin.register(Rule)
class RuleAdmin(FrozenVersionMixin, TryItMixin, SimpleHistoryAdmin):
    form = RuleAdminForm
    list_display = (
        "slug",
        "name",
        "category",
        "severity",
        "action",
        "requires_approval",
        "version",
        "pattern_count",
    )
    list_filter = (
        RuleVersionFilter,
        "category",
        "severity",
        "action",
        "requires_approval",
    )
    list_select_related = ("version",)
    search_fields = ("slug", "name_fr", "name_en", "patterns__expression")
    filter_horizontal = ("legal_references",)
    inlines = [PatternInline, AnswerTemplateInline]

    class Media:
        css = {"all": ["css/admin-rulebook.css"]}

    fieldsets = (
        (None, {"fields": ("version", "slug", "category", "position")}),
        (
            _("Names and descriptions"),
            {"fields": ("name_fr", "name_en", "description_fr", "description_en")},
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "severity",
                    "action",
                    "acts_alone",
                    "acts_alone_days",
                    ("acts_alone_from", "acts_alone_until"),
                    "requires_approval",
                    "guidance_fr",
                    "guidance_en",
                    "legal_references",
                )
            },
        ),
        (
            _("Matching"),
            {
                "fields": (
                    "exceptions",
                    "exception_examples_fr",
                    "exception_examples_en",
                    "disclosure_markers",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pattern_total=Count("patterns"))

    def matcher_for(self, rule):
        return build_matcher(rules=Rule.objects.filter(pk=rule.pk))

    @admin.display(description=_("patterns"), ordering="pattern_total")
    def pattern_count(self, obj):
        return obj.pattern_total

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _editable(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            # New rules go into the draft only.
            kwargs["queryset"] = PolicyVersion.objects.filter(
                status=PolicyVersion.Status.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
