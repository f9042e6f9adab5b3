"""Rules of a policy version, their patterns and their answer templates."""

import re

import regex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.languages import Language
from policies import grammar, saferegex
from policies.acting import window_errors
from policies.models.bilingual import localized
from policies.models.choices import Action, Category, PatternLanguage, Severity
from policies.models.legal import LegalReference
from policies.models.versions import PolicyVersion, VersionedContent


class Rule(VersionedContent):
    VERSION_PATH = "version"

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    slug = models.SlugField(_("slug"), max_length=80)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_fr = models.TextField(_("description (French)"))
    description_en = models.TextField(_("description (English)"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    action = models.CharField(
        _("default action"), max_length=20, choices=Action.choices
    )
    requires_approval = models.BooleanField(
        _("answers require approval"),
        default=False,
        help_text=_(
            "Answers to comments that hit this rule wait for approval, even from "
            "delegated responders."
        ),
    )
    guidance_fr = models.TextField(_("guidance for responders (French)"), blank=True)
    guidance_en = models.TextField(_("guidance for responders (English)"), blank=True)
    exceptions = models.TextField(
        _("exceptions"),
        blank=True,
        help_text=_("Words or phrases never flagged by this rule, one per line."),
    )
    # What the exceptions are for, in words a responder reads: shown in the
    # rule's lesson as the look-alikes it does not catch, never the
    # expressions themselves.
    exception_examples_fr = models.TextField(
        _("comments the exceptions let through (French)"),
        blank=True,
        help_text=_(
            "Example comments that look like this rule but that its exceptions "
            "keep from being flagged, one per line. The rule's lesson shows them."
        ),
    )
    exception_examples_en = models.TextField(
        _("comments the exceptions let through (English)"),
        blank=True,
        help_text=_(
            "Example comments that look like this rule but that its exceptions "
            "keep from being flagged, one per line. The rule's lesson shows them."
        ),
    )
    disclosure_markers = models.TextField(
        _("disclosure markers"),
        blank=True,
        help_text=_(
            "For undisclosed ties: markers that count as a disclosure (#ad, "
            "#partenaire), one per line."
        ),
    )
    legal_references = models.ManyToManyField(
        LegalReference,
        verbose_name=_("legal references"),
        blank=True,
        related_name="rules",
    )
    # Off by default: a rule that acts alone hides a matching comment at once,
    # with a statement that says no person decided (Law 25, s. 12.1).
    acts_alone = models.BooleanField(
        _("acts on its own"),
        default=False,
        help_text=_(
            "Hide a matching comment at once, without waiting for a person "
            "(only rules whose action is Hide). Its author is told and may ask "
            "for a review by a person."
        ),
    )
    # Empty: whenever the rule matches. Otherwise only within the window, in
    # the organisation's time zone (policies.acting).
    acts_alone_days = models.CharField(
        _("acts on its own on"),
        max_length=7,
        blank=True,
        default="",
        help_text=_("Days of the week; none for every day."),
    )
    acts_alone_from = models.TimeField(
        _("acts on its own from"),
        null=True,
        blank=True,
        help_text=_("Leave both hours empty for the whole day."),
    )
    acts_alone_until = models.TimeField(
        _("acts on its own until"),
        null=True,
        blank=True,
        help_text=_("Before the start hour: until that hour the next morning."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "slug"], name="policies_rule_slug_per_version"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = window_errors(
            acts_alone=self.acts_alone,
            days=self.acts_alone_days,
            start=self.acts_alone_from,
            end=self.acts_alone_until,
        )
        if errors:
            raise ValidationError(errors)

    def policy_version(self):
        return self.version if self.version_id else None

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def guidance(self):
        return localized(self, "guidance")

    @property
    def exception_list(self):
        return _lines(self.exceptions)

    def exception_example_list(self, language):
        return _lines(getattr(self, f"exception_examples_{language}"))

    @property
    def disclosure_marker_list(self):
        return _lines(self.disclosure_markers)


@receiver(m2m_changed, sender=Rule.legal_references.through)
def _refuse_frozen_citations(sender, instance, action, reverse, pk_set, **kwargs):
    """Keep the legal references of published and retired rules as they are."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        instance._check_stored_editable()
        instance._check_editable()
        return
    rules = Rule.objects.filter(legal_references=instance)
    if action == "pre_add":
        rules = Rule.objects.filter(pk__in=pk_set or ())
    elif pk_set is not None:
        rules = rules.filter(pk__in=pk_set)
    rules._refuse_frozen()


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class Pattern(VersionedContent):
    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keyword (whole word, with inflections)")
        PHRASE = "phrase", _("Phrase (words in order)")
        WILDCARD = "wildcard", _("Prefix wildcard (word*)")
        REGEX = "regex", _("Regular expression")
        DETECTOR = "detector", _("Built-in detector")
        GRAMMAR = "grammar", _("Grammar (words and slots in order)")

    class Detector(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        PHONE = "phone", _("Phone number")
        SIN = "sin", _("Canadian social insurance number")
        CARD = "card", _("Payment card number")
        IBAN = "iban", _("IBAN")
        URL = "url", _("URL")

    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="patterns"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(
        _("language"),
        max_length=3,
        choices=PatternLanguage.choices,
        default=PatternLanguage.ANY,
    )
    # Long enough for a grammar pattern's slots (policies.grammar).
    expression = models.CharField(_("expression"), max_length=2000)
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pattern")
        verbose_name_plural = _("patterns")
        ordering = ["rule", "kind", "expression"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "kind", "language", "expression"],
                name="policies_pattern_unique_per_rule",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.expression}"

    def clean(self):
        self.expression = (self.expression or "").strip()
        error = validate_expression(self.kind, self.expression)
        if error:
            raise ValidationError({"expression": error})


# Characters a keyword or phrase is made of: letters, digits, apostrophes, hyphens
# and the spaces between the words of a phrase.
_WORDS = re.compile(r"^[\w'’\- ]+$")


def validate_expression(kind, expression):
    """Return an error message for an invalid pattern expression, else ``None``."""
    if not expression or not expression.strip():
        return _("The expression cannot be empty.")
    if kind == Pattern.Kind.KEYWORD:
        if " " in expression.strip() or not _WORDS.match(expression):
            return _(
                "A keyword is one word of letters, digits, hyphens or apostrophes."
            )
    elif kind == Pattern.Kind.PHRASE:
        if len(expression.split()) < 2 or not _WORDS.match(expression):
            return _("A phrase is at least two words of letters or digits.")
    elif kind == Pattern.Kind.WILDCARD:
        stem = expression.rstrip("*")
        if not expression.endswith("*") or "*" in stem or not _WORDS.match(stem):
            return _("A wildcard is the start of a word followed by *, e.g. escroc*.")
        if len(stem) < 3:
            return _("A wildcard needs at least three letters before the *.")
    elif kind == Pattern.Kind.GRAMMAR:
        try:
            grammar.Compiled(expression)
        except grammar.GrammarError as exc:
            return _(
                "Invalid grammar pattern: %(error)s. Write words and slots in "
                "order, a slot being alternatives in parentheses, e.g. "
                "who:(je vais|on va) whom:(te|vous)? harm:(tuer|buter)."
            ) % {"error": exc}
    elif kind == Pattern.Kind.REGEX:
        try:
            regex.compile(expression, regex.IGNORECASE)
        except regex.error as exc:
            return _("Invalid regular expression: %(error)s") % {"error": exc}
        try:
            compiled = saferegex.Pattern(expression)
        except saferegex.UnsupportedPattern as exc:
            return _(
                "This regular expression cannot run on the matching engine, which "
                "matches in linear time and has no look-ahead, look-behind, "
                "back-references or possessive quantifiers: %(error)s"
            ) % {"error": exc}
        if compiled.matches_empty_text():
            return _(
                "This regular expression matches empty text, so it would flag "
                "everything."
            )
    elif kind == Pattern.Kind.DETECTOR:
        if expression not in Pattern.Detector.values:
            return _("Unknown detector; choose one of: %(names)s") % {
                "names": ", ".join(Pattern.Detector.values)
            }
    else:
        return _("Unknown pattern kind.")
    return None


class AnswerTemplate(VersionedContent):
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("rule"),
        on_delete=models.CASCADE,
        related_name="answer_templates",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["rule", "language", "title"]

    def __str__(self):
        return self.title
