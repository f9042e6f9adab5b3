"""Signing a Mastodon channel in by OAuth, round trip against mastodon-mock:
the app registered on the instance, the manager given a link to its
authorisation page, the code exchanged on the callback, the state checked."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from connectors.mastodon import client as api
from moderation import registry
from moderation.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsigned(mastodon_channel, mastodon):
    """The Mastodon channel with its instance only, no token."""
    mastodon_channel.set_credentials({"instance_url": mastodon.base_url})
    mastodon_channel.save()
    return mastodon_channel


CONTINUE = re.compile(r'<a class="button" id="mastodon-continue" href="([^"]+)"')


def continue_link(answer):
    """Return the address of the page's *Continue to your instance* link."""
    [href] = CONTINUE.findall(answer.content.decode())
    return html.unescape(href)


def start(client, channel, instance):
    """Post the sign-in form; return the query of the authorisation URL."""
    answer = client.post(
        reverse("mastodon:sign-in", args=[channel.pk]), {"instance_url": instance}
    )
    # A page with a link, not a redirect: the Content-Security-Policy's
    # form-action would stop a redirect to an instance it cannot name.
    assert answer.status_code == 200, answer.content
    assert "Location" not in answer
    assert "form-action 'self'" in answer["Content-Security-Policy"]
    assert "no-store" in answer["Cache-Control"]
    target = urlsplit(continue_link(answer))
    assert f"{target.scheme}://{target.netloc}" == instance
    assert target.path == "/oauth/authorize"
    return {key: values[0] for key, values in parse_qs(target.query).items()}


