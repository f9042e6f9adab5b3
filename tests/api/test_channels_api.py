"""The channels API shows each channel's health and takes its poll interval."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation.models import Channel, ChannelState
from staffing.models import BusinessCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def make_channel(slug, **extra):
    return Channel.objects.create(
        **{
            "slug": slug,
            "platform": "bluesky",
            "handle": slug,
            "calendar": BusinessCalendar.objects.get(slug="24-7"),
            "connector": "fake-test",
            **extra,
        }
    )


def test_the_health_is_read_only_and_tells_the_state(
    api_client, personas, fake_platform
):
    channel = make_channel("blue", poll_interval=10)
    now = timezone.now()
    ChannelState.objects.create(
        channel=channel,
        last_poll_at=now,
        last_success_at=now - datetime.timedelta(minutes=2),
        last_error="The receiver could not be reached.",
        last_error_at=now,
        poll_due_at=now + datetime.timedelta(seconds=10),
    )
    api_client.force_authenticate(personas["manager"])
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    body = api_client.get("/api/v1/channels/blue/").json()
    assert body["poll_interval"] == 10
    assert body["health"]["state"] == "error"
    assert body["health"]["last_error"] == "The receiver could not be reached."
    assert body["health"]["next_poll_at"] is not None

    changed = api_client.patch(
        "/api/v1/channels/blue/",
        {"health": {"state": "ok"}, "poll_interval": 3600},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["health"]["state"] == "error"
    channel.refresh_from_db()
    assert channel.poll_interval == 3600


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (4, "Ensure this value is greater than or equal to 5."),
        (3601, "Ensure this value is less than or equal to 3600."),
        ("x", "A valid integer is required."),
        (10**30, "Ensure this value is less than or equal to 3600."),
    ],
)
def test_a_bad_poll_interval_is_a_400_with_its_message(
    api_client, personas, fake_platform, value, message
):
    make_channel("blue", poll_interval=30)
    api_client.force_authenticate(personas["manager"])
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api_client.patch(
        "/api/v1/channels/blue/", {"poll_interval": value}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"poll_interval": [message]}
    assert Channel.objects.get(slug="blue").poll_interval == 30


def test_an_empty_poll_interval_means_the_default(api_client, personas, fake_platform):
    make_channel("blue", poll_interval=30)
    api_client.force_authenticate(personas["manager"])
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api_client.patch(
        "/api/v1/channels/blue/", {"poll_interval": None}, format="json"
    )
    assert response.status_code == 200
    assert Channel.objects.get(slug="blue").poll_interval is None


def test_listing_channels_costs_the_same_for_any_number(
    api_client, personas, fake_platform
):
    api_client.force_authenticate(personas["responder"])
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get("/api/v1/channels/")
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    make_channel("c0")
    few, shown = queries()
    for n in range(1, 11):
        channel = make_channel(f"c{n}")
        ChannelState.objects.create(channel=channel, last_success_at=timezone.now())
    many, shown_many = queries()
    assert (shown, shown_many) == (1, 11)
    assert few == many


def test_credentials_set_through_the_api_are_checked_as_the_connect_page_does(
    api_client, personas, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    channel = make_channel("sky", connector="bluesky")
    api_client.force_authenticate(personas["manager"])

    refused = api_client.patch(
        "/api/v1/channels/sky/",
        {
            "credentials": {
                "service": "http://169.254.169.254/",
                "handle": "org.example",
                "app_password": "abcd-efgh-ijkl-mnop",
            }
        },
        format="json",
    )

    assert refused.status_code == 400
    assert set(refused.json()["credentials"]) == {"service"}
    channel.refresh_from_db()
    assert channel.credentials_set_at is None

    missing = api_client.patch(
        "/api/v1/channels/sky/",
        {"credentials": {"service": "https://bsky.social"}},
        format="json",
    )
    assert missing.status_code == 400
    assert {"handle", "app_password"} <= set(missing.json()["credentials"])


def test_credentials_of_a_connector_without_a_form_are_kept_as_given(
    api_client, personas
):
    make_channel("outbox-one", connector="outbox")
    api_client.force_authenticate(personas["manager"])

    answer = api_client.patch(
        "/api/v1/channels/outbox-one/",
        {"credentials": {"token": "s3cr3t"}},
        format="json",
    )

    assert answer.status_code == 200
    assert Channel.objects.get(slug="outbox-one").get_credentials() == {
        "token": "s3cr3t"
    }
