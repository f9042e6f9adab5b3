"""The registry through which moderation finds the platform connectors.

A connector (in the ``connectors`` app) imports moderation's services to bring
comments in and registers itself here under a name; moderation is to look it
up by that name and never import it, so that the import graph runs one way
only: ``connectors`` -> ``moderation``. ``Channel.connector`` stores the name;
its choices are the registered connectors.

What a connector says to the platform-neutral code, and back, are the small
value types below (``Item``, ``Post``, ``Batch``, ``Account``, ``Delivered``,
``RateLimit``) and the errors (``ConnectorError`` and its kinds). Every
method takes the channel it works for; a connector keeps no state between
calls except what it stores through ``Channel.set_credentials`` (a refreshed
session, say).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import regex
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

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
    MESSAGE_AUTHOR = "message_author", _("Send a private message to an author")


class AuthorAction(models.TextChoices):
    """What may be done to a comment's author on the platform."""

    MUTE = "mute", _("Mute the author")
    BLOCK = "block", _("Block the author")
    REPORT = "report", _("Report the author to the platform's moderators")


@dataclass(frozen=True)
class Post:
    """The organisation's post that a comment answers."""

    external_id: str
    text: str = ""
    url: str = ""
    posted_at: datetime | None = None


@dataclass(frozen=True)
class Item:
    """One comment read from a platform, ready for ingest.

    ``parent`` is the platform id of the comment it replies to ("" when it
    answers the post directly). ``extra`` is what the connector needs later to
    answer or hide it (a content hash, the thread's root), stored with the
    comment as ``Comment.platform_data``; never shown.
    """

    external_id: str
    author: str
    text: str
    posted_at: datetime
    url: str = ""
    language: str | None = None
    parent: str = ""
    author_name: str = ""
    author_url: str = ""
    post: Post | None = None
    extra: dict = field(default_factory=dict)

    def for_ingest(self, channel):
        """Return this item as the dict ``comments_ingest`` takes."""
        return {
            "channel": channel,
            "external_id": self.external_id,
            "author": self.author,
            "text": self.text,
            "posted_at": self.posted_at,
            "url": self.url,
            "language": self.language,
            "parent": self.parent,
            "author_name": self.author_name,
            "author_url": self.author_url,
            "post": self.post,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class RateLimit:
    """The platform's rate-limit state, as its last response told it."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None

    def as_json(self):
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "reset_at": self.reset_at.isoformat() if self.reset_at else None,
        }


@dataclass(frozen=True)
class Batch:
    """What one poll read: items, oldest first, and where the next poll starts.

    ``cursor`` is opaque to everyone but the connector; it is saved in the
    transaction that stores the items, never before. ``more``: the platform
    has more at once (poll again without waiting). ``wait``: the connector
    asks for no poll before that long (a ``timedelta``, longer than the
    channel's interval: a daily quota running low).

    ``edits`` and ``removals``: what the poll found changed on the platform
    among comments already stored, ``(external id, new text)`` pairs and
    external ids; applied with the items, in the same transaction, through
    the same services as pushed edits and removals (idempotent: a second poll
    finding the same changes writes nothing).
    """

    items: list
    cursor: str
    more: bool = False
    rate_limit: RateLimit | None = None
    wait: timedelta | None = None
    edits: tuple = ()
    removals: tuple = ()


@dataclass(frozen=True)
class Account:
    """The account a channel's credentials sign in as (*Test the connection*)."""

    handle: str
    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Delivered:
    """What the platform made of an answer: its id and address there."""

    external_id: str
    url: str = ""


class ConnectorError(Exception):
    """The platform could not be reached, or refused.

    ``str()`` is the detail, for the log only; ``public`` the generic message
    shown to people: a msgid (``gettext_noop``), stored as it is and
    translated where shown. ``retry_after``: the
    platform asked to wait that many seconds.
    """

    def __init__(self, detail, *, public=outbound.UNREACHABLE, retry_after=None):
        super().__init__(detail)
        self.public = public
        self.retry_after = retry_after


def public_text(exc):
    """Return the msgid of ``exc.public``, untranslated, to be stored.

    Stored messages are translated where they are shown, in the reader's
    language; a message given lazily (``gettext_lazy``) would otherwise be
    stored in the language that happened to be active in the worker.
    """
    with translation.override(None):
        return str(exc.public)


class DeliveryFailed(ConnectorError):
    """An outbox message was not accepted; the outbox retries it."""


class AuthFailed(ConnectorError):
    """The platform refused the channel's credentials (revoked, expired)."""

    def __init__(self, detail, *, public=None, retry_after=None):
        super().__init__(
            detail,
            public=public
            or gettext_noop("The platform refused the channel's credentials."),
            retry_after=retry_after,
        )


class RateLimited(ConnectorError):
    """The platform asks to slow down; ``retry_after`` says for how long."""

    def __init__(self, detail, *, retry_after=None, public=None):
        super().__init__(
            detail,
            public=public
            or gettext_noop("The platform asked to slow down; retrying later."),
            retry_after=retry_after,
        )


class Unsupported(ConnectorError):
    """The platform cannot do this at all (hide a reply on Mastodon, say)."""

    def __init__(self, detail, *, public=None):
        super().__init__(
            detail, public=public or gettext_noop("The platform does not allow this.")
        )


# Outbox message kinds and the method that delivers each.
REPLY_KIND = "answer.published"
HIDE_KIND = "comment.hide"
UNHIDE_KIND = "comment.unhide"
DELETE_KIND = "comment.delete"
AUTHOR_KIND = "author.action"
# A mute or block lifted (a reversal on appeal); the payload's action says which.
AUTHOR_UNDO_KIND = "author.undo"
# A comment the platform held for review, published (YouTube).
PUBLISH_KIND = "comment.publish"
# A statement of reasons sent to the comment's author in a private message.
STATEMENT_KIND = "author.statement"


class Connector:
    """A platform connector: subclass, name it, declare its abilities, register it.

    ``name`` is what a channel will store to pick its connector, so it never
    changes once channels use it. ``label`` is shown to managers.
    ``needs_publish_url``: the channel must have a publishing URL.
    ``sends_sla_alerts``: the outbox also gives it the SLA sweep's warnings and
    breaches (``sla.warning``, ``sla.breach``), which are not replies.
    ``credentials_form``: a ``django.forms.Form`` whose cleaned data are the
    channel's credentials (the *Connect a channel* page and the API show its
    fields, write-only). ``author_actions``: the ``AuthorAction`` values it
    offers; ``author_actions_for_managers``: those of them only managers take;
    ``author_undo``: those of them it can lift again (unmute,
    unblock). ``hide_note``: what people are told where it cannot hide.
    ``delete_note``: what deleting does there, when it is not plain removal.
    ``sign_in_url_name``: the name of a URL taking the channel's pk where a
    manager signs the channel in on the platform (OAuth), offered once the
    channel is saved; "" when the credentials form is enough.
    ``max_answer_length``: the longest reply the platform takes, in
    characters as people count them (grapheme clusters), or ``None``; an
    answer longer than that is refused when written, not when sent.

    The methods, each for one ability:

    - ``check(channel) -> Account`` signs in and says as whom (every
      connector with credentials);
    - ``poll(channel, cursor) -> Batch`` (``RECEIVE_POLL``); ``cursor`` is ""
      the first time;
    - ``thread(channel, comment) -> list[Item]`` (``FETCH_THREAD``): the
      comments around ``comment``, oldest first;
    - ``reply(channel, comment, body) -> Delivered`` (``REPLY``);
    - ``hide(channel, comment, *, hidden)`` (``HIDE``);
    - ``delete(channel, comment)`` (``DELETE``);
    - ``act_on_author(channel, comment, action, *, reason)``
      (``ACT_ON_AUTHOR``);
    - ``undo_author_action(channel, comment, action)`` (an action of
      ``author_undo``): unmute or unblock the comment's author;
    - ``message_author(channel, comment, text)`` (``MESSAGE_AUTHOR``): a
      private message to the comment's author (a statement of reasons).

    Each raises a ``ConnectorError`` (``AuthFailed``, ``RateLimited``,
    ``Unsupported``) when it fails. ``deliver(message, *, now)``, what the
    outbox calls, dispatches a message to them by its kind; a connector that
    sends every message its own way (the signed webhook) overrides it.
    """

    name = ""
    label = ""
    abilities = frozenset()
    needs_publish_url = False
    sends_sla_alerts = False
    credentials_form = None
    author_actions = frozenset()
    author_undo = frozenset()
    # Actions on authors only managers take, e.g. a ban over a whole channel
    # that the platform's API cannot lift.
    author_actions_for_managers = frozenset()
    hide_note = ""
    delete_note = ""
    sign_in_url_name = ""
    max_answer_length = None

    def can(self, ability):
        """Return whether the connector declares ``ability``."""
        return Ability(ability) in self.abilities

    def can_undo(self, action):
        """Return whether the connector can lift ``action`` on an author."""
        return self.can(Ability.ACT_ON_AUTHOR) and AuthorAction(action) in (
            self.author_undo
        )

    def deliver(self, message, *, now):
        """Send outbox ``message`` through the method its kind names; return
        ``Delivered`` for a reply, else ``None``. Raise ``ConnectorError``."""
        channel, comment = message.channel, message.comment
        if message.kind == REPLY_KIND:
            return self.reply(channel, comment, message.payload["body"])
        if message.kind in (HIDE_KIND, UNHIDE_KIND, PUBLISH_KIND):
            return self.hide(channel, comment, hidden=message.kind == HIDE_KIND)
        if message.kind == DELETE_KIND:
            return self.delete(channel, comment)
        if message.kind == AUTHOR_KIND:
            return self.act_on_author(
                channel,
                comment,
                AuthorAction(message.payload["action"]),
                reason=message.payload.get("reason", ""),
            )
        if message.kind == AUTHOR_UNDO_KIND:
            return self.undo_author_action(
                channel, comment, AuthorAction(message.payload["action"])
            )
        if message.kind == STATEMENT_KIND:
            return self.message_author(channel, comment, message.payload["text"])
        raise Unsupported(f"{self.name} does not send {message.kind!r} messages")


class UnknownConnector(LookupError):
    """No connector is registered under that name."""


_connectors = {}

# The method each ability needs, when the connector does not override deliver().
_METHODS = {
    Ability.RECEIVE_POLL: "poll",
    Ability.FETCH_THREAD: "thread",
    Ability.REPLY: "reply",
    Ability.HIDE: "hide",
    Ability.DELETE: "delete",
    Ability.ACT_ON_AUTHOR: "act_on_author",
    Ability.MESSAGE_AUTHOR: "message_author",
}
_SENT = {
    Ability.REPLY,
    Ability.HIDE,
    Ability.DELETE,
    Ability.ACT_ON_AUTHOR,
    Ability.MESSAGE_AUTHOR,
}


def register(connector_class):
    """Register ``connector_class`` under its ``name`` (a class decorator).

    Refuse one that declares an ability without its method.
    """
    name = connector_class.name
    if not name:
        raise ValueError(f"{connector_class.__qualname__} has no name")
    registered = _connectors.get(name)
    if registered is not None and registered is not connector_class:
        raise ValueError(f"a connector is already registered as {name!r}")
    unknown = set(connector_class.abilities) - set(Ability)
    if unknown:
        raise ValueError(f"{name!r} declares unknown abilities: {sorted(unknown)}")
    own_deliver = connector_class.deliver is not Connector.deliver
    for ability in connector_class.abilities:
        method = _METHODS.get(Ability(ability))
        if method is None or (ability in _SENT and own_deliver):
            continue
        if not callable(getattr(connector_class, method, None)):
            raise ValueError(f"{name!r} can {ability} but defines no {method}()")
    undo = getattr(connector_class, "undo_author_action", None)
    if connector_class.author_undo and not own_deliver and not callable(undo):
        raise ValueError(f"{name!r} lifts author actions but defines no undo")
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


def answer_too_long(name, body):
    """Return the limit of the connector registered as ``name`` when ``body``
    is longer than its platform takes, else ``None``."""
    connector_class = _connectors.get(name)
    limit = getattr(connector_class, "max_answer_length", None)
    if limit and len(regex.findall(r"\X", body)) > limit:
        return limit
    return None
