"""connector_check and connector_poll: Test the connection, and poll, from a shell."""

import datetime
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from moderation import registry
from moderation.models import Channel, ChannelState, Comment
from staffing.models import BusinessCalendar
from tests.fakes import SECRET_DETAIL
from tests.processes import ROOT, process_env

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def blue(framework, fake_platform):
    channel = Channel.objects.create(
        slug="blue",
        platform="bluesky",
        handle="org.example",
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="fake-test",
    )
    channel.set_credentials({"token": "good"})
    channel.save()
    return channel


def set_token(channel, token):
    channel.set_credentials({"token": token})
    channel.save()


def test_check_prints_the_account_and_remembers_it(blue, capsys):
    call_command("connector_check", "blue")
    assert capsys.readouterr().out == "Signed in as org.example (<b>The Org</b>).\n"
    assert ChannelState.objects.get(pk=blue.pk).account == {
        "handle": "org.example",
        "name": "<b>The Org</b>",
        "url": "https://fake.example/org",
    }


@pytest.mark.parametrize(
    ("token", "line"),
    [
        ("revoked", "Channel blue: The platform refused the channel's credentials."),
        ("down", "Channel blue: The receiver could not be reached."),
        ("bug", "Channel blue: The receiver could not be reached."),
    ],
)
def test_check_fails_with_one_generic_line(blue, token, line):
    set_token(blue, token)
    with pytest.raises(CommandError) as error:
        call_command("connector_check", "blue")
    assert str(error.value) == line
    assert SECRET_DETAIL not in str(error.value)


def test_check_says_when_the_credentials_cannot_be_decrypted(blue, settings):
    settings.CONNECTOR_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="cannot be decrypted.*type them again"):
        call_command("connector_check", "blue")


def test_check_of_a_connector_without_an_account(channel):
    with pytest.raises(CommandError, match="no account to sign in to"):
        call_command("connector_check", channel.slug)


@pytest.mark.parametrize("command", ["connector_check", "connector_poll"])
def test_an_unknown_channel_is_one_line(db, command):
    with pytest.raises(CommandError) as error:
        call_command(command, "nowhere\nelse")
    assert str(error.value) == "Unknown channel 'nowhere\\nelse'."


def test_poll_reads_and_stores_once(blue, fake_platform, capsys):
    posted = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    fake_platform.items = [
        registry.Item(
            external_id=f"p{n}", author="someone", text="Bonjour", posted_at=posted
        )
        for n in range(3)
    ]
    call_command("connector_poll", "blue")
    assert capsys.readouterr().out == "Read 3 item(s), stored 3 new comment(s).\n"
    # Forced: polled again at once, although not due; nothing new stored.
    call_command("connector_poll", "blue")
    assert capsys.readouterr().out == "Read 3 item(s), stored 0 new comment(s).\n"
    assert Comment.objects.filter(channel=blue).count() == 3
    assert ChannelState.objects.get(pk=blue.pk).cursor == "++"


def test_poll_fails_with_one_generic_line_and_records_the_error(blue):
    set_token(blue, "revoked")
    with pytest.raises(CommandError) as error:
        call_command("connector_poll", "blue")
    assert str(error.value) == (
        "Channel blue: The platform refused the channel's credentials."
    )
    state = ChannelState.objects.get(pk=blue.pk)
    assert state.failures == 1 and state.last_error


def test_poll_refuses_a_channel_that_does_not_poll_or_is_off(channel):
    with pytest.raises(CommandError, match="does not fetch comments"):
        call_command("connector_poll", channel.slug)
    Channel.objects.filter(pk=channel.pk).update(active=False)
    with pytest.raises(CommandError, match="is switched off"):
        call_command("connector_poll", channel.slug)


def test_a_failing_command_exits_non_zero_with_one_line(db, tmp_path):
    # Through manage.py, as an operator runs it.
    result = subprocess.run(
        [sys.executable, "manage.py", "connector_poll", "nowhere"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=process_env(tmp_path),
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: Unknown channel 'nowhere'."
    ]
