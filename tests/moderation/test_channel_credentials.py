"""A channel's credentials: encrypted at rest, write-only in the admin and API."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from core import encryption
from moderation.models import Channel

SECRET = "app-pw-5up3r-s3cr3t"


def _raw_column(channel):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials_encrypted FROM moderation_channel WHERE id = %s",
            [channel.pk],
        )
        return cursor.fetchone()[0]


def test_credentials_are_stored_encrypted_and_read_back(channel):
    assert channel.get_credentials() == {}
    assert channel.credentials_set_at is None
    channel.set_credentials({"app_password": SECRET})
    channel.save()
    raw = _raw_column(channel)
    assert raw and SECRET not in raw and "app_password" not in raw
    channel = Channel.objects.get(pk=channel.pk)
    assert channel.get_credentials() == {"app_password": SECRET}
    assert channel.credentials_set_at is not None
    assert SECRET not in str(channel) and SECRET not in repr(channel)


def test_the_webhook_secret_is_stored_encrypted_and_generated_once(channel):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_secret_encrypted FROM moderation_channel WHERE id = %s",
            [channel.pk],
        )
        raw = cursor.fetchone()[0]
    secret = channel.webhook_secret
    assert len(secret) > 30 and secret not in raw
    channel.handle = "renamed"
    channel.save(update_fields=["handle"])
    assert Channel.objects.get(pk=channel.pk).webhook_secret == secret


def test_the_admin_shows_the_webhook_secret_and_makes_a_new_one_on_request(
    staff_client, channel
):
    url = f"/admin/moderation/channel/{channel.pk}/change/"
    secret = channel.webhook_secret
    assert secret in staff_client.get(url).content.decode()

    staff_client.post(url, _admin_form(channel))
    assert Channel.objects.get(pk=channel.pk).webhook_secret == secret

    staff_client.post(url, _admin_form(channel, new_webhook_secret="on"))
    renewed = Channel.objects.get(pk=channel.pk).webhook_secret
    assert renewed != secret and len(renewed) > 30


def test_credentials_no_key_can_read_are_a_clear_error(channel, settings):
    channel.set_credentials({"app_password": SECRET})
    channel.save()
    settings.CONNECTOR_KEYS = [Fernet.generate_key().decode()]
    channel = Channel.objects.get(pk=channel.pk)
    with pytest.raises(encryption.UnreadableSecret, match="CONNECTOR_KEYS"):
        channel.get_credentials()


def test_rotation_re_encrypts_with_the_first_key_and_counts(channel, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CONNECTOR_KEYS = [old]
    channel.set_credentials({"token": SECRET})
    channel.webhook_secret = "hook-secret"
    channel.save()
    other = Channel.objects.create(
        slug="no-credentials", platform="x", handle="org", calendar=channel.calendar
    )
    settings.CONNECTOR_KEYS = [new, old]
    out = _rotate()
    assert "Re-encrypted the secrets of 2 channel(s)." in out
    # Again: nothing breaks, the same count.
    assert "of 2 channel(s)." in _rotate()
    settings.CONNECTOR_KEYS = [new]
    channel = Channel.objects.get(pk=channel.pk)
    assert channel.get_credentials() == {"token": SECRET}
    assert channel.webhook_secret == "hook-secret"
    assert len(Channel.objects.get(pk=other.pk).webhook_secret) > 30


def test_rotation_fails_with_one_line_and_writes_nothing(channel, settings):
    channel.set_credentials({"token": SECRET})
    channel.save()
    before = _raw_column(channel)
    settings.CONNECTOR_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError) as error:
        _rotate()
    message = str(error.value)
    assert message.startswith("Channel facebook-main: ")
    assert "CONNECTOR_KEYS" in message and "\n" not in message
    assert _raw_column(channel) == before


def test_rotation_exits_non_zero_from_the_shell(channel, settings, capsys):
    channel.set_credentials({"token": SECRET})
    channel.save()
    settings.CONNECTOR_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(SystemExit) as exit_:
        call_command_from_argv("rotate_connector_keys")
    assert exit_.value.code == 1
    assert "cannot be decrypted" in capsys.readouterr().err


def call_command_from_argv(name):
    from django.core.management import ManagementUtility

    ManagementUtility(["manage.py", name]).execute()


def _rotate():
    from io import StringIO

    out = StringIO()
    call_command("rotate_connector_keys", stdout=out)
    return out.getvalue()


@pytest.fixture
def staff_client(client, admin_user, settings):
    client.force_login(admin_user)
    # Pages in English, for assertions on their words.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _admin_form(channel, **changes):
    data = {
        "slug": channel.slug,
        "platform": channel.platform,
        "handle": channel.handle,
        "languages": '["fr", "en"]',
        "calendar": channel.calendar_id,
        "sla_policy": "",
        "connector": channel.connector,
        "publish_url": "",
        "credentials": "",
        "active": "on",
    }
    return data | changes


def test_the_admin_replaces_credentials_only_when_filled(staff_client, channel):
    url = f"/admin/moderation/channel/{channel.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert "Not set" in page
    assert 'type="password"' in page
    filled = _admin_form(channel, credentials=f'{{"app_password": "{SECRET}"}}')
    assert staff_client.post(url, filled).status_code == 302
    channel.refresh_from_db()
    assert channel.get_credentials() == {"app_password": SECRET}
    set_at = channel.credentials_set_at
    page = staff_client.get(url).content.decode()
    assert "Set on " in page and SECRET not in page
    # Left blank, the password input keeps what is stored.
    assert staff_client.post(url, _admin_form(channel)).status_code == 302
    channel.refresh_from_db()
    assert channel.get_credentials() == {"app_password": SECRET}
    assert channel.credentials_set_at == set_at


def test_the_admin_refuses_credentials_that_are_not_a_json_object(
    staff_client, channel
):
    url = f"/admin/moderation/channel/{channel.pk}/change/"
    response = staff_client.post(url, _admin_form(channel, credentials=SECRET))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a JSON object." in page and SECRET not in page
    channel.refresh_from_db()
    assert channel.credentials_set_at is None


def test_the_admin_says_when_credentials_were_set(channel, english, settings):
    from moderation.admin import credentials_state

    settings.TIME_ZONE = "UTC"
    channel.credentials_set_at = datetime.datetime(
        2026, 3, 4, 5, 6, tzinfo=datetime.UTC
    )
    assert credentials_state(channel).startswith("Set on March 4, 2026")
    assert credentials_state(None) == "Not set"
    with translation.override("fr"):
        assert credentials_state(None) == "Non définis"
        assert credentials_state(channel).startswith("Définis le 4 mars 2026")


def test_the_api_takes_credentials_and_never_returns_them(
    api_client, personas, channel
):
    api_client.force_authenticate(personas["manager"])
    url = f"/api/v1/channels/{channel.slug}/"
    response = api_client.patch(
        url, {"credentials": {"access_token": SECRET}}, format="json"
    )
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    assert "credentials" not in response.json()
    assert response.json()["credentials_set_at"] is not None
    channel.refresh_from_db()
    assert channel.get_credentials() == {"access_token": SECRET}
    # Other changes keep them.
    assert api_client.patch(url, {"handle": "org2"}, format="json").status_code == 200
    channel.refresh_from_db()
    assert channel.get_credentials() == {"access_token": SECRET}
    for body in (
        api_client.get(url).content,
        api_client.get("/api/v1/channels/").content,
    ):
        assert SECRET.encode() not in body and b"access_token" not in body
    created = api_client.post(
        "/api/v1/channels/",
        {
            "slug": "bsky-main",
            "platform": "x",
            "handle": "org",
            "calendar": "24-7",
            "credentials": {"app_password": SECRET},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert SECRET not in created.content.decode()
    new = Channel.objects.get(slug="bsky-main")
    assert new.get_credentials() == {"app_password": SECRET}
    assert SECRET not in _raw_column(new)
    assert timezone.now() - new.credentials_set_at < datetime.timedelta(minutes=1)


def test_the_api_refuses_credentials_that_are_not_an_object(
    api_client, personas, channel
):
    api_client.force_authenticate(personas["manager"])
    url = f"/api/v1/channels/{channel.slug}/"
    for wrong in ("plain", {}, ["a"]):
        response = api_client.patch(url, {"credentials": wrong}, format="json")
        assert response.status_code == 400
        assert "credentials" in response.json()
    channel.refresh_from_db()
    assert channel.credentials_set_at is None


def test_responders_cannot_set_credentials(api_client, personas, channel):
    api_client.force_authenticate(personas["responder"])
    response = api_client.patch(
        f"/api/v1/channels/{channel.slug}/",
        {"credentials": {"token": SECRET}},
        format="json",
    )
    assert response.status_code == 403
    channel.refresh_from_db()
    assert channel.credentials_set_at is None
