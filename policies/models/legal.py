"""Legal references: the laws, regulations and codes that rules rest on.

They stand outside versions and keep their own history; a reference that a
published or retired rule cites cannot be deleted.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.bilingual import localized
from policies.models.versions import PolicyVersion, PublishedVersionError


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
