"""Channels pick their connector by name; the outbox asks it what it can do."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from connectors.outbox import OutboxOnly
from connectors.signed_webhook import SignedWebhook
from moderation import registry
from moderation.models import Channel, OutboxMessage
from moderation.registry import Ability, Connector
from moderation.services.outbox import outbox_send
from tests.moderation.test_outbox import published_answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def listener():
    """A connector that reads comments but cannot answer on its platform."""

    @registry.register
    class Listener(Connector):
        name = "listener-test"
        label = "Listener"
        abilities = frozenset({Ability.RECEIVE_POLL, Ability.FETCH_THREAD})

        def poll(self, channel, cursor):
            return registry.Batch(items=[], cursor=cursor)

        def thread(self, channel, comment):
            return []

    yield Listener
    registry.unregister("listener-test")


@pytest.fixture
def replier():
    """A connector that answers by recording what it was given."""

    @registry.register
    class Replier(Connector):
        name = "replier-test"
        label = "Replier"
        abilities = frozenset({Ability.REPLY})
        delivered = []

        def deliver(self, message, *, now):
            self.delivered.append((message.pk, message.payload["body"], now))

    yield Replier
    registry.unregister("replier-test")


def test_every_stored_connector_value_has_a_registered_connector():
    assert isinstance(registry.get("outbox"), OutboxOnly)
    assert isinstance(registry.get("webhook"), SignedWebhook)
    assert registry.get("outbox").abilities == frozenset()
    assert registry.get("webhook").abilities == {
        Ability.RECEIVE_PUSH,
        Ability.REPLY,
        Ability.HIDE,
        Ability.MESSAGE_AUTHOR,
    }
    assert registry.get("webhook").sends_sla_alerts
    assert not registry.get("outbox").sends_sla_alerts
    # The platforms' connectors register beside these two, sorted by label.
    choices = registry.choices()
    assert dict(choices)["outbox"] == "Outbox only (answers are recorded, not sent)"
    assert dict(choices)["webhook"] == "Signed webhook"
    assert [str(label) for _, label in choices] == sorted(
        str(label) for _, label in choices
    )
    assert [c[0] for c in Channel._meta.get_field("connector").choices] == [
        name for name, _ in choices
    ]


def test_a_channel_whose_connector_cannot_reply_keeps_its_answers(
    channel, personas, listener, receiver, django_capture_on_commit_callbacks
):
    channel.connector = "listener-test"
    channel.full_clean()
    channel.save()
    with django_capture_on_commit_callbacks(execute=True):
        answer = published_answer(channel, personas)
    assert OutboxMessage.objects.get(answer=answer).status == "kept"
    assert receiver.received == []


def test_the_outbox_sends_through_the_channels_connector(
    channel, personas, replier, django_capture_on_commit_callbacks
):
    channel.connector = "replier-test"
    channel.save()
    replier.delivered.clear()
    answer = published_answer(channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == "pending"

    assert outbox_send(message_id=message.pk, now=message.next_attempt_at) == "sent"
    assert replier.delivered == [
        (message.pk, "Merci, écrivez-nous.", message.next_attempt_at)
    ]


def test_an_unknown_connector_is_refused_by_the_model_the_admin_and_the_api(
    channel, manager, api_client
):
    channel.connector = "nowhere"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "connector" in error.value.message_dict
    channel.refresh_from_db()

    model_admin = admin.site._registry[Channel]
    request = RequestFactory().post("/")
    request.user = manager
    form_class = model_admin.get_form(request, channel)
    data = {
        **{f: getattr(channel, f) for f in ("slug", "platform", "handle")},
        "languages": '["fr"]',
        "calendar": channel.calendar_id,
        "connector": "nowhere",
        "webhook_secret": channel.webhook_secret,
        "active": "on",
    }
    form = form_class(data, instance=channel)
    assert not form.is_valid()
    assert list(form.errors) == ["connector"]

    api_client.force_authenticate(manager)
    url = f"/api/v1/channels/{channel.slug}/"
    response = api_client.patch(url, {"connector": "nowhere"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["connector"]
    channel.refresh_from_db()
    assert channel.connector == "outbox"
