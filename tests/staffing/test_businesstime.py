"""Business time across DST changes, Québec holidays, windows and closures."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.businesstime import (
    CalendarSpec,
    NeverOpens,
    add_business_minutes,
    always_open,
    business_deadlines,
    business_minutes_between,
    is_open,
    next_opening,
    open_intervals,
)
from staffing.publicholidays import statutory_holidays

TZ = zoneinfo.ZoneInfo("America/Toronto")
NINE_TO_FIVE = dict.fromkeys(range(5), ((9 * 60, 17 * 60),))


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def qc_business(years=range(2025, 2031)):
    return CalendarSpec(
        time_zone="America/Toronto",
        windows=NINE_TO_FIVE,
        closed_dates=frozenset(statutory_holidays("CA", "QC", years)),
    )


def test_friday_afternoon_rolls_over_the_weekend():
    # Friday 16:00 + 2 business hours = Monday 10:00 (the source document's 64 h).
    assert add_business_minutes(qc_business(), local(2026, 11, 27, 16), 120) == local(
        2026, 11, 30, 10
    )


def test_one_minute_before_at_and_after_closing():
    spec = qc_business()
    assert add_business_minutes(spec, local(2026, 11, 27, 16, 59), 1) == local(
        2026, 11, 27, 17
    )
    assert add_business_minutes(spec, local(2026, 11, 27, 17), 1) == local(
        2026, 11, 30, 9, 1
    )
    assert add_business_minutes(spec, local(2026, 11, 27, 17, 1), 1) == local(
        2026, 11, 30, 9, 1
    )


def test_counting_minutes_across_a_weekend():
    minutes = business_minutes_between(
        qc_business(), local(2026, 11, 27, 16), local(2026, 11, 30, 10)
    )
    assert minutes == 120


@pytest.mark.parametrize(
    ("start", "due", "holiday"),
    [
        # Fête nationale (Saint-Jean-Baptiste) on Wednesday 24 June 2026.
        ((2026, 6, 23, 16), (2026, 6, 25, 10), "Fête nationale"),
        # Canada Day, Wednesday 1 July 2026.
        ((2026, 6, 30, 16), (2026, 7, 2, 10), "Canada Day"),
        # Thanksgiving, Monday 12 October 2026.
        ((2026, 10, 9, 16), (2026, 10, 13, 10), "Thanksgiving"),
        # Christmas, Friday 25 December 2026.
        ((2026, 12, 24, 16), (2026, 12, 28, 10), "Christmas"),
        # Good Friday, 3 April 2026.
        ((2026, 4, 2, 16), (2026, 4, 6, 10), "Good Friday"),
        # National Patriots' Day, Monday 18 May 2026.
        ((2026, 5, 15, 16), (2026, 5, 19, 10), "Patriots' Day"),
    ],
)
def test_quebec_holidays_are_closed(start, due, holiday):
    assert add_business_minutes(qc_business(), local(*start), 120) == local(*due), (
        holiday
    )


def test_easter_monday_is_not_a_statutory_holiday_in_quebec():
    # 6 April 2026: the package lists it as optional only.
    assert datetime.date(2026, 4, 6) not in statutory_holidays("CA", "QC", [2026])
    assert is_open(qc_business(), local(2026, 4, 6, 10))


def test_no_christmas_observed_monday_in_quebec():
    # Christmas 2027 is a Saturday; the package's default adds Monday 27.
    days = statutory_holidays("CA", "QC", [2027])
    assert datetime.date(2027, 12, 25) in days
    assert datetime.date(2027, 12, 27) not in days
    assert is_open(qc_business(), local(2027, 12, 27, 10))


def test_fete_nationale_on_a_sunday_moves_to_monday():
    # 24 June 2029 is a Sunday: Monday 25 June is the holiday, and so is 2 July
    # for Canada Day on Sunday 1 July.
    days = statutory_holidays("CA", "QC", [2029])
    assert datetime.date(2029, 6, 25) in days
    assert datetime.date(2029, 7, 2) in days
    assert not is_open(qc_business(), local(2029, 6, 25, 10))
    assert is_open(qc_business(), local(2029, 6, 26, 10))


def test_holiday_names_in_both_languages():
    assert statutory_holidays("CA", "QC", [2026], "fr")[datetime.date(2026, 6, 24)] == (
        "Fête nationale du Québec"
    )
    assert (
        "Baptist"
        in statutory_holidays("CA", "QC", [2026], "en")[datetime.date(2026, 6, 24)]
    )


def test_spring_forward_day_lasts_23_hours_on_a_24_7_calendar():
    spec = always_open("America/Toronto")
    # 8 March 2026: clocks go from 02:00 to 03:00.
    start, end = local(2026, 3, 8, 0), local(2026, 3, 9, 0)
    assert business_minutes_between(spec, start, end) == 23 * 60
    assert add_business_minutes(spec, local(2026, 3, 8, 1, 30), 60) == local(
        2026, 3, 8, 3, 30
    )


def test_fall_back_day_lasts_25_hours_on_a_24_7_calendar():
    spec = always_open("America/Toronto")
    start, end = local(2026, 11, 1, 0), local(2026, 11, 2, 0)
    assert business_minutes_between(spec, start, end) == 25 * 60


def test_windows_stay_at_local_time_across_dst():
    spec = qc_business()
    # Monday after each change still opens at 09:00 local time.
    for day in (local(2026, 3, 9, 9), local(2026, 11, 2, 9)):
        assert next_opening(spec, day - datetime.timedelta(hours=3)) == day
    # Friday 6 and Monday 9 March: two 8-hour days around the change.
    assert business_minutes_between(
        spec, local(2026, 3, 6, 0), local(2026, 3, 10, 0)
    ) == (2 * 8 * 60)


def test_a_window_across_the_spring_forward_gap():
    spec = CalendarSpec(windows={6: ((60, 4 * 60),)})  # Sunday 01:00–04:00
    # 01:00–04:00 on 8 March 2026 is only two real hours.
    assert business_minutes_between(spec, local(2026, 3, 8), local(2026, 3, 9)) == 120


def test_lunch_breaks_and_split_shifts():
    spec = CalendarSpec(windows={0: ((9 * 60, 12 * 60), (13 * 60, 17 * 60))})
    monday = datetime.date(2026, 11, 30)
    assert add_business_minutes(spec, local(2026, 11, 30, 11, 30), 60) == local(
        2026, 11, 30, 13, 30
    )
    assert [
        (a.astimezone(TZ).hour, b.astimezone(TZ).hour)
        for a, b in open_intervals(spec, local(2026, 11, 30), local(2026, 12, 1))
    ] == [(9, 12), (13, 17)]
    assert monday.weekday() == 0


def test_a_window_to_midnight():
    spec = CalendarSpec(windows={4: ((18 * 60, 24 * 60),), 5: ((0, 6 * 60),)})
    assert (
        business_minutes_between(spec, local(2026, 11, 27, 0), local(2026, 11, 29, 0))
        == 12 * 60
    )
    assert len(open_intervals(spec, local(2026, 11, 27), local(2026, 11, 29))) == 1


def test_closures_are_subtracted():
    storm = (local(2026, 12, 1, 9), local(2026, 12, 1, 13))
    spec = CalendarSpec(windows=NINE_TO_FIVE, closures=(storm,))
    assert (
        business_minutes_between(spec, local(2026, 12, 1), local(2026, 12, 2)) == 4 * 60
    )
    assert next_opening(spec, local(2026, 12, 1, 8)) == local(2026, 12, 1, 13)


def test_zero_minutes_is_the_start_itself():
    start = local(2026, 11, 28, 3)
    assert add_business_minutes(qc_business(), start, 0) == start


def test_a_closed_calendar_never_opens():
    spec = CalendarSpec(windows={})
    with pytest.raises(NeverOpens):
        add_business_minutes(spec, local(2026, 1, 1), 1)
    assert next_opening(spec, local(2026, 1, 1)) is None
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(qc_business(), local(2026, 1, 1), -5)


def test_the_repeated_hour_of_the_fall_back_counts_by_the_instant():
    # 2026-11-01: 01:30 EDT, then 01:10 EST forty minutes later. Both read the
    # same zone, so Python compares their wall clocks unless told otherwise.
    before = datetime.datetime(2026, 11, 1, 1, 30, tzinfo=TZ)
    after = datetime.datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=TZ)
    assert after - before < datetime.timedelta(0)  # the trap, wall clock
    assert business_minutes_between(always_open(), before, after) == 40
    assert business_minutes_between(always_open(), after, before) == 0
    due = add_business_minutes(always_open(), before, 40)
    assert due.astimezone(datetime.UTC) == after.astimezone(datetime.UTC)


def test_a_start_in_the_spring_gap_counts_from_its_instant():
    # 2026-03-08 02:00 does not exist in Toronto; with fold=1 it names 01:00 EST.
    start = datetime.datetime(2026, 3, 8, 2, 0, fold=1, tzinfo=TZ)
    due = add_business_minutes(always_open(), start, 1)
    assert business_minutes_between(always_open(), start, due) == 1


instants = st.datetimes(
    min_value=datetime.datetime(2026, 1, 1),
    max_value=datetime.datetime(2028, 12, 31),
    timezones=st.just(TZ),
)
CALENDARS = [qc_business(range(2025, 2032)), always_open()]


@settings(max_examples=60, deadline=None)
@given(
    instants,
    st.integers(min_value=0, max_value=60 * 24 * 20),
    st.sampled_from(CALENDARS),
)
def test_adding_then_counting_gives_back_n(start, minutes, spec):
    due = add_business_minutes(spec, start, minutes)
    assert round(business_minutes_between(spec, start, due), 6) == minutes


@settings(max_examples=60, deadline=None)
@given(instants, st.integers(0, 5000), st.integers(0, 5000), st.sampled_from(CALENDARS))
def test_adding_is_monotonic(start, a, b, spec):
    low, high = sorted((a, b))
    assert add_business_minutes(spec, start, low) <= add_business_minutes(
        spec, start, high
    )


@settings(max_examples=40, deadline=None)
@given(instants, st.integers(min_value=1, max_value=10_000))
def test_a_due_time_is_open_or_a_closing_time(start, minutes):
    spec = CALENDARS[0]
    due = add_business_minutes(spec, start, minutes)
    assert is_open(spec, due - datetime.timedelta(seconds=1))


def test_a_spec_reuses_its_days_and_keeps_a_bounded_number_of_them():
    spec = qc_business(range(2025, 2040))
    fresh = qc_business(range(2025, 2040))
    start = local(2026, 11, 27, 16, 30)
    # The same deadlines from a spec that has seen the days and from a new one.
    for offset in range(0, 40):
        at = start + datetime.timedelta(hours=7 * offset)
        assert add_business_minutes(spec, at, 600) == add_business_minutes(
            qc_business(range(2025, 2040)), at, 600
        )
    assert 0 < len(spec._day_windows) < 100
    # Ten years of days one after the other: the spec forgets old days
    # rather than growing without end.
    for day in range(0, 3650, 3):
        add_business_minutes(fresh, start + datetime.timedelta(days=day), 60)
    assert len(fresh._day_windows) <= 1024
    assert (
        business_minutes_between(fresh, local(2030, 3, 4, 9), local(2030, 3, 8, 17))
        == 5 * 8 * 60
    )


def reference_open_intervals(spec, start, end):
    """``open_intervals`` as it was written first, computing every window."""
    from staffing.businesstime import _local
    from staffing.intervals import subtract

    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    if end <= start:
        return []
    if spec.always_open:
        raw = [(start, end)]
    else:
        zone = spec.zone
        first = start.astimezone(zone).date() - datetime.timedelta(days=1)
        day, raw = first, []
        while day <= end.astimezone(zone).date():
            if day not in spec.closed_dates:
                for low, high in spec.windows.get(day.weekday(), ()):
                    a, b = _local(day, low, zone), _local(day, high, zone)
                    a, b = max(a, start), min(b, end)
                    if a < b:
                        raw.append((a, b))
            day += datetime.timedelta(days=1)
    closures = [
        (a.astimezone(datetime.UTC), b.astimezone(datetime.UTC))
        for a, b in spec.closures
    ]
    return subtract(raw, closures)


def reference_add(spec, start, minutes):
    """``add_business_minutes`` as it was written first: three weeks a step."""
    remaining = float(minutes)
    if remaining == 0:
        return start
    cursor = start.astimezone(datetime.UTC)
    while True:
        chunk_end = cursor + datetime.timedelta(days=21)
        for a, b in reference_open_intervals(spec, cursor, chunk_end):
            available = (b - a).total_seconds() / 60
            if available >= remaining:
                return (a + datetime.timedelta(minutes=remaining)).astimezone(
                    start.tzinfo
                )
            remaining -= available
        cursor = chunk_end


WITH_CLOSURES = CalendarSpec(
    time_zone="America/Toronto",
    windows={**NINE_TO_FIVE, 5: ((10 * 60, 12 * 60), (13 * 60, 14 * 60 + 30))},
    closed_dates=frozenset(statutory_holidays("CA", "QC", range(2025, 2032))),
    closures=(
        (local(2026, 12, 24, 12), local(2027, 1, 4, 9, 30)),
        (local(2027, 3, 14, 1), local(2027, 3, 14, 3)),
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    instants,
    st.lists(st.integers(min_value=0, max_value=60 * 24 * 30), min_size=1, max_size=3),
    st.sampled_from([*CALENDARS, WITH_CLOSURES]),
)
def test_deadlines_are_those_of_the_first_computation_to_the_microsecond(
    start, minutes, spec
):
    expected = [reference_add(spec, start, m) for m in minutes]
    assert business_deadlines(spec, start, minutes) == expected
    assert [add_business_minutes(spec, start, m) for m in minutes] == expected
    # Twice, from the days the spec now keeps.
    assert business_deadlines(spec, start, minutes) == expected


def test_deadlines_refuse_negative_minutes_and_keep_zero_at_the_start():
    start = local(2026, 12, 5, 23)  # a Saturday night: closed
    assert business_deadlines(qc_business(), start, [0, 0]) == [start, start]
    with pytest.raises(ValueError):
        business_deadlines(qc_business(), start, [60, -1])
