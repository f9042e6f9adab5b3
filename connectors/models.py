"""What the connectors keep beside the channels: YouTube's daily quota."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class YouTubeQuotaDay(models.Model):
    """The Data API units spent on one day, as Google counts days (Pacific).

    The quota belongs to the deployment's Google Cloud project, shared by all
    its YouTube channels: one row per day, increased by a conditional update
    before each call (``connectors.youtube.quota.spend``).
    """

    day = models.DateField(_("day (Pacific time)"), unique=True)
    used = models.PositiveIntegerField(_("units used"), default=0)

    class Meta:
        verbose_name = _("YouTube quota day")
        verbose_name_plural = _("YouTube quota days")

    def __str__(self):
        return f"{self.day}: {self.used}"
