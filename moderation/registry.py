"""The registry through which moderation finds the platform connectors.

A connector (in the ``connectors`` app) imports moderation's services to bring
comments in and registers itself here under a name; moderation is to look it
up by that name and never import it, so that the import graph runs one way
only: ``connectors`` -> ``moderation``. ``Channel.connector`` stores the name;
its choices are the registered connectors.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import outbound


class Ability(models.TextChoices):
    """What a connector can do on its platform; a page offers only these."""

    RECEIVE_PUSH = "receive_push", _("Receive comments pushed by the platform")
    RECEIVE_POLL = "receive_poll", _("Fetch new comments on a schedule")
    RECEIVE_STREAM = "receive_stream", _("Follow a stream of new comments")
    FETCH_THREAD = "fetch_thread", _("Fetch the thread around a comment")
    REPLY = "reply", _("Publish an answer")
    HIDE = "hide", _("Hide and unhide a comment")
    DELETE = "delete", _("Delete a comment")
    ACT_ON_AUTHOR = "act_on_author", _("Mute, block or report an author")


class Connector:
    """A platform connector: subclass, name it, declare its abilities, register it.

    ``name`` is what a channel will store to pick its connector, so it never
    changes once channels use it. ``label`` is shown to managers.
    ``needs_publish_url``: the channel must have a publishing URL.
    ``sends_sla_alerts``: the outbox also gives it the SLA sweep's warnings and
    breaches (``sla.warning``, ``sla.breach``), which are not replies.
    """

    name = ""
    label = ""
    abilities = frozenset()
    needs_publish_url = False
    sends_sla_alerts = False

    def can(self, ability):
        """Return whether the connector declares ``ability``."""
        return Ability(ability) in self.abilities

    # A connector that declares ``Ability.REPLY`` defines
    # ``deliver(message, *, now)``: send the outbox message to its platform, or
    # raise ``DeliveryFailed``. ``register`` refuses one that does not.


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not accept the message.

    ``str()`` is the detail, for the log; ``public`` the generic message shown
    to people (a msgid of ``core.outbound``).
    """

    def __init__(self, detail, *, public=outbound.UNREACHABLE):
        super().__init__(detail)
        self.public = public


class UnknownConnector(LookupError):
    """No connector is registered under that name."""


_connectors = {}


def register(connector_class):
    """Register ``connector_class`` under its ``name`` (a class decorator)."""
    name = connector_class.name
    if not name:
        raise ValueError(f"{connector_class.__qualname__} has no name")
    registered = _connectors.get(name)
    if registered is not None and registered is not connector_class:
        raise ValueError(f"a connector is already registered as {name!r}")
    unknown = set(connector_class.abilities) - set(Ability)
    if unknown:
        raise ValueError(f"{name!r} declares unknown abilities: {sorted(unknown)}")
    if Ability.REPLY in connector_class.abilities and not callable(
        getattr(connector_class, "deliver", None)
    ):
        raise ValueError(f"{name!r} can reply but defines no deliver()")
    _connectors[name] = connector_class
    return connector_class


def unregister(name):
    """Remove the connector registered as ``name`` (tests)."""
    _connectors.pop(name, None)


def get(name):
    """Return an instance of the connector registered as ``name``."""
    try:
        return _connectors[name]()
    except KeyError:
        raise UnknownConnector(name) from None


def needs_publish_url(name):
    """Return whether the connector registered as ``name`` needs a URL.

    ``False`` for an unknown name, which the field's choices refuse.
    """
    connector_class = _connectors.get(name)
    return connector_class is not None and connector_class.needs_publish_url


def choices():
    """Return ``(name, label)`` pairs of the registered connectors, by label."""
    return sorted(
        ((name, cls.label) for name, cls in _connectors.items()),
        key=lambda pair: str(pair[1]),
    )
