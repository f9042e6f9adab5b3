"""Business calendars: weekly opening windows, holidays and closures."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import VersionedMixin
from policies.models import localized
from staffing.businesstime import MINUTES_PER_DAY
from staffing.models.validators import validate_time_zone
from staffing.publicholidays import check_region

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class BusinessCalendar(VersionedMixin, models.Model):
    """When an organisation is open: weekly windows, holidays and closures."""

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/Toronto",
        validators=[validate_time_zone],
    )
    always_open = models.BooleanField(
        _("open 24/7"), default=False, help_text=_("Ignore windows and holidays.")
    )
    holiday_country = models.CharField(
        _("holidays: country"), max_length=2, blank=True, default="CA"
    )
    holiday_subdivision = models.CharField(
        _("holidays: subdivision"), max_length=10, blank=True, default="QC"
    )
    # Incremented when the calendar, its windows or its closures change, so
    # that a due time records which version of the calendar it came from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["slug"]

    def __str__(self):
        return localized(self, "name")

    def clean(self):
        if self.holiday_country:
            try:
                check_region(self.holiday_country, self.holiday_subdivision)
            except ValueError as exc:
                raise ValidationError({"holiday_subdivision": str(exc)}) from None


class OpeningWindow(models.Model):
    """One open period of one weekday, e.g. Monday 09:00–12:00."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("opens"))
    ends = models.TimeField(
        _("closes"), help_text=_("00:00 means midnight at the end.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening window")
        verbose_name_plural = _("opening windows")
        ordering = ["calendar", "weekday", "starts"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def minutes(self):
        start = self.starts.hour * 60 + self.starts.minute
        end = self.ends.hour * 60 + self.ends.minute
        return start, end or MINUTES_PER_DAY

    def clean(self):
        if self.starts is not None and self.ends is not None:
            start, end = self.minutes
            if end <= start:
                raise ValidationError(
                    {"ends": _("The window must close after it opens.")}
                )


class Closure(models.Model):
    """A one-off closure: a move, a storm, a company event."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["calendar", "starts_at"]

    def __str__(self):
        return self.reason or f"{self.starts_at:%Y-%m-%d}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must follow the start.")})


@receiver(post_save, sender=OpeningWindow)
@receiver(post_delete, sender=OpeningWindow)
@receiver(post_save, sender=Closure)
@receiver(post_delete, sender=Closure)
def _calendar_content_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        BusinessCalendar.objects.filter(pk=instance.calendar_id).update(
            version=F("version") + 1
        )
