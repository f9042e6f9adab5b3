"""A channel's health: is it reading comments and delivering answers?

Read from the ``ChannelState`` rows that the poller and the outbox write, and
from the comments received in the last hour, for any number of channels in
two queries (the channels with their states, and one aggregate of recent
comments), so that the *Channels* page, the API and ``/healthz`` cost the
same with three channels or three hundred.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from moderation import registry
from moderation.models import ChannelState, Comment

RECENT = datetime.timedelta(hours=1)
# Platforms reset their limits within minutes or hours; a later reset is noise.
RESET_HORIZON = datetime.timedelta(days=7)

# Shown for a channel whose connector is no longer installed: it reads and
# sends nothing until someone picks another one.
NOT_INSTALLED = gettext_noop("This channel's connector is not installed.")


class State:
    """The health states, most urgent first in ``ORDER``."""

    OK = "ok"
    ERROR = "error"
    SILENT = "silent"
    WAITING = "waiting"
    PUSH = "push"
    INACTIVE = "inactive"

    LABELS = {
        OK: _("Healthy"),
        ERROR: _("In error"),
        SILENT: _("Silent"),
        WAITING: _("Waiting for its first poll"),
        PUSH: _("Receives pushes"),
        INACTIVE: _("Inactive"),
    }


@dataclass(frozen=True)
class RateLimitState:
    """The platform's rate limit as its last answer told it."""

    limit: int | None
    remaining: int | None
    reset_at: datetime.datetime | None

    @property
    def exhausted(self):
        return self.remaining == 0

    def as_json(self):
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "reset_at": self.reset_at.isoformat() if self.reset_at else None,
        }


@dataclass(frozen=True)
class Health:
    """What the *Channels* page, the API and ``/healthz`` say of one channel.

    ``last_error`` is the generic text, translated (the detail is in the log);
    ``lag`` the age of the newest comment seen, ``None`` before the first.
    """

    channel: object
    state: str
    last_success_at: datetime.datetime | None
    last_error: str
    last_error_at: datetime.datetime | None
    lag: datetime.timedelta | None
    next_poll_at: datetime.datetime | None
    items_last_hour: int
    rate_limit: RateLimitState | None

    @property
    def label(self):
        return State.LABELS[self.state]

    def as_json(self):
        """Return the health as the API and ``/healthz`` show it."""
        return {
            "state": self.state,
            "last_success_at": _iso(self.last_success_at),
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "lag_seconds": int(self.lag.total_seconds()) if self.lag else None,
            "next_poll_at": _iso(self.next_poll_at),
            "items_last_hour": self.items_last_hour,
            "rate_limit": self.rate_limit.as_json() if self.rate_limit else None,
        }


def _iso(moment):
    return moment.isoformat() if moment else None


def channels_health(channels, *, now):
    """Return the ``Health`` of each of ``channels``, in their order.

    ``channels`` is a queryset of channels (its states are joined here) or a
    list of channels loaded with ``select_related("state")``.
    """
    if isinstance(channels, QuerySet):
        channels = list(channels.select_related("state"))
    else:
        channels = list(channels)
    recent = _received_since(channels, now - RECENT)
    return [
        _health(channel, now=now, recent=recent.get(channel.pk, 0))
        for channel in channels
    ]


def _received_since(channels, since):
    """Return ``{channel id: comments received since since}`` in one query.

    Read through the ``(channel, received_at)`` index.
    """
    if not channels:
        return {}
    rows = (
        Comment.objects.filter(
            channel__in=[channel.pk for channel in channels], received_at__gte=since
        )
        .order_by()
        .values("channel")
        .annotate(count=Count("pk"))
        .values_list("channel", "count")
    )
    return dict(rows)


def _state_of(channel):
    try:
        return channel.state
    except ChannelState.DoesNotExist:
        # Not polled yet, nothing delivered yet: a blank state says just that.
        return ChannelState(channel=channel)


def _health(channel, *, now, recent):
    state = _state_of(channel)
    try:
        polls = registry.get(channel.connector).can(registry.Ability.RECEIVE_POLL)
        installed = True
    except registry.UnknownConnector:
        polls, installed = False, False
    successes = [
        moment
        for moment in (state.last_success_at, state.last_delivery_at)
        if moment is not None
    ]
    last_success = max(successes) if successes else None
    last_error, last_error_at = state.error_message(), state.last_error_at
    if not installed:
        last_error = gettext(NOT_INSTALLED)
    failing = not installed or (
        bool(last_error)
        and (
            last_success is None
            or last_error_at is None
            or last_error_at >= last_success
        )
    )
    newest = state.newest_item_at
    lag = max(now - newest, datetime.timedelta(0)) if newest else None
    return Health(
        channel=channel,
        state=_classify(channel, state, polls=polls, failing=failing, now=now),
        last_success_at=last_success,
        last_error=last_error,
        last_error_at=last_error_at if last_error else None,
        lag=lag,
        next_poll_at=state.poll_due_at if polls and channel.active else None,
        items_last_hour=recent,
        rate_limit=_rate_limit(state.rate_limit, now=now),
    )


def _classify(channel, state, *, polls, failing, now):
    if not channel.active:
        return State.INACTIVE
    if failing:
        return State.ERROR
    if not polls:
        return State.PUSH
    silent_after = datetime.timedelta(
        seconds=settings.CONNECTOR_SILENT_POLLS * channel.poll_seconds()
    )
    if state.last_success_at is None:
        # Never polled: waiting while its first poll is not overdue, silent
        # once it is (the beat or the workers are down).
        due = state.poll_due_at
        if state.last_poll_at is None and (due is None or now - due <= silent_after):
            return State.WAITING
        return State.SILENT
    if now - state.last_success_at > silent_after:
        return State.SILENT
    return State.OK


def _rate_limit(stored, *, now):
    """Return the stored rate-limit JSON as a ``RateLimitState``, or ``None``.

    The JSON comes from a platform's headers through the connector: anything
    that is not a number or a date is left out rather than trusted, and so is
    a reset further than ``RESET_HORIZON`` ahead (year 9999 would not even
    convert to a time zone east of UTC to be shown).
    """
    if not isinstance(stored, dict) or not stored:
        return None

    def number(key):
        value = stored.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    reset_at = stored.get("reset_at")
    try:
        reset_at = datetime.datetime.fromisoformat(reset_at) if reset_at else None
    except (TypeError, ValueError):
        reset_at = None
    if reset_at is not None and reset_at.tzinfo is None:
        reset_at = reset_at.replace(tzinfo=datetime.UTC)
    if reset_at is not None and reset_at > now + RESET_HORIZON:
        reset_at = None
    limit, remaining = number("limit"), number("remaining")
    if limit is None and remaining is None and reset_at is None:
        return None
    return RateLimitState(limit=limit, remaining=remaining, reset_at=reset_at)


def health_summary(healths):
    """Return what ``/healthz`` says of the channels: silent and failing slugs."""
    silent = [h.channel.slug for h in healths if h.state == State.SILENT]
    failing = [h.channel.slug for h in healths if h.state == State.ERROR]
    return {"ok": not (silent or failing), "silent": silent, "failing": failing}
