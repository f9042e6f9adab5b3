"""Shifts, the weekly rotas that generate them, and the coverage gaps told."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staffing.models.calendars import WEEKDAYS, BusinessCalendar
from staffing.models.validators import validate_time_zone


class Shift(models.Model):
    """A responder on duty from ``starts_at`` to ``ends_at``."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        BACKUP = "backup", _("Backup")

    responder = models.ForeignKey(
        "staffing.User",
        verbose_name=_("responder"),
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.PRIMARY
    )
    created_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "responder"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="staffing_shift_ends_after_start",
            ),
        ]
        indexes = [
            # Coverage reads the shifts that overlap a period: starts before its
            # end, ends after its start.
            models.Index(
                fields=["starts_at", "ends_at"], name="staffing_shift_period_idx"
            ),
            # Overlap checks read one responder's shifts around a period.
            models.Index(
                fields=["responder", "starts_at"], name="staffing_shift_person_idx"
            ),
        ]

    def __str__(self):
        return f"{self.responder} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A shift must end after it starts.")})
        if self.responder_id and self.starts_at and self.ends_at:
            overlapping = Shift.objects.filter(
                responder_id=self.responder_id,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    _("%(responder)s already has a shift in this period.")
                    % {"responder": self.responder}
                )


class RotaTemplate(models.Model):
    """A weekly rota that generates shifts for the weeks to come."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/Toronto",
        validators=[validate_time_zone],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rota template")
        verbose_name_plural = _("rota templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RotaSlot(models.Model):
    """One weekly shift of a rota: a weekday, a start time and a duration."""

    template = models.ForeignKey(
        RotaTemplate, on_delete=models.CASCADE, related_name="slots"
    )
    responder = models.ForeignKey(
        "staffing.User", verbose_name=_("responder"), on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("starts"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Shift.Role.choices, default=Shift.Role.PRIMARY
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rota slot")
        verbose_name_plural = _("rota slots")
        ordering = ["template", "weekday", "starts"]

    def __str__(self):
        hours = self.duration_minutes / 60
        return f"{self.get_weekday_display()} {self.starts:%H:%M} +{hours:g} h"


class CoverageGapAlert(models.Model):
    """A gap managers were told about, so that each gap is told once."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    notified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "starts_at", "ends_at"],
                name="staffing_gap_alert_once",
            ),
        ]

    def __str__(self):
        return f"{self.calendar}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
