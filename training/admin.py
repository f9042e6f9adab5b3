"""Training in the admin: managers edit lessons, the question bank and exams,
and read every attempt (never edited: they are the record)."""

from django.contrib import admin

from training.models import Attempt, Choice, Exam, Lesson, Question


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title_en", "program", "kind", "generated", "changed_in_version"]
    list_filter = ["program", "kind", "generated"]
    list_select_related = ["program"]
    search_fields = ["title_fr", "title_en", "slug"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 1
    min_num = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "program", "kind", "topic", "rule_slug", "active"]
    list_filter = ["program", "kind", "topic", "active"]
    list_select_related = ["program"]
    search_fields = ["slug", "prompt_fr", "prompt_en"]
    inlines = [ChoiceInline]


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = [
        "program",
        "question_count",
        "time_limit_minutes",
        "pass_percent",
        "cooldown_hours",
    ]
    list_select_related = ["program"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "kind", "started_at", "score_percent", "passed"]
    list_filter = ["program", "kind", "passed", "timed_out"]
    list_select_related = ["user", "program"]
    readonly_fields = [f.name for f in Attempt._meta.fields]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
