"""Inbox filters a person saved under a name, to open again in one click."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """The inbox's filters (its query string) one person saved; only theirs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField(_("name"), max_length=80)
    # The inbox's parameters as a query string, known names only
    # (``moderation.search.FILTER_PARAMETERS``).
    query = models.CharField(_("filters"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], name="moderation_saved_filter_name_once"
            ),
        ]

    def __str__(self):
        return self.name
