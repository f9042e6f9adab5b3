"""Polling: each polling channel's platform read on a schedule, exactly once
into the inbox.

Beat wakes ``polls_due`` every few seconds, and each poll queues the next one
at its channel's interval; either way a poll first takes the channel's lease
(a conditional update on its state row, committed on its own), so two
workers never poll one channel at once, and a worker killed mid-poll leaves
the lease to run out. The platform's cursor moves in the transaction that
stores what was read past it, never before: a poll that dies after reading
reads the same items again next time (at least once from the platform), and
ingest, idempotent on (channel, external id), stores them once (exactly once
in the inbox). Errors back off, doubling from the interval up to an hour, or
as long as the platform's rate limit says.
"""

import dataclasses
import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.enqueue import enqueue
from moderation import registry
from moderation.models import Channel, ChannelState
from moderation.services.channel_state import channel_credentials_refused
from moderation.services.ingest import comments_ingest
from moderation.services.platform_changes import (
    comment_edited_on_platform,
    comment_removed_on_platform,
)

logger = logging.getLogger(__name__)

# Longer than any poll takes (each call to a platform gives up within
# core.outbound's deadline, and a poll makes a bounded number of them).
LEASE = datetime.timedelta(minutes=5)
LONGEST_WAIT = datetime.timedelta(hours=1)
# Credentials refused: nobody will have fixed them in a minute.
AUTH_WAIT = datetime.timedelta(minutes=15)
# A platform's date further ahead than this is not believed (year 9999).
FUTURE_TOLERANCE = datetime.timedelta(hours=1)

NOT_POLLING = gettext_noop("This channel's connector does not fetch comments.")
CONNECTOR_FAILED = gettext_noop("The connector failed; the details are in the log.")


@dataclasses.dataclass
class PollOutcome:
    """What one poll did: items read from the platform and newly stored,
    whether the platform has more, and the error shown to people ("")."""

    read: int = 0
    stored: int = 0
    more: bool = False
    error: str = ""
    skipped: bool = False
    next_poll_at: datetime.datetime | None = None


class LeaseLost(Exception):
    """Another poll took the channel over: this one's work is rolled back."""


def polling_connectors():
    """Return the names of the registered connectors that poll."""
    return [
        name
        for name, _label in registry.choices()
        if registry.get(name).can(registry.Ability.RECEIVE_POLL)
    ]


def polling_channels():
    """Return the active channels whose connector polls."""
    return Channel.objects.filter(active=True, connector__in=polling_connectors())


