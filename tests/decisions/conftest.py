"""Comments hidden through the real services, on a channel whose platform is a
real HTTP server on loopback (the signed webhook connector)."""

import datetime

import pytest

from connectors.signed_webhook import post_signed
from moderation import registry
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim, comment_hide
from tests.moderation.conftest import receiver  # noqa: F401 (a fixture)

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
FRENCH = "Vous êtes des imbéciles <script>alert(1)</script>, écrivez à jean@example.org"
ENGLISH = "You are all idiots, mail me at jane@example.org"


@pytest.fixture
def webhook_channel(channel, receiver):  # noqa: F811
    channel.connector = "webhook"
    channel.publish_url = receiver.url
    channel.save()
    return channel


class DeletesOnLoopback(registry.Connector):
    """A platform that deletes and messages authors, by POSTing each message,
    signed, to the channel's URL (the loopback receiver), as the signed
    webhook sends everything."""

    name = "deletes-loopback"
    abilities = frozenset(
        {registry.Ability.RECEIVE_PUSH, registry.Ability.HIDE}
        | {registry.Ability.DELETE, registry.Ability.MESSAGE_AUTHOR}
    )
    needs_publish_url = True

    def deliver(self, message, *, now):
        return post_signed(message, now=now)


@pytest.fixture
def deleting_channel(webhook_channel):
    registry.register(DeletesOnLoopback)
    webhook_channel.connector = DeletesOnLoopback.name
    webhook_channel.save()
    yield webhook_channel
    registry.unregister(DeletesOnLoopback.name)


def ingest(channel, *, text=FRENCH, external_id="c-1", author="jean.tremblay", **kw):
    comment, _ = comment_ingest(
        channel=channel,
        external_id=external_id,
        author=author,
        text=text,
        posted_at=POSTED,
        url=f"https://www.facebook.com/organisation/posts/1?comment_id={external_id}",
        **kw,
    )
    return comment


def hidden(channel, responder, **kw):
    """Ingest a comment, have ``responder`` claim and hide it; return it."""
    comment = ingest(channel, **kw)
    comment_claim(comment=comment, actor=responder)
    return comment_hide(comment=comment, actor=responder, reason="Insultes")
