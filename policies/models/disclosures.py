"""The registry of ties between the organisation and third parties."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.bilingual import localized
from policies.models.choices import Platform


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
