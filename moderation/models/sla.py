"""SLA policies: the response-time targets of channels, and who is told."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import VersionedMixin
from policies.models import localized
from staffing.models import BusinessCalendar


class SlaPolicy(VersionedMixin, models.Model):
    """Response-time targets of the channels that follow it, and who is told."""

    class Clock(models.TextChoices):
        WALL = "wall", _("Wall-clock time (channels covered 24/7)")
        BUSINESS = "business", _("Business time of a calendar")

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    clock = models.CharField(
        _("clock"), max_length=10, choices=Clock.choices, default=Clock.WALL
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text=_("Counted by the business clock."),
    )
    critical_minutes = models.PositiveIntegerField(
        _("critical: first response within (minutes)"), default=60
    )
    high_minutes = models.PositiveIntegerField(
        _("high: first response within (minutes)"), default=240
    )
    medium_minutes = models.PositiveIntegerField(
        _("medium: first response within (minutes)"), default=480
    )
    low_minutes = models.PositiveIntegerField(
        _("low and unflagged: first response within (minutes)"), default=1440
    )
    warning_minutes = models.PositiveIntegerField(
        _("warn this many minutes before the due time"), default=30
    )
    escalate_to_backup = models.BooleanField(
        _("on breach, tell the backup on shift"), default=True
    )
    escalate_to_manager = models.BooleanField(
        _("on breach, tell the manager on duty"), default=True
    )
    approval_minutes = models.PositiveIntegerField(
        _("approvals: decided within (minutes)"), default=60
    )
    escalation_minutes = models.PositiveIntegerField(
        _("escalations: taken or answered within (minutes)"),
        default=240,
        help_text=_("Counted by the policy's clock from the escalation."),
    )
    # Incremented at every change, so that each comment records which version
    # of the policy its due time came from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clock="wall") | Q(calendar__isnull=False),
                name="moderation_sla_business_needs_calendar",
            ),
        ]

    def __str__(self):
        return localized(self, "name")

    def clean(self):
        super().clean()
        if self.clock == self.Clock.BUSINESS and not self.calendar_id:
            raise ValidationError(
                {"calendar": _("The business clock needs a calendar.")}
            )

    def target_minutes(self, severity):
        return {
            "critical": self.critical_minutes,
            "high": self.high_minutes,
            "medium": self.medium_minutes,
        }.get(severity, self.low_minutes)
