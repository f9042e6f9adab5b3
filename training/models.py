"""Lessons, the question bank, exam attempts and calibration rounds.

A program and the accreditation it grants live in ``staffing``; this app
teaches and examines, and writes ``staffing.Accreditation`` rows when an exam
is passed, so that delegation (``staffing.delegation``) follows exam results.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models import localized


class Lesson(models.Model):
    """A lesson of a program, in Markdown (rendered sanitised), fr and en."""

    class Kind(models.TextChoices):
        RULE = "rule", _("Rule")
        PROCEDURE = "procedure", _("Procedure")
        NOTICE = "notice", _("Notice")

    program = models.ForeignKey(
        "staffing.TrainingProgram",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="lessons",
    )
    slug = models.SlugField(_("slug"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    rule_slug = models.SlugField(_("rule"), max_length=80, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French, Markdown)"))
    body_en = models.TextField(_("text (English, Markdown)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    generated = models.BooleanField(
        _("kept in step with the rulebook"),
        default=False,
        help_text=_("Rewritten from the published rulebook at each new version."),
    )
    changed_at = models.DateTimeField(_("changed at"))
    changed_in_version = models.PositiveIntegerField(
        _("changed in rulebook version"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["program", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="training_lesson_unique_slug"
            )
        ]

    def __str__(self):
        return localized(self, "title")


class LessonRead(models.Model):
    """When a user last read a lesson: older than its change means read again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("lesson read")
        verbose_name_plural = _("lessons read")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="training_read_unique_user_lesson"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson}"


class Exam(models.Model):
    """How a program is examined: draw size, time limit, pass mark, cool-down."""

    program = models.OneToOneField(
        "staffing.TrainingProgram",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="exam",
    )
    question_count = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=10, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=20, validators=[MinValueValidator(1)]
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    advanced_percent = models.PositiveSmallIntegerField(
        _("advanced level from (%)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    expert_percent = models.PositiveSmallIntegerField(
        _("expert level from (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        _("wait after a failed attempt (hours)"), default=24
    )

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self):
        return str(self.program)


class Question(models.Model):
    """A question of the bank, with its explanation, shown after submission."""

    class Kind(models.TextChoices):
        SCENARIO = "scenario", _("Scenario")
        KNOWLEDGE = "knowledge", _("Knowledge")

    class Topic(models.TextChoices):
        RULE = "rule", _("A rule")
        TIES = "ties", _("Ties and disclosure")
        PERSONAL_DATA = "personal_data", _("Personal data")
        ESCALATION = "escalation", _("Escalation")
        PROCEDURE = "procedure", _("Delegation, approval, coverage")

    program = models.ForeignKey(
        "staffing.TrainingProgram",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    slug = models.SlugField(_("slug"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    rule_slug = models.SlugField(_("rule"), max_length=80, blank=True)
    prompt_fr = models.TextField(_("question (French)"))
    prompt_en = models.TextField(_("question (English)"))
    explanation_fr = models.TextField(_("explanation (French)"))
    explanation_en = models.TextField(_("explanation (English)"))
    active = models.BooleanField(_("in the exam"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["program", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="training_question_unique_slug"
            )
        ]

    def __str__(self):
        return localized(self, "prompt")[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    text_fr = models.CharField(_("option (French)"), max_length=300)
    text_en = models.CharField(_("option (English)"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "pk"]

    def __str__(self):
        return localized(self, "text")


class Attempt(models.Model):
    """One sitting of an exam: the draw, the answers, the result. Never deleted."""

    class Kind(models.TextChoices):
        EXAM = "exam", _("Exam")
        # Sat while accredited: a pass renews the accreditation from its expiry.
        REFRESHER = "refresher", _("Refresher")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responder"),
        on_delete=models.PROTECT,
        related_name="exam_attempts",
    )
    program = models.ForeignKey(
        "staffing.TrainingProgram",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.EXAM
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # [{"question": id, "choices": [ids in the order shown]}], drawn at start.
    draw = models.JSONField(default=list, editable=False)
    # {"<question id>": <choice id>} as submitted.
    answers = models.JSONField(default=dict, editable=False)
    score_percent = models.PositiveSmallIntegerField(_("score (%)"), null=True)
    passed = models.BooleanField(_("passed"), null=True)
    timed_out = models.BooleanField(_("timed out"), default=False)
    accreditation = models.ForeignKey(
        "staffing.Accreditation",
        verbose_name=_("accreditation granted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-started_at"]
        constraints = [
            # One sitting at a time per program: a second start returns it.
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=Q(submitted_at__isnull=True),
                name="training_attempt_one_open",
            )
        ]
        indexes = [
            # My training and the cool-down read a user's attempts, newest first.
            models.Index(
                fields=["user", "program", "-started_at"],
                name="training_attempt_user_idx",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.program} · {self.started_at:%Y-%m-%d %H:%M}"


class CalibrationRound(models.Model):
    """The same comments decided independently by several responders."""

    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"))
    comments = models.ManyToManyField(
        "moderation.Comment", verbose_name=_("comments"), related_name="+"
    )
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responders"), related_name="+"
    )

    class Meta:
        verbose_name = _("calibration round")
        verbose_name_plural = _("calibration rounds")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class CalibrationVote(models.Model):
    """A responder's decision on a comment of a round: the rule it falls under."""

    NO_RULE = "none"

    round = models.ForeignKey(
        CalibrationRound, on_delete=models.CASCADE, related_name="votes"
    )
    comment = models.ForeignKey(
        "moderation.Comment", on_delete=models.CASCADE, related_name="+"
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rule_slug = models.SlugField(_("rule"), max_length=80)
    voted_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("calibration decision")
        verbose_name_plural = _("calibration decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "comment", "responder"],
                name="training_vote_once",
            )
        ]

    def __str__(self):
        return f"{self.responder} · {self.comment_id} · {self.rule_slug}"
