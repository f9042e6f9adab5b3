"""Notices the organisation publishes on its platforms: disclaimers, netiquette."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.languages import Language
from policies.markdown import disallowed_html
from policies.models.choices import Platform


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
