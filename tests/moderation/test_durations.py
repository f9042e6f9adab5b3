"""Durations and dates as each language writes them."""

import datetime

import pytest
from django.utils import translation

from core.templatetags.dates import day_month, long_date
from moderation.durations import countdown, elapsed, hours, minutes

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "in 12 h 15 min"), ("fr", "dans 12 h 15")],
)
def test_countdown_in_each_language(language, expected):
    due = NOW + datetime.timedelta(hours=12, minutes=15)
    with translation.override(language):
        assert countdown(due, NOW) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 735.0, "12 h 15"),  # the median once shown as "735,0"
        ("en", 735.0, "12 h 15 min"),
        ("en", 720.0, "12 h"),
        ("fr", 42.4, "42 min"),
        ("en", 0.5, "30 s"),
        ("fr", 3 * 24 * 60 + 60, "3 j 1 h"),
        ("en", None, "—"),
    ],
)
def test_report_minutes_read_as_durations(language, value, expected):
    with translation.override(language):
        assert minutes(value) == expected


def test_hours_and_elapsed():
    with translation.override("fr"):
        assert hours(720.0) == "30 j 0 h"
        assert hours(7.5) == "7 h 30"
        assert hours(0) == "0 h"
        assert elapsed(datetime.timedelta(seconds=42)) == "42 s"
    with translation.override("en"):
        assert hours(7.5) == "7 h 30 min"


def test_first_of_the_month_in_french():
    first, second = datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)
    with translation.override("fr"):
        assert long_date(first) == "1er décembre 2026"
        assert long_date(second) == "2 décembre 2026"
        assert day_month(first) == "1er déc."
        assert day_month(datetime.date(2026, 11, 11)) == "11 nov."
    with translation.override("en"):
        assert day_month(first) == "Dec 1"
        assert long_date(None) == ""
