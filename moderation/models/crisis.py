"""Crisis episodes: a channel's comment volume surging against its usual hour."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CrisisEpisode(models.Model):
    """A surge on one channel, from the run that saw it to the one that saw
    the volume fall back; managers are told once, when it opens."""

    channel = models.ForeignKey(
        "moderation.Channel",
        verbose_name=_("channel"),
        on_delete=models.CASCADE,
        related_name="crises",
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    volume = models.PositiveIntegerField(_("comments in the last hour"))
    baseline = models.FloatField(_("usual comments in that hour"))
    flagged_share = models.FloatField(_("flagged share"))
    peak_volume = models.PositiveIntegerField(_("peak comments in an hour"))
    alerted = models.JSONField(_("managers alerted"), default=list, blank=True)

    class Meta:
        verbose_name = _("crisis episode")
        verbose_name_plural = _("crisis episodes")
        ordering = ["-started_at"]
        constraints = [
            # One open episode per channel: two detection runs at once (two
            # beats, a retry) cannot open it, nor alert it, twice.
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(ended_at__isnull=True),
                name="moderation_crisis_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.channel.slug} {self.started_at:%Y-%m-%d %H:%M}"
