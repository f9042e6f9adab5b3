"""YouTube's daily quota: what each call costs, what is left, and the pace.

Google gives a project 10,000 units a day by default (``YOUTUBE_DAILY_QUOTA``
when it granted more) and resets them at midnight Pacific time. Each call is
counted here before it is sent, at its documented cost ("Quota usage" in the
Data API's *Quota calculator*): a list 1, ``comments.insert`` 50,
``comments.setModerationStatus`` 50, ``comments.delete`` 50. A spent quota
refuses the call here rather than at Google; Google's own ``quotaExceeded``
marks the day spent.

The pace (``poll_wait``) is pure: it spreads what is left of the day over the
polls until the reset, keeping a reserve for answers and moderation, so that
polling slows down before the quota runs out instead of stopping at it.
``recheck_wait`` paces the passes over comments already read (edits and
deletions) the same way, on at most half of what is left.
"""

import datetime
import math
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F

PACIFIC = ZoneInfo("America/Los_Angeles")

COSTS = {
    "commentThreads.list": 1,
    "comments.list": 1,
    "channels.list": 1,
    "comments.insert": 50,
    "comments.setModerationStatus": 50,
    "comments.delete": 50,
}
# Kept for answers and moderation: twenty of either.
RESERVE_UNITS = 1000


def day_of(now):
    """Return the quota day (Pacific) of the instant ``now``."""
    return now.astimezone(PACIFIC).date()


def reset_at(now):
    """Return the next midnight Pacific after ``now``, in UTC (a DST day has
    23 or 25 hours: computed in the zone, not by adding 24 hours)."""
    tomorrow = day_of(now) + datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(tomorrow, datetime.time(), tzinfo=PACIFIC)
    return midnight.astimezone(datetime.UTC)


def seconds_to_reset(now):
    """Return the whole seconds from ``now`` to the reset (at least 1)."""
    return max(1, math.ceil((reset_at(now) - now).total_seconds()))


def limit():
    return settings.YOUTUBE_DAILY_QUOTA


def used(*, now):
    """Return the units spent on ``now``'s day."""
    from connectors.models import YouTubeQuotaDay

    row = YouTubeQuotaDay.objects.filter(day=day_of(now)).first()
    return row.used if row else 0


def remaining(*, now):
    return max(0, limit() - used(now=now))


def spend(method, *, now):
    """Count ``method``'s cost on today's quota; return ``False`` (nothing
    counted) when it would go past the limit."""
    from connectors.models import YouTubeQuotaDay

    cost = COSTS[method]
    day = day_of(now)
    with transaction.atomic():
        YouTubeQuotaDay.objects.get_or_create(day=day)
        # One conditional update: two workers never both spend the last units.
        return bool(
            YouTubeQuotaDay.objects.filter(day=day, used__lte=limit() - cost).update(
                used=F("used") + cost
            )
        )


def exhaust(*, now):
    """Mark today's quota spent (Google answered ``quotaExceeded``)."""
    from connectors.models import YouTubeQuotaDay

    day = day_of(now)
    YouTubeQuotaDay.objects.get_or_create(day=day)
    YouTubeQuotaDay.objects.filter(day=day, used__lt=limit()).update(used=limit())


def poll_wait(*, interval, remaining, now, cost_per_poll, channels=1):
    """Return how long to wait before the next poll: ``interval`` while the
    quota allows it, longer as it runs low, until the reset once only the
    reserve is left.

    ``cost_per_poll`` is what one poll of one channel spent; ``channels``
    how many YouTube channels share the project's quota.
    """
    to_reset = reset_at(now) - now
    spendable = remaining - RESERVE_UNITS
    if spendable < cost_per_poll * channels:
        return max(interval, to_reset)
    polls_left = spendable / (cost_per_poll * channels)
    paced = to_reset / polls_left
    return max(interval, paced)


def recheck_wait(*, interval, remaining, now, cost_per_pass, channels=1):
    """Return how long after a pass of re-checks (``comments.list`` by id over
    the comments already read) the next pass may start: ``interval`` while
    the quota allows it, longer as it runs low, until the reset once the
    reserve is reached.

    Re-checks get at most half of what is left above the reserve, spread over
    the passes until the reset: new comments come first.
    """
    to_reset = reset_at(now) - now
    spendable = (remaining - RESERVE_UNITS) / 2
    cost = max(1, cost_per_pass) * max(1, channels)
    if spendable < cost:
        return max(interval, to_reset)
    return max(interval, to_reset / (spendable / cost))
