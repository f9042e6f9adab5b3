"""Business time: when a calendar is open, and deadlines counted in open minutes.

Pure Python, no ORM. A ``CalendarSpec`` is plain data (time zone, weekly
windows, closed dates, closures); the functions take and return aware datetimes
in any zone and work in the calendar's local time only inside, so that a window
at 09:00 stays at 09:00 across daylight-saving changes and a 24-hour day can
last 23 or 25 hours.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property

from staffing.intervals import subtract

MINUTES_PER_DAY = 24 * 60
# How far ahead to look before deciding a calendar never opens.
HORIZON_DAYS = 800
# Deadlines look ahead a few days first, then by up to three weeks at a time.
_FIRST_STEP_DAYS = 3
_STEP_DAYS = 21
# Local days whose windows a spec keeps in UTC (a year and more of deadlines).
_DAYS_KEPT = 1024


class NeverOpens(ValueError):
    """Raised when a calendar has no open minute within the horizon."""


@dataclass(frozen=True)
class CalendarSpec:
    """When a calendar is open.

    ``windows`` maps a weekday (0 = Monday) to ``(start, end)`` pairs in minutes
    after local midnight, ``end`` up to 1440 (midnight at the end of the day).
    """

    time_zone: str = "America/Toronto"
    windows: dict = field(default_factory=dict)
    closed_dates: frozenset = frozenset()
    closures: tuple = ()  # (start, end) aware datetimes
    always_open: bool = False

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @cached_property
    def _day_windows(self):
        # Not a field: the windows of each local day already turned into UTC
        # instants, filled by ``_windows_of`` (a spec is immutable).
        return {}


def _windows_of(spec, day, zone):
    """Return the open windows of the local ``day`` as UTC instants."""
    kept = spec._day_windows
    windows = kept.get(day)
    if windows is None:
        if day in spec.closed_dates:
            windows = ()
        else:
            windows = tuple(
                (_local(day, low, zone), _local(day, high, zone))
                for low, high in spec.windows.get(day.weekday(), ())
            )
        if len(kept) >= _DAYS_KEPT:
            kept.clear()
        kept[day] = windows
    return windows


def always_open(time_zone="America/Toronto"):
    """Return the spec of a calendar open every minute (24/7)."""
    return CalendarSpec(time_zone=time_zone, always_open=True)


def _local(day, minutes, zone):
    """Return the aware instant at ``minutes`` after local midnight of ``day``."""
    day = day + datetime.timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    # Round trip through UTC: a wall time skipped by a spring-forward change
    # lands just after it, as a clock would.
    return naive.replace(tzinfo=zone).astimezone(datetime.UTC)


def open_intervals(spec, start, end):
    """Return the sorted, merged ``(start, end)`` UTC intervals open in [start, end)."""
    # In UTC before comparing: two datetimes of one zone compare by wall clock,
    # which puts 01:10 EST (after the fall-back) before 01:30 EDT.
    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    if end <= start:
        return []
    if spec.always_open:
        raw = [(start, end)]
    else:
        zone = spec.zone
        first = start.astimezone(zone).date() - datetime.timedelta(days=1)
        last = end.astimezone(zone).date()
        raw = []
        day = first
        while day <= last:
            for a, b in _windows_of(spec, day, zone):
                a, b = max(a, start), min(b, end)
                if a < b:
                    raw.append((a, b))
            day += datetime.timedelta(days=1)
    closures = [
        (a.astimezone(datetime.UTC), b.astimezone(datetime.UTC))
        for a, b in spec.closures
    ]
    return subtract(raw, closures)


def _minutes(delta):
    return delta.total_seconds() / 60


def business_minutes_between(spec, start, end):
    """Return the open minutes between ``start`` and ``end`` (0 if end <= start)."""
    return sum(_minutes(b - a) for a, b in open_intervals(spec, start, end))


def add_business_minutes(spec, start, minutes):
    """Return the instant ``minutes`` open minutes after ``start``.

    Zero minutes gives ``start`` itself, even when the calendar is closed then.
    """
    [instant] = business_deadlines(spec, start, [minutes])
    return instant


def business_deadlines(spec, start, minutes):
    """Return, for each of ``minutes``, the instant that many open minutes
    after ``start`` (as ``add_business_minutes`` does), walking the calendar
    once for all of them: a warning and a due time cost one walk."""
    if any(m < 0 for m in minutes):
        raise ValueError("minutes must not be negative")
    found = [start if m == 0 else None for m in minutes]
    # What is left to count for each deadline not found yet, by its index
    # (each counted down as add_business_minutes always has, to the same
    # microsecond).
    remaining = {index: float(m) for index, m in enumerate(minutes) if m != 0}
    cursor = start.astimezone(datetime.UTC)
    limit = cursor + datetime.timedelta(days=HORIZON_DAYS)
    step = _FIRST_STEP_DAYS
    while remaining and cursor < limit:
        chunk_end = cursor + datetime.timedelta(days=step)
        for a, b in open_intervals(spec, cursor, chunk_end):
            available = _minutes(b - a)
            for index, left in list(remaining.items()):
                if available >= left:
                    instant = a + datetime.timedelta(minutes=left)
                    found[index] = instant.astimezone(start.tzinfo)
                    del remaining[index]
                else:
                    remaining[index] = left - available
            if not remaining:
                return found
        cursor = chunk_end
        step = min(2 * step, _STEP_DAYS)
    if not remaining:
        return found
    raise NeverOpens("The calendar does not open within the next two years.")


def next_opening(spec, at):
    """Return the first open instant at or after ``at``, or ``None``."""
    cursor = at.astimezone(datetime.UTC)
    limit = cursor + datetime.timedelta(days=HORIZON_DAYS)
    while cursor < limit:
        chunk_end = cursor + datetime.timedelta(days=_STEP_DAYS)
        intervals = open_intervals(spec, cursor, chunk_end)
        if intervals:
            return intervals[0][0].astimezone(at.tzinfo)
        cursor = chunk_end
    return None


def is_open(spec, at):
    """Return whether the calendar is open at the instant ``at``."""
    return bool(open_intervals(spec, at, at + datetime.timedelta(microseconds=1)))