def polls_due(*, now=None, limit=500):
    """Queue a poll of each polling channel that is due and free (beat);
    return how many were queued."""
    now = now or timezone.now()
    channels = list(
        polling_channels()
        .filter(
            Q(state__isnull=True)
            | (
                (Q(state__poll_due_at__isnull=True) | Q(state__poll_due_at__lte=now))
                & (Q(state__lease_until__isnull=True) | Q(state__lease_until__lt=now))
            )
        )
        .order_by("state__poll_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for channel_id in channels:
        enqueue("connectors.tasks.poll_channel", channel_id)
    return len(channels)


def poll_once(channel, *, now=None, force=False):
    """Poll ``channel``'s platform once if it is due (or ``force``) and free.

    Return a ``PollOutcome``; ``skipped`` when another poll holds the channel
    or it is not due. A platform's error is recorded on the channel's state
    (generic text for people, details in the log) and backs off; it is not
    raised.
    """
    now = now or timezone.now()
    connector = registry.get(channel.connector)
    if not connector.can(registry.Ability.RECEIVE_POLL):
        return PollOutcome(error=NOT_POLLING)
    lease = _lease(channel, now=now, force=force)
    if lease is None:
        return PollOutcome(skipped=True)
    state = ChannelState.objects.get(pk=channel.pk)
    try:
        batch = connector.poll(channel, state.cursor)
    except registry.ConnectorError as exc:
        logger.warning("Poll of channel %s failed: %s", channel.slug, exc)
        return _failed(channel, state, exc, lease=lease, now=now)
    except Exception as exc:  # a connector's bug must not stop the others
        logger.exception("Poll of channel %s failed", channel.slug)
        error = registry.ConnectorError(repr(exc), public=CONNECTOR_FAILED)
        return _failed(channel, state, error, lease=lease, now=now)
    try:
        return _store(channel, state, batch, lease=lease, now=now)
    except LeaseLost:
        logger.warning("Poll of channel %s outlived its lease", channel.slug)
        return PollOutcome(skipped=True)


def _lease(channel, *, now, force):
    """Take the channel's lease; return its end, or ``None`` when it is held
    by another poll or the channel is not due."""
    ChannelState.objects.get_or_create(channel=channel, defaults={"poll_due_at": now})
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = Q() if force else Q(poll_due_at__isnull=True) | Q(poll_due_at__lte=now)
    until = now + LEASE
    with transaction.atomic():
        leased = (
            ChannelState.objects.filter(pk=channel.pk)
            .filter(free & due)
            .update(lease_until=until, last_poll_at=now)
        )
    return until if leased else None


def _clamped(item, *, now):
    """Return ``item`` with a date the platform cannot have meant replaced by
    now (missing, or in the future: a clock off, or year 9999)."""
    posted_at = item.posted_at
    if posted_at is None or posted_at > now + FUTURE_TOLERANCE:
        return dataclasses.replace(item, posted_at=now)
    return item


def _store(channel, state, batch, *, lease, now):
    items = [_clamped(item, now=now) for item in batch.items]
    interval = datetime.timedelta(seconds=channel.poll_seconds())
    if batch.wait is not None:
        interval = max(interval, batch.wait)
    next_poll_at = now if batch.more and batch.wait is None else now + interval
    newest = max((item.posted_at for item in items), default=None)
    if state.newest_item_at and (newest is None or state.newest_item_at > newest):
        newest = state.newest_item_at
    with transaction.atomic():
        results = (
            comments_ingest(items=[item.for_ingest(channel) for item in items], now=now)
            if items
            else []
        )
        # What changed on the platform among comments stored before: the
        # same services as pushed edits and removals, each idempotent.
        for external_id, text in batch.edits:
            comment_edited_on_platform(
                channel=channel, external_id=external_id, text=text, now=now
            )
        for external_id in batch.removals:
            comment_removed_on_platform(
                channel=channel, external_id=external_id, now=now
            )
        fields = {
            "cursor": batch.cursor,
            "failures": 0,
            "last_success_at": now,
            "poll_due_at": next_poll_at,
            "lease_until": None,
            "newest_item_at": newest,
        }
        if batch.rate_limit is not None:
            fields["rate_limit"] = batch.rate_limit.as_json()
        # Only while this poll still holds the lease: else another poll read
        # the same items, and this one's ingest is rolled back with it.
        if not ChannelState.objects.filter(pk=channel.pk, lease_until=lease).update(
            **fields
        ):
            raise LeaseLost
    stored = sum(1 for _comment, created in results if created)
    return PollOutcome(
        read=len(items), stored=stored, more=batch.more, next_poll_at=next_poll_at
    )


def _failed(channel, state, exc, *, lease, now):
    failures = state.failures + 1
    interval = datetime.timedelta(seconds=channel.poll_seconds())
    wait = min(LONGEST_WAIT, interval * 2 ** (failures - 1))
    if isinstance(exc, registry.AuthFailed):
        wait = max(wait, AUTH_WAIT)
    if exc.retry_after:
        wait = max(wait, datetime.timedelta(seconds=min(exc.retry_after, 86400)))
    fields = {
        "failures": failures,
        "last_error": registry.public_text(exc)[:500],
        "last_error_at": now,
        "poll_due_at": now + wait,
        "lease_until": None,
    }
    if isinstance(exc, registry.RateLimited):
        fields["rate_limit"] = {
            "limit": None,
            "remaining": 0,
            "reset_at": (now + wait).isoformat(),
        }
    ChannelState.objects.filter(pk=channel.pk, lease_until=lease).update(**fields)
    if isinstance(exc, registry.AuthFailed):
        # Retrying will not help: a manager must connect the channel again.
        channel_credentials_refused(channel, now=now)
    return PollOutcome(error=registry.public_text(exc), next_poll_at=now + wait)
