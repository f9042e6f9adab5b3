import re
import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.languages import Language
from core.roles import CAPABILITIES, Capability, capabilities_for
from core.versioning import VersionedMixin
from policies.models import Category, Severity, localized
from staffing.businesstime import MINUTES_PER_DAY
from staffing.publicholidays import check_region


class GovernanceUserManager(UserManager):
    def with_capability(self, capability):
        """Return active users holding ``capability`` by role or as superusers."""
        capability = Capability(capability)
        roles = [
            role.value for role, caps in CAPABILITIES.items() if capability in caps
        ]
        return (
            self.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=roles))
            .distinct()
        )


@deconstructible
class ChoiceListValidator:
    """Check that a JSON value is a list of strings taken from ``choices``."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __call__(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_('Enter a list, e.g. ["fr", "en"].'))
        unknown = sorted(set(value) - set(self.choices))
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s. Choose among: %(choices)s.")
                % {"values": ", ".join(unknown), "choices": ", ".join(self.choices)}
            )

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices == self.choices


def _slugs(value):
    if not isinstance(value, list) or not all(
        isinstance(v, str) and SLUG.fullmatch(v) for v in value
    ):
        raise ValidationError(_("Enter a list of channel slugs (letters, digits, -)."))


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def validate_time_zone(value):
    """Refuse a name the time zone database does not know."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone; use a name such as America/Toronto.")
        ) from None


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class User(AbstractUser):
    """A person who signs in: responder, approver, manager or API reader.

    Roles are Django groups named after ``core.roles.Role``; code asks for
    capabilities (``user.can("approve")``), never for a role.
    """

    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Language.values)],
        help_text=_('Languages the person answers in, e.g. ["fr", "en"].'),
    )
    team = models.CharField(_("team"), max_length=100, blank=True)
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        validators=[_slugs],
        help_text=_("Slugs of the channels the person serves; empty means all."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    objects = GovernanceUserManager()

    @cached_property
    def role_names(self):
        # Through ``all()``, so that a list that prefetched the groups (people
        # on shift) reads them without a query per person.
        return frozenset(group.name for group in self.groups.all())

    @cached_property
    def capabilities(self):
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(Capability)
        return capabilities_for(self.role_names)

    def can(self, capability):
        """Return whether the user holds ``capability`` (a ``Capability`` value)."""
        return Capability(capability) in self.capabilities


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


class ApiToken(models.Model):
    """A named, expiring, revocable credential for the REST API.

    Only the SHA-256 digest of the secret is stored: the secret is shown once,
    when the token is created, and nobody (managers included) can read it
    again. The secret holds 256 random bits, so a fast digest is enough; a slow
    password hash would only slow every request down.
    """

    # Characters of the secret kept in clear to tell tokens apart in lists.
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        "staffing.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the connector that uses it."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Authentication looks a presented secret up by its digest.
            models.UniqueConstraint(fields=["digest"], name="staffing_token_digest"),
            models.CheckConstraint(
                condition=~Q(name=""), name="staffing_token_name_required"
            ),
        ]
        indexes = [
            # A user's own list on the API tokens page.
            models.Index(fields=["user", "-created_at"], name="staffing_token_user"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


@receiver(post_save, sender=OpeningWindow)
@receiver(post_delete, sender=OpeningWindow)
@receiver(post_save, sender=Closure)
@receiver(post_delete, sender=Closure)
def _calendar_content_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        BusinessCalendar.objects.filter(pk=instance.calendar_id).update(
            version=F("version") + 1
        )
