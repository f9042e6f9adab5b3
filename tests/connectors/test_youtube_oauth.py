"""Signing a YouTube channel in with Google, against Google's OAuth 2.0 on
loopback: the consent address (offline access, PKCE, the one scope), the code
exchanged with its verifier, the channel found, the state checked, and who
may do it."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from connectors.youtube import client as api
from moderation.models import Channel
from staffing.models import BusinessCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def unsigned(framework, youtube):
    return Channel.objects.create(
        slug="youtube-main",
        platform="youtube",
        handle="@villemtl",
        languages=["fr"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="youtube",
    )


@pytest.fixture
def manager_client(client, personas):
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def start(client, channel, youtube):
    answer = client.post(reverse("youtube:sign-in", args=[channel.pk]))
    assert answer.status_code == 302, answer.content
    target = urlsplit(answer["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        youtube.base_url + "/o/oauth2/auth"
    )
    return {key: values[0] for key, values in parse_qs(target.query).items()}


def consent(youtube, query, channel_id="UCorg", decision="allow"):
    """What the manager does on Google's page; return the callback path."""
    answer = requests.post(
        youtube.base_url + "/o/oauth2/auth/approve",
        data={**query, "channel": channel_id, "decision": decision},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    parts = urlsplit(answer.headers["Location"])
    return f"{parts.path}?{parts.query}"


def test_the_round_trip_stores_a_refresh_token_and_the_channel(
    manager_client, unsigned, youtube
):
    page = manager_client.get(reverse("youtube:sign-in", args=[unsigned.pk]))
    assert "Not signed in yet." in page.content.decode()
    assert youtube.base_url in page["Content-Security-Policy"]
    query = start(manager_client, unsigned, youtube)
    assert query["scope"] == " ".join(api.SCOPES)
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["code_challenge_method"] == "S256"
    assert query["client_id"] == youtube.client_id
    assert query["redirect_uri"] == "http://testserver/channels/youtube/callback/"
    answer = manager_client.get(consent(youtube, query))
    assert answer.status_code == 302
    stored = Channel.objects.get(pk=unsigned.pk).get_credentials()
    assert stored["channel_id"] == "UCorg"
    assert stored["channel_title"] == "Ville de Montréal"
    assert stored["refresh_token"] in youtube.refresh_tokens
    assert stored["access_token"] in youtube.tokens
    page = manager_client.get(answer["Location"]).content.decode()
    assert "Signed in as the YouTube channel Ville de Montréal" in page
    # The token is never shown.
    assert stored["refresh_token"] not in page


def test_a_forged_or_replayed_state_changes_nothing(manager_client, unsigned, youtube):
    query = start(manager_client, unsigned, youtube)
    callback = consent(youtube, {**query, "state": "forged"})
    answer = manager_client.get(callback)
    assert answer.status_code == 400
    assert Channel.objects.get(pk=unsigned.pk).get_credentials() == {}
    # The real state was used up by the forged attempt: start again.
    callback = consent(youtube, query)
    assert manager_client.get(callback).status_code == 400
    assert Channel.objects.get(pk=unsigned.pk).get_credentials() == {}


def test_a_callback_for_a_channel_of_another_connector_changes_nothing(
    manager_client, unsigned, channel, youtube
):
    query = start(manager_client, unsigned, youtube)
    session = manager_client.session
    session["youtube_oauth"]["channel"] = channel.pk
    session.save()
    assert manager_client.get(consent(youtube, query)).status_code == 404
    assert Channel.objects.get(pk=channel.pk).get_credentials() == {}


def test_a_refused_consent_or_a_bad_verifier_stores_nothing(
    manager_client, unsigned, youtube
):
    query = start(manager_client, unsigned, youtube)
    answer = manager_client.get(consent(youtube, query, decision="deny"))
    assert answer.status_code == 302
    messages = manager_client.get(answer["Location"]).content.decode()
    assert "Google did not grant access." in messages

    query = start(manager_client, unsigned, youtube)
    session = manager_client.session
    session["youtube_oauth"]["verifier"] = "not-the-verifier-" + "x" * 40
    session.save()
    answer = manager_client.get(consent(youtube, query))
    messages = manager_client.get(answer["Location"]).content.decode()
    assert "Google refused the sign-in: start it again." in messages
    assert Channel.objects.get(pk=unsigned.pk).get_credentials() == {}


def test_without_an_oauth_client_the_page_says_what_to_set(
    manager_client, unsigned, youtube, settings
):
    settings.YOUTUBE_CLIENT_ID = ""
    answer = manager_client.post(reverse("youtube:sign-in", args=[unsigned.pk]))
    assert answer.status_code == 400
    assert "YOUTUBE_CLIENT_ID" in answer.content.decode()


@pytest.mark.parametrize("persona", ["responder", "approver", "api_reader", "outsider"])
def test_only_managers_sign_channels_in(client, personas, unsigned, youtube, persona):
    client.force_login(personas[persona])
    page = client.get(reverse("youtube:sign-in", args=[unsigned.pk]))
    assert page.status_code == 403
    assert (
        client.post(reverse("youtube:sign-in", args=[unsigned.pk])).status_code == 403
    )
    assert (
        client.get(reverse("youtube:callback") + "?state=x&code=y").status_code == 403
    )


def test_another_connectors_channel_is_not_found(manager_client, channel, youtube):
    assert (
        manager_client.get(reverse("youtube:sign-in", args=[channel.pk])).status_code
        == 404
    )