def consent(instance, query, username="alice"):
    """Do what the manager does on the instance's page: pick the account and
    allow; return the callback address the instance redirects to."""
    answer = requests.post(
        instance + "/oauth/authorize",
        data={
            "username": username,
            "redirect_uri": query["redirect_uri"],
            "client_id": query["client_id"],
            "scope": query["scope"],
            "state": query["state"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.usefixtures("english")
def test_the_oauth_round_trip_stores_a_working_token(
    client, manager, unsigned, mastodon
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("mastodon:sign-in", args=[unsigned.pk]))
    assert page.status_code == 200
    assert "Not signed in yet." in page.content.decode()
    query = start(client, unsigned, mastodon.base_url)
    assert query["scope"] == " ".join(api.SCOPES)
    assert query["redirect_uri"].endswith(
        reverse("mastodon:callback", args=[unsigned.pk])
    )
    stored = Channel.objects.get(pk=unsigned.pk).get_credentials()
    assert stored["oauth"]["client_id"] == query["client_id"]
    assert stored["oauth"]["client_secret"]
    assert (
        stored["oauth"]["client_secret"]
        not in Channel.objects.get(pk=unsigned.pk).credentials_encrypted
    )

    callback = consent(mastodon.base_url, query)
    answer = client.get(path_of(callback))
    assert answer.status_code == 302
    channel = Channel.objects.get(pk=unsigned.pk)
    credentials = channel.get_credentials()
    assert credentials["acct"] == "alice"
    assert credentials["access_token"]
    assert registry.get("mastodon").check(channel).handle == "alice"
    page = client.get(answer["Location"])
    html = page.content.decode()
    assert "Signed in as @alice" in html
    assert credentials["access_token"] not in html
    assert credentials["oauth"]["client_secret"] not in html


def test_a_second_sign_in_reuses_the_registered_app(
    client, manager, unsigned, mastodon
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = start(client, unsigned, mastodon.base_url)
    second = start(client, unsigned, mastodon.base_url)
    assert first["client_id"] == second["client_id"]
    assert first["state"] != second["state"]


@pytest.mark.usefixtures("english")
def test_a_forged_state_is_refused_and_changes_nothing(
    client, manager, mastodon_channel, mastodon
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = mastodon_channel.get_credentials()["access_token"]
    query = start(client, mastodon_channel, mastodon.base_url)
    callback = consent(mastodon.base_url, {**query, "state": "forged"}, "bob")
    answer = client.get(path_of(callback))
    assert answer.status_code == 400
    assert "not valid or has expired" in answer.content.decode()
    after = Channel.objects.get(pk=mastodon_channel.pk).get_credentials()
    assert after["access_token"] == before
    assert after["acct"] == "alice"
    # The genuine state was used up by the refused attempt.
    genuine = consent(mastodon.base_url, query, "bob")
    assert client.get(path_of(genuine)).status_code == 400


def test_a_callback_from_another_session_is_refused(
    client, manager, unsigned, mastodon, personas
):
    from django.test import Client

    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = start(client, unsigned, mastodon.base_url)
    callback = consent(mastodon.base_url, query)
    other = Client()
    other.force_login(manager)
    assert other.get(path_of(callback)).status_code == 400
    assert "access_token" not in Channel.objects.get(pk=unsigned.pk).get_credentials()


@pytest.mark.usefixtures("english")
def test_a_refused_code_says_so(client, manager, unsigned, mastodon):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = start(client, unsigned, mastodon.base_url)
    url = reverse("mastodon:callback", args=[unsigned.pk])
    answer = client.get(url, {"code": "not-a-code", "state": query["state"]})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "refused the sign-in" in page.content.decode()
    assert "access_token" not in Channel.objects.get(pk=unsigned.pk).get_credentials()


@pytest.mark.usefixtures("english")
def test_a_denied_consent_says_so(client, manager, unsigned, mastodon):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = start(client, unsigned, mastodon.base_url)
    url = reverse("mastodon:callback", args=[unsigned.pk])
    answer = client.get(url, {"error": "access_denied", "state": query["state"]})
    page = client.get(answer["Location"])
    assert "did not grant access" in page.content.decode()


def test_only_managers_sign_channels_in(client, personas, unsigned, mastodon):
    url = reverse("mastodon:sign-in", args=[unsigned.pk])
    for name in ("responder", "approver", "counsel", "outsider"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 403
        assert client.post(url, {"instance_url": mastodon.base_url}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert "oauth" not in Channel.objects.get(pk=unsigned.pk).get_credentials()


def test_another_connector_s_channel_is_not_found(client, manager, channel):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("mastodon:sign-in", args=[channel.pk])).status_code == 404


@pytest.mark.usefixtures("english")
def test_an_unreachable_instance_is_a_form_error(client, manager, unsigned):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post(
        reverse("mastodon:sign-in", args=[unsigned.pk]),
        {"instance_url": "http://127.0.0.1:9"},
    )
    assert answer.status_code == 400
    assert "did not register the application" in answer.content.decode()


@pytest.mark.usefixtures("english")
def test_an_invalid_address_is_a_form_error(client, manager, unsigned):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for value in ("javascript:alert(1)", "https://user:pw@example.com", ""):
        answer = client.post(
            reverse("mastodon:sign-in", args=[unsigned.pk]), {"instance_url": value}
        )
        assert answer.status_code == 400
    assert "oauth" not in Channel.objects.get(pk=unsigned.pk).get_credentials()


@pytest.mark.usefixtures("english")
def test_an_instance_that_refuses_the_app_is_a_form_error(
    client, manager, unsigned, recorded
):
    recorded.routes[("POST", "/api/v1/apps")] = (
        422,
        {"error": "Validation failed: Redirect URI must be an absolute URI."},
        {},
    )
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post(
        reverse("mastodon:sign-in", args=[unsigned.pk]),
        {"instance_url": recorded.base_url},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "did not register the application" in html
    assert "Redirect URI" not in html
    assert "oauth" not in Channel.objects.get(pk=unsigned.pk).get_credentials()


@pytest.mark.usefixtures("english")
def test_the_continue_page_names_the_instance_and_links_to_it(
    client, manager, unsigned, mastodon
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post(
        reverse("mastodon:sign-in", args=[unsigned.pk]),
        {"instance_url": mastodon.base_url + "/@alice"},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    host = urlsplit(mastodon.base_url).netloc
    assert f"Continue to your instance ({host})" in page
    link = urlsplit(continue_link(answer))
    # Built from the address typed (its scheme and host only), never from
    # what the instance advertises.
    assert f"{link.scheme}://{link.netloc}" == mastodon.base_url
    assert link.path == "/oauth/authorize"
    state = parse_qs(link.query)["state"][0]
    assert client.session["mastodon_oauth"] == {"state": state, "channel": unsigned.pk}


def test_the_continue_page_is_in_french(client, manager, unsigned, mastodon):
    client.force_login(manager)
    answer = client.post(
        reverse("mastodon:sign-in", args=[unsigned.pk]),
        {"instance_url": mastodon.base_url},
    )
    host = urlsplit(mastodon.base_url).netloc
    assert f"Continuer vers votre instance ({host})" in answer.content.decode()


@pytest.mark.usefixtures("english")
def test_an_internal_address_is_refused_before_any_link(
    client, manager, unsigned, mastodon, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for value in (mastodon.base_url, "http://localhost:3000", "http://[::1]/"):
        answer = client.post(
            reverse("mastodon:sign-in", args=[unsigned.pk]), {"instance_url": value}
        )
        assert answer.status_code == 400, value
        page = answer.content.decode()
        assert "private, local or reserved" in page
        assert "mastodon-continue" not in page
    assert "mastodon_oauth" not in client.session
    assert "oauth" not in Channel.objects.get(pk=unsigned.pk).get_credentials()
