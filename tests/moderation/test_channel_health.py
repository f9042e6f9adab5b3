"""A channel's health: state, last success and error, lag, next poll, volume."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import outbound
from moderation import health
from moderation.models import Channel, ChannelState, Comment
from staffing.models import BusinessCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def make_channel(slug, *, connector="fake-test", active=True, poll_interval=30):
    return Channel.objects.create(
        slug=slug,
        platform="bluesky",
        handle=slug,
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector=connector,
        active=active,
        poll_interval=poll_interval,
    )


def make_comment(channel, n, received_at):
    return Comment.objects.create(
        channel=channel,
        external_id=f"c{n}",
        author="someone",
        text="hello",
        language="fr",
        posted_at=received_at,
        received_at=received_at,
        policy_version=1,
        first_response_due_at=received_at + datetime.timedelta(hours=1),
    )


def health_of(channel):
    (result,) = health.channels_health(Channel.objects.filter(pk=channel.pk), now=NOW)
    return result


def test_a_polling_channel_goes_from_waiting_to_ok_to_silent(fake_platform, settings):
    settings.CONNECTOR_SILENT_POLLS = 5
    channel = make_channel("blue")
    assert health_of(channel).state == "waiting"  # no state row at all
    state = ChannelState.objects.create(channel=channel, poll_due_at=NOW)
    assert health_of(channel).state == "waiting"
    assert health_of(channel).next_poll_at == NOW

    state.last_poll_at = state.last_success_at = NOW - 2 * MINUTE
    state.save()
    result = health_of(channel)
    assert result.state == "ok"
    assert result.label == "Healthy"
    assert result.last_success_at == NOW - 2 * MINUTE

    # 5 polls of 30 s: silent after 150 s without a successful poll, not at it.
    state.last_success_at = NOW - datetime.timedelta(seconds=150)
    state.save()
    assert health_of(channel).state == "ok"
    state.last_success_at = NOW - datetime.timedelta(seconds=151)
    state.save()
    assert health_of(channel).state == "silent"


def test_a_channel_never_polled_long_after_its_due_time_is_silent(fake_platform):
    channel = make_channel("blue")
    ChannelState.objects.create(channel=channel, poll_due_at=NOW - 3 * MINUTE)
    assert health_of(channel).state == "silent"


def test_an_error_after_the_last_success_is_shown_generic_and_translated(
    fake_platform,
):
    channel = make_channel("blue")
    ChannelState.objects.create(
        channel=channel,
        last_poll_at=NOW - MINUTE,
        last_success_at=NOW - 2 * MINUTE,
        last_error=outbound.UNREACHABLE,
        last_error_at=NOW - MINUTE,
        failures=1,
    )
    result = health_of(channel)
    assert result.state == "error"
    assert result.last_error == "The receiver could not be reached."
    with translation.override("fr"):
        assert health_of(channel).last_error == "Le destinataire n’a pas pu être joint."

    # A success since: healthy again, the old error still listed with its time.
    ChannelState.objects.filter(pk=channel.pk).update(last_success_at=NOW)
    assert health_of(channel).state == "ok"


def test_a_push_channel_reports_deliveries_and_never_a_next_poll(channel):
    assert health_of(channel).state == "push"
    ChannelState.objects.create(
        channel=channel, last_delivery_at=NOW - MINUTE, poll_due_at=NOW
    )
    result = health_of(channel)
    assert (result.state, result.last_success_at) == ("push", NOW - MINUTE)
    assert result.next_poll_at is None


def test_an_inactive_channel_and_an_uninstalled_connector(fake_platform):
    assert health_of(make_channel("off", active=False)).state == "inactive"
    gone = make_channel("gone", connector="fake-test")
    fake_platform_name = gone.connector
    from moderation import registry

    registry.unregister(fake_platform_name)
    result = health_of(gone)
    assert result.state == "error"
    assert result.last_error == "This channel's connector is not installed."


def test_lag_volume_and_rate_limit(fake_platform):
    channel = make_channel("blue")
    other = make_channel("other")
    ChannelState.objects.create(
        channel=channel,
        last_success_at=NOW,
        last_poll_at=NOW,
        newest_item_at=NOW - 7 * MINUTE,
        rate_limit={
            "limit": 3000,
            "remaining": 0,
            "reset_at": "2026-03-02T10:05:00+00:00",
        },
    )
    make_comment(channel, 1, NOW - 59 * MINUTE)
    make_comment(channel, 2, NOW - MINUTE)
    make_comment(channel, 3, NOW - 61 * MINUTE)  # over an hour ago
    make_comment(other, 4, NOW - MINUTE)
    result = health_of(channel)
    assert result.lag == 7 * MINUTE
    assert result.items_last_hour == 2
    assert result.rate_limit.exhausted
    assert result.as_json() == {
        "state": "ok",
        "last_success_at": NOW.isoformat(),
        "last_error": "",
        "last_error_at": None,
        "lag_seconds": 420,
        "next_poll_at": None,
        "items_last_hour": 2,
        "rate_limit": {
            "limit": 3000,
            "remaining": 0,
            "reset_at": "2026-03-02T10:05:00+00:00",
        },
    }


@pytest.mark.parametrize(
    "stored",
    [
        {"limit": "lots", "remaining": True, "reset_at": "9999-99-99"},
        {"reset_at": 12},
        [],
        {},
    ],
)
def test_a_garbled_rate_limit_is_left_out(fake_platform, stored):
    channel = make_channel("blue")
    ChannelState.objects.create(channel=channel, rate_limit=stored)
    assert health_of(channel).rate_limit is None


def test_a_newest_item_in_the_future_is_no_negative_lag(fake_platform):
    channel = make_channel("blue")
    ChannelState.objects.create(
        channel=channel,
        newest_item_at=datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
        rate_limit={"reset_at": "9999-12-31T23:59:59"},
    )
    result = health_of(channel)
    assert result.lag == datetime.timedelta(0)
    assert result.rate_limit is None  # a reset in year 9999 is no information


def test_a_reset_in_year_9999_does_not_break_the_channels_page(
    fake_platform, client, manager, settings
):
    # East of UTC, 9999-12-31 23:59 would overflow the year when shown.
    settings.TIME_ZONE = "Asia/Tokyo"
    channel = make_channel("blue")
    ChannelState.objects.create(
        channel=channel,
        rate_limit={"limit": 10, "remaining": 0, "reset_at": "9999-12-31T23:59:59Z"},
    )
    client.force_login(manager)
    page = client.get("/channels/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "0 of 10 left" in page.content.decode()


def test_the_health_of_any_number_of_channels_costs_two_queries(fake_platform):
    def queries(count):
        for n in range(count):
            channel = make_channel(f"c{count}-{n}")
            ChannelState.objects.create(channel=channel, last_success_at=NOW)
            make_comment(channel, n, NOW - MINUTE)
        with CaptureQueriesContext(connection) as captured:
            results = health.channels_health(Channel.objects.all(), now=NOW)
        assert all(
            r.items_last_hour == 1
            for r in results
            if r.channel.slug.startswith(f"c{count}-")
        )
        return len(captured)

    assert queries(2) == queries(12) == 2


def test_the_summary_names_silent_and_failing_channels(fake_platform):
    ok = make_channel("ok")
    silent = make_channel("silent")
    failing = make_channel("failing")
    ChannelState.objects.create(channel=ok, last_success_at=NOW)
    ChannelState.objects.create(channel=silent, last_success_at=NOW - 60 * MINUTE)
    ChannelState.objects.create(
        channel=failing, last_error="x", last_error_at=NOW - MINUTE
    )
    summary = health.health_summary(
        health.channels_health(Channel.objects.order_by("slug"), now=NOW)
    )
    assert summary == {"ok": False, "silent": ["silent"], "failing": ["failing"]}
