"""The one parser of dates sent by people and clients, and its bounds."""

import datetime

import pytest

from core import dates


@pytest.mark.parametrize("raw", ["1970-01-01", "2026-11-27", "2100-12-31"])
def test_days_within_range_are_read(raw):
    assert dates.parse_day(raw) == datetime.date.fromisoformat(raw)


@pytest.mark.parametrize(
    "raw", ["1969-12-31", "2101-01-01", "9999-12-31", "0001-01-01", "2026-02-30", "x"]
)
def test_days_out_of_range_or_malformed_are_refused(raw):
    with pytest.raises(dates.InvalidDate):
        dates.parse_day(raw)


@pytest.mark.parametrize(
    "raw",
    ["9999-12-31T23:59:59", "0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"],
)
def test_instants_near_the_ends_of_the_calendar_are_refused_not_overflowed(raw):
    with pytest.raises(dates.InvalidDate):
        dates.parse_instant(raw)


def test_an_instant_without_offset_is_in_the_sites_time_zone():
    instant = dates.parse_instant("2100-12-31T23:59:00")
    assert instant.tzinfo is not None
    assert str(instant.tzinfo) == "America/Toronto"
    # A "+" sent unencoded in a query string arrives as a space.
    assert dates.parse_instant("2026-11-27T16:00:00 05:00").utcoffset() == (
        datetime.timedelta(hours=5)
    )
