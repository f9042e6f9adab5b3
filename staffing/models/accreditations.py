"""Training programs, responders' accreditations, and the delegation they earn."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models import Category, Severity, localized
from staffing.models.validators import ChoiceListValidator, _slugs


class TrainingProgram(models.Model):
    """A course responders pass to be accredited, e.g. answering on social media."""

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=12, validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        ordering = ["slug"]

    def __str__(self):
        return localized(self, "name")


class Accreditation(models.Model):
    """A responder's accreditation in a program, valid from granted to expires."""

    class Level(models.IntegerChoices):
        BASIC = 1, _("Basic")
        ADVANCED = 2, _("Advanced")
        EXPERT = 3, _("Expert")

    responder = models.ForeignKey(
        "staffing.User",
        verbose_name=_("responder"),
        on_delete=models.CASCADE,
        related_name="accreditations",
    )
    program = models.ForeignKey(
        TrainingProgram,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="accreditations",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=Level.BASIC
    )
    granted_at = models.DateTimeField(_("granted at"))
    expires_at = models.DateTimeField(_("expires at"))
    granted_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # When the expiry warnings went out, so that each goes out once.
    warned_30_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_7_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["warned_30_at", "warned_7_at"])

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["responder", "program", "-expires_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")),
                name="staffing_accreditation_expires_after_grant",
            ),
        ]
        indexes = [
            # The daily expiry warning reads accreditations by expiry.
            models.Index(fields=["expires_at"], name="staffing_accred_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.responder} · {self.program} ({self.get_level_display()})"

    def clean(self):
        if self.granted_at and self.expires_at and self.expires_at <= self.granted_at:
            raise ValidationError(
                {"expires_at": _("The expiry must follow the grant.")}
            )


class DelegationGrant(models.Model):
    """The right to answer at once, without approval, within a scope."""

    responder = models.ForeignKey(
        "staffing.User",
        verbose_name=_("responder"),
        on_delete=models.CASCADE,
        related_name="grants",
    )
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        validators=[_slugs],
        help_text=_("Channel slugs; empty means every channel."),
    )
    categories = models.JSONField(
        _("rule categories"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Category.values)],
        help_text=_("Rule categories; empty means every category."),
    )
    max_severity = models.CharField(
        _("highest severity"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.MEDIUM,
    )
    required_program = models.ForeignKey(
        TrainingProgram,
        verbose_name=_("required accreditation"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    required_level = models.PositiveSmallIntegerField(
        _("required level"), choices=Accreditation.Level.choices, default=1
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation grant")
        verbose_name_plural = _("delegation grants")
        ordering = ["responder", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="staffing_grant_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("Grant to %(responder)s up to %(severity)s") % {
            "responder": self.responder,
            "severity": self.get_max_severity_display(),
        }

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("The end must follow the start.")})
