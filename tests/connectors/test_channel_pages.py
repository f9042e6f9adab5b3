"""The Channels page and Connect a channel, for managers."""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models import Channel, ChannelState
from staffing.models import BusinessCalendar
from tests.fakes import SECRET_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONNECT = "/channels/connect/"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def calendar():
    return BusinessCalendar.objects.get(slug="24-7")


def make_channel(slug, **extra):
    return Channel.objects.create(
        slug=slug,
        platform="bluesky",
        calendar=calendar(),
        **{"handle": slug, "connector": "fake-test", **extra},
    )


def form_data(**extra):
    return {
        "connector": "fake-test",
        "slug": "bluesky-main",
        "platform": "bluesky",
        "handle": "org.example",
        "languages": ["fr", "en"],
        "calendar": str(calendar().pk),
        "poll_interval": "20",
        "active": "on",
        "credentials-token": "good",
        "action": "save",
        **extra,
    }


def test_the_channels_page_shows_each_channels_health(manager_client, fake_platform):
    now = timezone.now()
    failing = make_channel("failing", handle="<script>alert(1)</script>")
    ChannelState.objects.create(
        channel=failing,
        last_error="The receiver could not be reached.",
        last_error_at=now,
        rate_limit={"limit": 3000, "remaining": 0, "reset_at": now.isoformat()},
    )
    healthy = make_channel("healthy")
    ChannelState.objects.create(
        channel=healthy,
        last_success_at=now,
        last_poll_at=now,
        newest_item_at=now - datetime.timedelta(minutes=7),
        poll_due_at=now + datetime.timedelta(seconds=30),
    )
    page = manager_client.get("/channels/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="badge health health-error">In error<' in html
    assert 'class="badge health health-ok">Healthy<' in html
    assert "The receiver could not be reached." in html
    assert "0 of 3000 left" in html
    assert "7 min" in html
    assert "Fake platform" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert reverse("connectors:channel-edit", args=[failing.pk]) in html
    assert f'href="{CONNECT}"' in html
    # The menu leads managers there.
    assert '<a href="/channels/" aria-current="page">Channels</a>' in html


def test_the_channels_page_costs_the_same_for_any_number_of_channels(
    manager_client, fake_platform
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get("/channels/").status_code == 200
        return len(captured)

    make_channel("c0")
    few = queries()
    for n in range(1, 15):
        channel = make_channel(f"c{n}", connector="outbox" if n % 2 else "fake-test")
        ChannelState.objects.create(channel=channel, last_success_at=timezone.now())
    assert queries() == few


def test_the_first_step_lists_the_connectors_and_their_abilities(
    manager_client, fake_platform
):
    html = manager_client.get(CONNECT).content.decode()
    assert "Fake platform" in html and "Signed webhook" in html
    assert "Fetch new comments on a schedule" in html
    assert "Publish an answer" in html
    assert "The fake platform lets you mute the author instead." in html
    assert 'href="?connector=fake-test"' in html

    unknown = manager_client.get(CONNECT + "?connector=<b>nope</b>")
    assert unknown.status_code == 400
    assert "Choose one of the connectors below." in unknown.content.decode()
    assert "<b>nope</b>" not in unknown.content.decode()


def test_the_form_shows_the_connectors_fields_only(manager_client, fake_platform):
    html = manager_client.get(CONNECT + "?connector=fake-test").content.decode()
    assert 'name="poll_interval"' in html
    assert 'name="publish_url"' not in html
    assert 'name="credentials-token"' in html
    assert 'type="password"' in html
    assert "Test the connection" in html

    webhook = manager_client.get(CONNECT + "?connector=webhook").content.decode()
    assert 'name="publish_url"' in webhook
    assert 'name="poll_interval"' not in webhook
    assert "Test the connection" not in webhook


def test_saving_stores_the_channel_its_credentials_and_its_first_poll(
    manager_client, fake_platform
):
    before = timezone.now()
    response = manager_client.post(CONNECT, form_data())
    assert response.status_code == 302
    assert response["Location"] == "/channels/"
    channel = Channel.objects.get(slug="bluesky-main")
    assert channel.connector == "fake-test"
    assert channel.languages == ["fr", "en"]
    assert channel.poll_interval == 20
    assert channel.get_credentials() == {"token": "good"}
    assert "good" not in channel.credentials_encrypted
    assert channel.state.poll_due_at >= before


def test_a_connector_that_does_not_poll_gets_no_due_poll(manager_client, fake_platform):
    data = form_data(connector="fake-push-test", slug="pushed")
    response = manager_client.post(CONNECT, data)
    channel = Channel.objects.get(slug="pushed")
    assert channel.state.poll_due_at is None
    assert channel.poll_interval is None  # not its field
    # It signs in by OAuth once saved: the edit page offers it.
    assert response["Location"] == reverse("connectors:channel-edit", args=[channel.pk])
    page = manager_client.get(response["Location"]).content.decode()
    assert "Sign in on the platform" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "not a slug!"}, "slug", "Enter a valid “slug”"),
        ({"poll_interval": "4"}, "poll_interval", "greater than or equal to 5"),
        ({"poll_interval": "3601"}, "poll_interval", "less than or equal to 3600"),
        ({"poll_interval": "x"}, "poll_interval", "Enter a whole number."),
        ({"calendar": "999999"}, "calendar", "Select a valid choice."),
        ({"platform": "myspace"}, "platform", "Select a valid choice."),
        ({"languages": ["xx"]}, "languages", "Select a valid choice."),
        ({"credentials-token": ""}, "token", "This field is required."),
        ({"credentials-token": "x" * 201}, "token", "at most 200 characters"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_written(
    manager_client, fake_platform, changes, field, message
):
    response = manager_client.post(CONNECT, form_data(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not Channel.objects.exists()
    assert not ChannelState.objects.exists()
    # Never echoed back: the secret typed is not in the page.
    assert 'value="good"' not in html


def test_a_taken_slug_is_refused(manager_client, fake_platform):
    make_channel("bluesky-main")
    response = manager_client.post(CONNECT, form_data())
    assert response.status_code == 400
    assert "Channel with this Slug already exists." in response.content.decode()


def test_testing_the_connection_shows_the_account_and_saves_nothing(
    manager_client, fake_platform
):
    response = manager_client.post(CONNECT, form_data(action="test"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Signed in as org.example (&lt;b&gt;The Org&lt;/b&gt;)." in html
    assert fake_platform.checked == ["good"]
    assert not Channel.objects.exists()
    assert 'value="good"' not in html


@pytest.mark.parametrize(
    ("token", "public"),
    [
        ("revoked", "The platform refused the channel&#x27;s credentials."),
        ("down", "The receiver could not be reached."),
        ("bug", "The receiver could not be reached."),
    ],
)
def test_a_failed_test_shows_the_generic_error_and_logs_the_detail(
    manager_client, fake_platform, caplog, token, public
):
    with caplog.at_level(logging.WARNING, logger="connectors.services"):
        response = manager_client.post(
            CONNECT, form_data(action="test", **{"credentials-token": token})
        )
    html = response.content.decode()
    assert public in html
    assert SECRET_DETAIL not in html
    assert SECRET_DETAIL in caplog.text or token == "bug"
    assert "connection-check" in html and 'role="alert"' in html
    assert not Channel.objects.exists()


def test_editing_keeps_the_stored_credentials_when_left_empty(
    manager_client, fake_platform
):
    channel = make_channel("blue", poll_interval=30)
    channel.set_credentials({"token": "good"})
    channel.save()
    set_at = channel.credentials_set_at
    url = reverse("connectors:channel-edit", args=[channel.pk])
    page = manager_client.get(url).content.decode()
    assert "Leave these fields empty to keep them." in page
    assert "good" not in page

    tested = manager_client.post(
        url, form_data(action="test", **{"credentials-token": ""})
    )
    assert "Signed in as org.example" in tested.content.decode()
    assert fake_platform.checked == ["good"]

    response = manager_client.post(
        url, form_data(slug="renamed", poll_interval="", **{"credentials-token": ""})
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.slug == "blue"  # not editable: the webhook's address holds it
    assert channel.poll_interval is None
    assert channel.get_credentials() == {"token": "good"}
    assert channel.credentials_set_at == set_at

    manager_client.post(url, form_data(**{"credentials-token": "newer"}))
    channel.refresh_from_db()
    assert channel.get_credentials() == {"token": "newer"}


def test_switching_connector_asks_for_its_own_credentials(
    manager_client, fake_platform
):
    channel = make_channel("blue", connector="outbox")
    url = reverse("connectors:channel-edit", args=[channel.pk])
    pick = manager_client.get(url + "?pick").content.decode()
    assert 'href="?connector=fake-test"' in pick
    response = manager_client.post(url, form_data(**{"credentials-token": ""}))
    assert response.status_code == 400
    channel.refresh_from_db()
    assert channel.connector == "outbox"
    response = manager_client.post(url, form_data())
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.connector == "fake-test"
    assert channel.state.poll_due_at is not None


def test_others_get_403_and_change_nothing(client, personas, fake_platform):
    channel = make_channel("blue")
    for persona in ("approver", "responder", "counsel", "api_reader", "outsider"):
        client.force_login(personas[persona])
        assert client.get("/channels/").status_code == 403
        assert client.get(CONNECT).status_code == 403
        assert client.post(CONNECT, form_data()).status_code == 403
        edit = reverse("connectors:channel-edit", args=[channel.pk])
        assert client.post(edit, form_data(action="test")).status_code == 403
    assert fake_platform.checked == []
    assert Channel.objects.count() == 1


def test_an_unknown_channel_is_404(manager_client):
    assert manager_client.get("/channels/999999/edit/").status_code == 404
