"""The rulebook: what may not be published, why, how to answer, what is published.

Rules, their patterns and answer templates belong to a ``PolicyVersion``. A
published version is immutable: managers change a draft copied from it, then
publish the draft, which retires the previous version in the same transaction.
Legal references, notices and disclosures stand outside versions and keep their
own history.
"""

import re

import regex
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.languages import CODES, Language
from policies import saferegex
from policies.markdown import disallowed_html


def localized(obj, field, language=None):
    """Return ``obj.<field>_<language>``, falling back to the other language."""
    language = (language or get_language() or "fr")[:2]
    order = [language] + [code for code in CODES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class PatternLanguage(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")
    ANY = "any", _("Any language")


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    WEBSITE = "website", _("Website")


class Category(models.TextChoices):
    OFFENSIVE = "offensive", _("Offensive content")
    DENIGRATION = "denigration", _("Denigration")
    DEFAMATION = "defamation", _("Calumny or defamation")
    SEXUAL = "sexual", _("Sexual content")
    SOLICITATION = "solicitation", _("Commercial solicitation")
    THREAT = "threat", _("Threats")
    ILLEGAL = "illegal", _("Potentially illegal activity")
    COPYRIGHT = "copyright", _("Copyright violation")
    EMPLOYEE_INFO = "employee_info", _("Information about employees")
    CONFIDENTIAL_INFO = (
        "confidential_info",
        _("Financial, confidential or health information"),
    )
    UNDISCLOSED_TIE = "undisclosed_tie", _("Undisclosed tie")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class Action(models.TextChoices):
    ANSWER = "answer", _("Answer")
    HIDE = "hide", _("Hide")
    ESCALATE_LEGAL = "escalate_legal", _("Escalate to legal counsel")
    ESCALATE_MANAGER = "escalate_manager", _("Escalate to a manager")
    NO_ACTION = "no_action", _("No action")


class PublishedVersionError(ValidationError):
    """Raised when code tries to change a published or retired version or its rules."""


def _frozen_error(number, status):
    return PublishedVersionError(
        _("Version %(number)s is %(status)s and cannot change; edit a draft."),
        code="published_version",
        params={
            "number": number,
            "status": PolicyVersion.Status(status).label,
        },
    )


class PolicyVersionQuerySet(models.QuerySet):
    def current(self):
        """Return the published version, or ``None`` before the first publication."""
        return self.filter(status=PolicyVersion.Status.PUBLISHED).first()

    def _refuse_frozen(self):
        frozen = (
            self.exclude(status=PolicyVersion.Status.DRAFT)
            .values("number", "status")
            .first()
        )
        if frozen:
            raise _frozen_error(frozen["number"], frozen["status"])

    def update(self, **kwargs):
        """Update drafts only; a status moves through the publishing service."""
        self._refuse_frozen()
        if "status" in kwargs:
            raise PublishedVersionError(
                _("A version's status changes only when a draft is published."),
                code="status_transition",
            )
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        """Delete drafts only."""
        self._refuse_frozen()
        return super().delete()

    delete.queryset_only = True


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("what changed"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PolicyVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        constraints = [
            # Exactly one version is current; publishing retires the previous one
            # first, in the same transaction.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="policies_one_published_version",
            ),
            # One draft at a time, so that two managers never edit rival drafts.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="draft"),
                name="policies_one_draft_version",
            ),
        ]

    def __str__(self):
        return _("Version %(number)s (%(status)s)") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    # The only moves of a status; the publishing service makes them.
    TRANSITIONS = {(Status.DRAFT, Status.PUBLISHED), (Status.PUBLISHED, Status.RETIRED)}
    # What retiring may set besides the status (a draft is free to change).
    TRANSITION_FIELDS = {(Status.PUBLISHED, Status.RETIRED): {"retired_at"}}

    def save(self, *args, **kwargs):
        self._check_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored["status"] != self.Status.DRAFT:
            raise _frozen_error(stored["number"], stored["status"])
        return super().delete(*args, **kwargs)

    def _stored(self):
        if self.pk is None:
            return None
        names = [field.attname for field in self._meta.concrete_fields]
        return type(self)._base_manager.filter(pk=self.pk).values(*names).first()

    def _check_change(self):
        """Refuse any change of a published or retired version but its retirement.

        Every entry point (a form, a history revert, a script) ends here, so the
        rule holds whatever built the instance; the database checks it again.
        """
        stored = self._stored()
        old = stored["status"] if stored else None
        move = (old, self.status)
        if old is None:
            if self.status != self.Status.DRAFT:
                raise PublishedVersionError(
                    _("A new version starts as a draft."), code="status_transition"
                )
            return
        if old != self.status and (
            move not in self.TRANSITIONS or getattr(self, "_transition", None) != move
        ):
            raise PublishedVersionError(
                _(
                    "Version %(number)s cannot go from %(old)s to %(new)s; publish a "
                    "draft instead."
                ),
                code="status_transition",
                params={
                    "number": stored["number"],
                    "old": self.Status(old).label,
                    "new": self.Status(self.status).label
                    if self.status in self.Status.values
                    else self.status,
                },
            )
        if old == self.Status.DRAFT:
            return
        allowed = self.TRANSITION_FIELDS.get(move, set()) | {"status"}
        changed = {
            name
            for name, value in stored.items()
            if getattr(self, name) != value and name not in allowed
        }
        if changed:
            raise _frozen_error(stored["number"], old)

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class VersionedQuerySet(models.QuerySet):
    """Rules, patterns and templates: bulk changes reach drafts only."""

    def _refuse_frozen(self, **kwargs):
        path = self.model.VERSION_PATH
        frozen = (
            self.exclude(**{f"{path}__status": PolicyVersion.Status.DRAFT})
            .values(f"{path}__number", f"{path}__status")
            .first()
        )
        if frozen:
            raise _frozen_error(frozen[f"{path}__number"], frozen[f"{path}__status"])
        # Moving content into a frozen version is a change of that version.
        parent = self.model.VERSION_PATH.split("__")[0]
        for name in (parent, f"{parent}_id"):
            if name in kwargs:
                target = kwargs[name]
                target = getattr(target, "pk", target)
                self.model(**{f"{parent}_id": target})._check_editable()

    def update(self, **kwargs):
        """Update content of drafts only."""
        self._refuse_frozen(**kwargs)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        """Delete content of drafts only."""
        self._refuse_frozen()
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        """Create content in drafts only."""
        objs = list(objs)
        checked = set()
        for obj in objs:
            version = obj.policy_version()
            if version is not None and version.pk not in checked:
                obj._check_editable()
                checked.add(version.pk)
        return super().bulk_create(objs, *args, **kwargs)


class VersionedContent(models.Model):
    """Content that belongs to a policy version and freezes with it."""

    # The lookup from the content to its version.
    VERSION_PATH = "rule__version"

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_editable()
        self._check_stored_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_stored_editable()
        return super().delete(*args, **kwargs)

    def policy_version(self):
        """Return the version this content belongs to (through its rule)."""
        return self.rule.version if self.rule_id else None

    def _check_editable(self):
        version = self.policy_version()
        if version is not None:
            status = (
                PolicyVersion._base_manager.filter(pk=version.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status is not None and status != PolicyVersion.Status.DRAFT:
                raise _frozen_error(version.number, status)

    def _check_stored_editable(self):
        """Refuse to change content whose stored row lies in a frozen version.

        The instance may say otherwise: a history revert or a form can move a
        published rule into the draft.
        """
        if self.pk is None:
            return
        path = self.VERSION_PATH
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values(f"{path}__number", f"{path}__status")
            .first()
        )
        if stored and stored[f"{path}__status"] != PolicyVersion.Status.DRAFT:
            raise _frozen_error(stored[f"{path}__number"], stored[f"{path}__status"])


class LegalReferenceQuerySet(models.QuerySet):
    def cited(self):
        """Return the references that a published or retired rule cites."""
        return self.filter(
            rules__version__status__in=[
                PolicyVersion.Status.PUBLISHED,
                PolicyVersion.Status.RETIRED,
            ]
        ).distinct()

    def delete(self):
        """Delete references that no published or retired rule cites."""
        cited = self.cited().first()
        if cited is not None:
            raise cited.cited_error()
        return super().delete()

    delete.queryset_only = True


class LegalReference(models.Model):
    """A law, regulation or code of ethics that a rule rests on."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation")
        CODE = "code", _("Code or standard")
        CODE_OF_ETHICS = "code_of_ethics", _("Code of ethics")

    class ReviewStatus(models.TextChoices):
        AWAITING = "awaiting_review", _("Awaiting review by counsel")
        REVIEWED = "reviewed", _("Reviewed by counsel")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=20,
        help_text=_("For example CA, CA-QC or INT."),
    )
    url = models.URLField(_("link"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.AWAITING,
    )
    reviewed_by = models.CharField(
        _("reviewed by"), max_length=200, blank=True, help_text=_("Counsel's name.")
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"))
    # The due date for which managers were last told the review is overdue, so
    # that each reference is notified once per due date.
    overdue_notified_for = models.DateField(null=True, blank=True, editable=False)

    objects = LegalReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["overdue_notified_for"])

    class Meta:
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")
        ordering = ["jurisdiction", "slug"]
        indexes = [
            # The daily overdue-review task reads references by due date.
            models.Index(fields=["next_review_due"], name="policies_legalref_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")

    def delete(self, *args, **kwargs):
        # Deleting would drop the reference out of a frozen rule's citations.
        if self.pk is not None and LegalReference.objects.cited().filter(pk=self.pk):
            raise self.cited_error()
        return super().delete(*args, **kwargs)

    def cited_error(self):
        return PublishedVersionError(
            _(
                "The legal reference %(slug)s is cited by a published or retired "
                "rule and cannot be deleted."
            ),
            code="cited_reference",
            params={"slug": self.slug},
        )

    @property
    def summary(self):
        return localized(self, "summary")

    def clean(self):
        if self.review_status == self.ReviewStatus.REVIEWED and not (
            self.reviewed_by and self.reviewed_on
        ):
            raise ValidationError(
                {
                    "reviewed_by": _(
                        "Say who reviewed the reference and when before marking it "
                        "reviewed."
                    )
                }
            )
        if (
            self.reviewed_on
            and self.next_review_due
            and (self.next_review_due <= self.reviewed_on)
        ):
            raise ValidationError(
                {"next_review_due": _("The next review must come after the last one.")}
            )


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
    expression = models.CharField(_("expression"), max_length=500)
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


class Notice(models.Model):
    """A text the organisation publishes on its platforms (Markdown)."""

    class Kind(models.TextChoices):
        DISCLAIMER = "disclaimer", _("Disclaimer")
        PRIVACY = "privacy", _("Privacy notice")
        NETIQUETTE = "netiquette", _("Netiquette")
        TERMS = "terms", _("Terms of use")

    ALL_PLATFORMS = "all"
    PLATFORM_CHOICES = [(ALL_PLATFORMS, _("All platforms")), *Platform.choices]

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    platform = models.CharField(
        _("platform"), max_length=20, choices=PLATFORM_CHOICES, default=ALL_PLATFORMS
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"), help_text=_("Markdown. HTML is limited to safe tags when shown.")
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["kind", "platform", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "platform", "language"],
                name="policies_notice_one_per_kind_platform_language",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_platform_display()}, {self.language})"

    def clean(self):
        found = disallowed_html(self.body or "")
        if found:
            raise ValidationError(
                {
                    "body": _(
                        "These HTML elements or attributes are not allowed and would "
                        "be removed: %(found)s"
                    )
                    % {"found": ", ".join(found)}
                }
            )


class Disclosure(models.Model):
    """A tie between the organisation and a third party, published in the registry."""

    class Kind(models.TextChoices):
        PAID_EXPERT = "paid_expert", _("Paid expert")
        SALARIED_EXPERT = "salaried_expert", _("Salaried expert")
        EMPLOYEE = "employee", _("Employee")
        CONSUMER = "consumer", _("Consumer")
        PUBLIC_FIGURE = "public_figure", _("Public figure")
        GROUP = "group", _("Group or association")

    party = models.CharField(_("party"), max_length=200)
    kind = models.CharField(_("kind of tie"), max_length=20, choices=Kind.choices)
    statement_fr = models.TextField(_("statement (French)"))
    statement_en = models.TextField(_("statement (English)"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["party"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="policies_disclosure_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_kind_display()})"

    @property
    def statement(self):
        return localized(self, "statement")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot precede the start.")})

    def is_active(self, on):
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class DisclosureHandle(models.Model):
    """One account of a disclosed party on one platform."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("disclosure"),
        on_delete=models.CASCADE,
        related_name="handles",
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handle")
        verbose_name_plural = _("handles")
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "platform", "handle"],
                name="policies_handle_unique_per_disclosure",
            ),
        ]
        indexes = [
            # The matcher looks authors up by (platform, handle).
            models.Index(
                fields=["platform", "handle"], name="policies_handle_lookup_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_platform_display()}: @{self.handle}"

    def save(self, *args, **kwargs):
        self.handle = normalize_handle(self.handle)
        super().save(*args, **kwargs)


def normalize_handle(handle):
    """Return a handle as stored and compared: no leading @, case folded."""
    return (handle or "").strip().lstrip("@").casefold()
