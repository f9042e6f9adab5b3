"""A platform connector for the pages' tests: the platform is a test double.

The real connectors are tested against their platforms elsewhere; here the
pages, forms and database are real and only the platform's answers are made
up. The token typed decides what the platform says.
"""

import datetime

from django import forms

from moderation import registry
from moderation.registry import Ability

# A detail that must never reach a page, a message or a command's output.
SECRET_DETAIL = "token s3cr3t refused by 10.0.0.7"


class FakeCredentials(forms.Form):
    token = forms.CharField(label="Access token", max_length=200)


class FakePlatform(registry.Connector):
    """Polls, fetches threads and replies; cannot hide (says so)."""

    name = "fake-test"
    label = "Fake platform"
    abilities = frozenset({Ability.RECEIVE_POLL, Ability.FETCH_THREAD, Ability.REPLY})
    credentials_form = FakeCredentials
    hide_note = "The fake platform lets you mute the author instead."
    checked = []
    # What the next poll reads.
    items = []

    def check(self, channel):
        token = channel.get_credentials().get("token")
        self.checked.append(token)
        if token == "revoked":
            raise registry.AuthFailed(SECRET_DETAIL)
        if token == "down":
            raise registry.ConnectorError(SECRET_DETAIL)
        if token == "bug":
            raise RuntimeError(SECRET_DETAIL)
        return registry.Account(
            handle="org.example", name="<b>The Org</b>", url="https://fake.example/org"
        )

    def poll(self, channel, cursor):
        token = channel.get_credentials().get("token")
        if token == "revoked":
            raise registry.AuthFailed(SECRET_DETAIL)
        return registry.Batch(items=list(self.items), cursor=cursor + "+")

    def thread(self, channel, comment):
        return []

    def reply(self, channel, comment, body):
        return registry.Delivered(external_id="r1", url="https://fake.example/r1")


class FakeWebhookPlatform(registry.Connector):
    """Receives pushes only, needs no credentials, and has an OAuth step."""

    name = "fake-push-test"
    label = "Fake pushing platform"
    abilities = frozenset({Ability.RECEIVE_PUSH})
    sign_in_url_name = "connectors:channel-edit"


def fake_time():
    return datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
