"""The registry through which moderation finds the platform connectors.

A connector (in the ``connectors`` app) imports moderation's services to bring
comments in and registers itself here under a name; moderation is to look it
up by that name and never import it, so that the import graph runs one way
only: ``connectors`` -> ``moderation``. Today's channels still choose between
keeping answers and the signed webhook (``Channel.connector``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """

    name = ""
    label = ""
    abilities = frozenset()

    def can(self, ability):
        """Return whether the connector declares ``ability``."""
        return Ability(ability) in self.abilities


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


def choices():
    """Return ``(name, label)`` pairs of the registered connectors, by label."""
    return sorted(
        ((name, cls.label) for name, cls in _connectors.items()),
        key=lambda pair: str(pair[1]),
    )
