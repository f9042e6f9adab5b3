"""Crisis alert: a channel's volume surging against the same hour of the last
four weeks opens an episode, tells the managers on duty once, and closes by
itself when the volume falls back."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import mail_number, mail_queue_each
from moderation.models import Channel, Comment, CrisisEpisode
from staffing import selectors

WINDOW = datetime.timedelta(hours=1)
WEEKS = 4


@dataclass(frozen=True)
class Volume:
    """A channel's last hour against its usual one."""

    channel_id: int
    volume: int
    flagged: int
    baseline: float

    @property
    def flagged_share(self):
        return self.flagged / self.volume if self.volume else 0.0

    def surging(self, *, factor, minimum):
        return self.volume >= minimum and self.volume >= factor * self.baseline


def volumes(*, now):
    """Return the ``Volume`` of every channel with comments in the windows.

    One statement: five ranges of ``received_at`` (the last hour, and the same
    hour one to four weeks back) counted per channel, each a range scan of the
    index ``moderation_channel_recent_idx`` (channel, received_at).
    """
    windows = [
        Q(
            received_at__gte=now - WINDOW - datetime.timedelta(weeks=k),
            received_at__lt=now - datetime.timedelta(weeks=k),
        )
        for k in range(WEEKS + 1)
    ]
    anywhere = windows[0]
    for window in windows[1:]:
        anywhere |= window
    rows = (
        Comment.objects.filter(anywhere)
        .values("channel_id")
        .annotate(
            flagged=Count("pk", filter=windows[0] & ~Q(severity="")),
            **{f"w{k}": Count("pk", filter=window) for k, window in enumerate(windows)},
        )
        .order_by("channel_id")
    )
    return [
        Volume(
            channel_id=row["channel_id"],
            volume=row["w0"],
            flagged=row["flagged"],
            baseline=sum(row[f"w{k}"] for k in range(1, WEEKS + 1)) / WEEKS,
        )
        for row in rows
    ]


def crises_detect(*, now=None):
    """Open, update and close the crisis episodes at ``now``; return the
    episodes opened (each alerted once, after commit)."""
    now = now or timezone.now()
    factor, minimum = settings.CRISIS_FACTOR, settings.CRISIS_MIN_COMMENTS
    seen = {v.channel_id: v for v in volumes(now=now)}
    open_by_channel = {
        e.channel_id: e for e in CrisisEpisode.objects.filter(ended_at__isnull=True)
    }
    opened = []
    for channel_id, episode in open_by_channel.items():
        volume = seen.get(channel_id)
        if volume is None or not volume.surging(factor=factor, minimum=minimum):
            CrisisEpisode.objects.filter(pk=episode.pk, ended_at__isnull=True).update(
                ended_at=now
            )
        elif volume.volume > episode.peak_volume:
            CrisisEpisode.objects.filter(pk=episode.pk).update(
                peak_volume=volume.volume
            )
    for channel_id, volume in seen.items():
        if channel_id in open_by_channel:
            continue
        if not volume.surging(factor=factor, minimum=minimum):
            continue
        episode = _open(volume, now)
        if episode is not None:
            opened.append(episode)
    return opened


def _open(volume, now):
    """Open the channel's episode and queue its alert in one transaction; a
    concurrent run that opened it first wins (the constraint says so)."""
    try:
        with transaction.atomic():
            episode = CrisisEpisode.objects.create(
                channel_id=volume.channel_id,
                started_at=now,
                volume=volume.volume,
                baseline=volume.baseline,
                flagged_share=volume.flagged_share,
                peak_volume=volume.volume,
            )
            episode.alerted = _alert(episode, now)
            episode.save(update_fields=["alerted"])
    except IntegrityError:
        return None
    return episode


def _alert(episode, now):
    managers = selectors.managers_on_duty(now)
    recipients = sorted({m.email for m in managers if m.email})
    if not recipients:
        return []
    channel = Channel.objects.get(pk=episode.channel_id)

    def compose(language):
        subject = _("Surge of comments on %(channel)s") % {"channel": channel}
        body = _(
            "%(volume)d comments in the last hour on %(channel)s, against "
            "%(baseline)s usually at this hour; %(share)d%% of them flagged.\n\n"
            "The cockpit: %(path)s"
        ) % {
            "volume": episode.volume,
            "channel": channel,
            "baseline": mail_number(episode.baseline),
            "share": round(episode.flagged_share * 100),
            "path": reverse("dashboard"),
        }
        return subject, body

    mail_queue_each(kind="crisis", people=managers, compose=compose, now=now)
    return recipients


def crises_open():
    """Return the open episodes with their channel (the banner's one query)."""
    return list(
        CrisisEpisode.objects.filter(ended_at__isnull=True)
        .select_related("channel")
        .order_by("started_at")
    )
