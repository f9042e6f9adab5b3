"""Moderation finds platform connectors by name, through its registry."""

import pytest

from moderation import registry
from moderation.registry import Ability, Connector


@pytest.fixture
def loopback():
    @registry.register
    class Loopback(Connector):
        name = "loopback-test"
        label = "Loopback"
        abilities = frozenset({Ability.RECEIVE_POLL, Ability.REPLY})

        def poll(self, channel, cursor):
            return registry.Batch(items=[], cursor=cursor)

        def deliver(self, message, *, now):
            return 200

    yield Loopback
    registry.unregister("loopback-test")


def test_a_registered_connector_is_found_by_its_name(loopback):
    connector = registry.get("loopback-test")

    assert isinstance(connector, loopback)
    assert connector.can(Ability.REPLY)
    assert connector.can("receive_poll")
    assert not connector.can(Ability.DELETE)
    assert ("loopback-test", "Loopback") in registry.choices()


def test_an_unknown_name_is_refused():
    with pytest.raises(registry.UnknownConnector):
        registry.get("nowhere")


def test_a_name_is_registered_once(loopback):
    class Other(Connector):
        name = "loopback-test"

    with pytest.raises(ValueError, match="already registered"):
        registry.register(Other)
    # Registering the same class again (a module imported twice) is harmless.
    assert registry.register(loopback) is loopback
    assert isinstance(registry.get("loopback-test"), loopback)


def test_a_connector_needs_a_name_and_known_abilities():
    class Nameless(Connector):
        pass

    class Boastful(Connector):
        name = "boastful"
        abilities = frozenset({"teleport"})

    with pytest.raises(ValueError, match="no name"):
        registry.register(Nameless)
    with pytest.raises(ValueError, match="unknown abilities"):
        registry.register(Boastful)
    with pytest.raises(registry.UnknownConnector):
        registry.get("boastful")


def test_a_connector_that_replies_must_say_how_it_delivers():
    class Mute(Connector):
        name = "mute-test"
        abilities = frozenset({Ability.REPLY})

    with pytest.raises(ValueError, match="defines no reply"):
        registry.register(Mute)
    with pytest.raises(registry.UnknownConnector):
        registry.get("mute-test")


@pytest.mark.parametrize(
    ("ability", "method"),
    [
        (Ability.RECEIVE_POLL, "poll"),
        (Ability.FETCH_THREAD, "thread"),
        (Ability.HIDE, "hide"),
        (Ability.DELETE, "delete"),
        (Ability.ACT_ON_AUTHOR, "act_on_author"),
        (Ability.MESSAGE_AUTHOR, "message_author"),
    ],
)
def test_each_declared_ability_needs_its_method(ability, method):
    class Boastful(Connector):
        name = "boastful-test"
        abilities = frozenset({ability})

    with pytest.raises(ValueError, match=f"defines no {method}"):
        registry.register(Boastful)
    with pytest.raises(registry.UnknownConnector):
        registry.get("boastful-test")


def test_a_connector_sending_its_own_way_needs_no_reply_method():
    class Forwarder(Connector):
        name = "forwarder-test"
        abilities = frozenset({Ability.REPLY, Ability.HIDE})

        def deliver(self, message, *, now):
            return None

    try:
        assert registry.register(Forwarder) is Forwarder
    finally:
        registry.unregister("forwarder-test")
