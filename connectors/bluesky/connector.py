"""The Bluesky connector (AT Protocol), with the ``atproto`` SDK.

Signs in with an app password once and keeps the session (access and refresh
tokens) in the channel's encrypted credentials, so that a poll does not open a
session each time: an expired access token is refreshed, a refused refresh
signs in again, a refused password is ``AuthFailed``. Every call of the SDK
goes through ``core.outbound`` (``transport``).

Comments are the replies, mentions and quotes of
``app.bsky.notification.listNotifications``. Answers are posts replying with
the thread's ``root`` and the comment as ``parent``. Hiding a reply under the
organisation's own post edits that post's threadgate (``hiddenReplies``),
keeping whatever else it says (who may reply).
"""

import json
import logging
from datetime import UTC, datetime, timedelta

import regex
from atproto import models
from atproto_client import exceptions as sdk
from atproto_client.client.session import Session, SessionEvent
from atproto_core.uri import AtUri
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from connectors.bluesky.forms import DEFAULT_SERVICE, CredentialsForm
from connectors.bluesky.transport import OutboundTransport, client_for
from core import outbound
from moderation import registry
from moderation.registry import (
    Ability,
    Account,
    AuthFailed,
    AuthorAction,
    Batch,
    ConnectorError,
    Delivered,
    DeliveryFailed,
    Item,
    Post,
    RateLimit,
    RateLimited,
    Unsupported,
)

logger = logging.getLogger(__name__)

UNREACHABLE = gettext_noop("Bluesky could not be reached.")
REFUSED = gettext_noop("Bluesky refused the request.")
TOO_LONG = gettext_noop("A Bluesky reply holds at most 300 characters.")
NOT_OUR_POST = gettext_noop(
    "Bluesky hides a reply only under the organisation's own posts: this "
    "comment answers someone else's post."
)

# What listNotifications calls a comment for the organisation.
REASONS = ("reply", "mention", "quote")
PAGE_SIZE = 50
# A poll reads at most this many pages; the rest waits for the next poll
# (``Batch.more``), without losing its place.
MAX_PAGES = 4
# Bluesky's limits on a post's text.
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
# The errors that say the session is over, not the request wrong.
SESSION_ERRORS = {
    "ExpiredToken",
    "InvalidToken",
    "AuthenticationRequired",
    "AuthMissing",
}
# createdAt is what the author's client wrote: trusted only near indexedAt.
CLOCK_SKEW_AHEAD = timedelta(minutes=5)
CLOCK_SKEW_BEHIND = timedelta(days=1)
# A channel's first poll reads back this far, not the account's whole history
# (years of replies, all overdue, would flood the inbox).
INITIAL_LOOKBACK = timedelta(days=1)
# Before Bluesky existed: a date the author's client made up.
EARLIEST = datetime(2022, 1, 1, tzinfo=UTC)

POST_COLLECTION = "app.bsky.feed.post"
THREADGATE_COLLECTION = "app.bsky.feed.threadgate"
BLOCK_COLLECTION = "app.bsky.graph.block"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def profile_url(handle_or_did):
    return f"https://bsky.app/profile/{handle_or_did}"


def post_url(handle_or_did, uri):
    return f"{profile_url(handle_or_did)}/post/{AtUri.from_str(uri).rkey}"


def graphemes(text):
    """Return how many user-perceived characters ``text`` has (Bluesky's count)."""
    return len(regex.findall(r"\X", text))


def check_reply_length(body):
    """Raise ``Unsupported`` when ``body`` is longer than a Bluesky post allows."""
    if graphemes(body) > MAX_GRAPHEMES or len(body.encode()) > MAX_BYTES:
        raise Unsupported(
            f"reply of {graphemes(body)} graphemes, {len(body.encode())} bytes",
            public=TOO_LONG,
        )


def tid_for(moment, clock_id):
    """Return the record key (a TID) for ``moment`` and ``clock_id`` (0-1023).

    An answer's key is derived from its outbox message, so that a retry after
    a lost response finds the post already made instead of posting twice.
    """
    micros = int(moment.timestamp() * 1_000_000)
    value = (micros << 10) | (clock_id % 1024)
    chars = []
    for _position in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def parse_datetime(value):
    """Return the aware datetime of an AT Protocol date string, or ``None``."""
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def posted_at(created_at, indexed_at):
    """Return when a post was written: its ``createdAt`` when plausible.

    ``createdAt`` is whatever the author's client wrote (year 9999, year 1,
    nothing); an SLA clock must not start there. Outside a day before to five
    minutes after ``indexedAt`` (when the AppView saw it), or unreadable,
    ``indexedAt`` is taken instead. The AppView gives the earlier of the two
    as a notification's ``indexedAt``: one before Bluesky existed, or in the
    future, is replaced by now.
    """
    now = timezone.now()
    indexed = parse_datetime(indexed_at)
    if indexed is None or not EARLIEST <= indexed <= now + CLOCK_SKEW_AHEAD:
        indexed = now
    created = parse_datetime(created_at)
    if created is None:
        return indexed
    if not indexed - CLOCK_SKEW_BEHIND <= created <= indexed + CLOCK_SKEW_AHEAD:
        return indexed
    return created


def language_of(record):
    """Return "fr" or "en" from the first of the post's ``langs``, else None."""
    langs = getattr(record, "langs", None) or []
    if not langs:
        return None
    primary = str(langs[0]).split("-", 1)[0].lower()
    return primary if primary in ("fr", "en") else None


def _text(value):
    """Return ``value`` as stored: as written, but for NUL characters, which
    PostgreSQL cannot store and would make every poll of the channel fail;
    they become U+FFFD."""
    return (value or "").replace("\x00", "\ufffd")


def _strong_ref(ref):
    return {"uri": ref.uri, "cid": ref.cid}


class Cursor:
    """Where a poll starts, as the connector stores it (JSON).

    ``at``: the ``indexedAt`` of the newest notification read (every older one
    was read too; ``INITIAL_LOOKBACK`` ago on the first poll), ``seen``: the
    notifications read at exactly that instant.
    While a poll could not reach ``at`` within ``MAX_PAGES`` pages, ``gap``
    says where it stopped: ``page``, the platform's cursor to read on from,
    and ``top``/``top_seen``, what ``at``/``seen`` become once the gap is
    read. Nothing is lost between polls and nothing is read twice.
    """

    def __init__(self, at="", seen=(), gap=None):
        self.at = at
        self.seen = set(seen)
        self.gap = gap

    @classmethod
    def load(cls, text):
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(data.get("at", ""), data.get("seen", []), data.get("gap"))
        except (ValueError, AttributeError, TypeError):
            # A cursor this connector did not write: start from now on.
            return cls()

    def dump(self):
        data = {"at": self.at, "seen": sorted(self.seen)}
        if self.gap:
            data["gap"] = self.gap
        return json.dumps(data, sort_keys=True)

    def is_new(self, notification):
        if not self.at:
            return True
        indexed = notification.indexed_at
        return indexed > self.at or (
            indexed == self.at and notification.uri not in self.seen
        )


def _newest(notifications):
    """Return (indexedAt, uris at that instant) of ``notifications``."""
    top = max(n.indexed_at for n in notifications)
    return top, sorted(n.uri for n in notifications if n.indexed_at == top)


@registry.register
class Bluesky(registry.Connector):
    """Bluesky: notifications polled, replies posted, replies hidden by threadgate."""

    name = "bluesky"
    label = _("Bluesky")
    abilities = frozenset(
        {
            Ability.RECEIVE_POLL,
            Ability.FETCH_THREAD,
            Ability.REPLY,
            Ability.HIDE,
            Ability.ACT_ON_AUTHOR,
        }
    )
    credentials_form = CredentialsForm
    max_answer_length = MAX_GRAPHEMES
    author_actions = frozenset(
        {AuthorAction.MUTE, AuthorAction.BLOCK, AuthorAction.REPORT}
    )
    author_undo = frozenset({AuthorAction.MUTE, AuthorAction.BLOCK})
    hide_note = _(
        "Bluesky hides a reply only under the organisation's own posts, through "
        "the post's threadgate; people who open the reply directly still see it."
    )

    # -- sessions ---------------------------------------------------------

    def _client(self, channel):
        """Return (client, transport) signed in with the channel's saved
        session, or with its app password when there is none."""
        credentials = channel.get_credentials()
        if not credentials.get("handle") or not credentials.get("app_password"):
            raise AuthFailed(f"channel {channel.slug}: no Bluesky credentials set")
        transport = OutboundTransport()
        client = client_for(credentials.get("service") or DEFAULT_SERVICE, transport)
        saved = credentials.get("session")
        if saved:
            try:
                client.login(session_string=saved, fetch_bsky_profile=False)
            except Exception:  # a session string this version cannot read
                saved = None
        client.on_session_change(
            lambda event, session: self._store_session(channel, event, session)
        )
        if not saved:
            self._sign_in(channel, client, transport)
        return client, transport

    def _sign_in(self, channel, client, transport):
        credentials = channel.get_credentials()
        try:
            client.login(
                credentials["handle"],
                credentials["app_password"],
                fetch_bsky_profile=False,
            )
        except (sdk.UnauthorizedError, sdk.BadRequestError) as exc:
            raise AuthFailed(f"sign-in refused: {exc}") from None
        except sdk.AtProtocolError as exc:
            raise self._error(exc, transport) from None
        except outbound.OutboundError as exc:
            raise ConnectorError(str(exc), public=_public(exc)) from None

    def _store_session(self, channel, event, session: Session):
        """Keep a new or refreshed session in the credentials, saving only
        them: "set on" stays the date a person gave the credentials."""
        if event not in (SessionEvent.CREATE, SessionEvent.REFRESH):
            return
        credentials = channel.get_credentials()
        credentials["session"] = session.encode()
        set_at = channel.credentials_set_at
        channel.set_credentials(credentials)
        channel.credentials_set_at = set_at
        if channel.pk:
            channel.save(update_fields=["credentials_encrypted"])

    def _forget_session(self, channel):
        credentials = channel.get_credentials()
        if credentials.pop("session", None) is not None:
            set_at = channel.credentials_set_at
            channel.set_credentials(credentials)
            channel.credentials_set_at = set_at
            if channel.pk:
                channel.save(update_fields=["credentials_encrypted"])

    def _run(self, channel, operation):
        """Run ``operation(client, transport)``; when the session is over
        (a refused refresh, a revoked token), sign in again once and retry.
        Map every failure to a ``ConnectorError``."""
        client, transport = self._client(channel)
        try:
            try:
                return operation(client, transport)
            except (
                sdk.UnauthorizedError,
                sdk.BadRequestError,
                sdk.LoginRequiredError,
            ) as exc:
                if not _session_over(exc):
                    raise
                logger.info(
                    "bluesky %s: session over (%s), signing in", channel.slug, exc
                )
                self._forget_session(channel)
                client, transport = self._client(channel)
                return operation(client, transport)
        except ConnectorError:
            raise
        except outbound.OutboundError as exc:
            raise ConnectorError(str(exc), public=_public(exc)) from None
        except sdk.AtProtocolError as exc:
            raise self._error(exc, transport) from None

    def _deliver(self, channel, operation):
        """Run ``operation`` for an outbox delivery: a connector error the
        outbox does not retry differently becomes a failed delivery."""
        try:
            return self._run(channel, operation)
        except (AuthFailed, RateLimited, Unsupported):
            raise
        except ConnectorError as exc:
            raise DeliveryFailed(str(exc), public=exc.public) from None

    def _error(self, exc, transport=None):
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        detail = f"bluesky: {type(exc).__name__}: {exc}"
        if isinstance(exc, sdk.RateLimitExceededError) or status == 429:
            reset = transport.reset_at() if transport else None
            wait = None
            if reset is not None:
                wait = max(1, int((reset - timezone.now()).total_seconds()))
            return RateLimited(detail, retry_after=wait)
        if _session_over(exc):
            return AuthFailed(detail)
        if response is None:
            return ConnectorError(detail, public=UNREACHABLE)
        return ConnectorError(detail, public=REFUSED)

    # -- check ------------------------------------------------------------

    def check(self, channel):
        """Sign in with the app password itself (not a saved session, which
        outlives a revoked password for a while) and return the account."""
        self._forget_session(channel)

        def run(client, transport):
            profile = client.app.bsky.actor.get_profile(
                params={"actor": client.me.did if client.me else _did(client)}
            )
            return Account(
                handle=profile.handle,
                name=profile.display_name or "",
                url=profile_url(profile.handle),
            )

        return self._run(channel, run)

    # -- poll -------------------------------------------------------------

    def poll(self, channel, cursor):
        """Return the replies, mentions and quotes since ``cursor``, oldest first."""
        state = Cursor.load(cursor)
        if not state.at:
            state.at = _appview_time(timezone.now() - INITIAL_LOOKBACK)
        return self._run(
            channel, lambda client, transport: self._poll(client, transport, state)
        )

    def _poll(self, client, transport, state):
        reading_gap = bool(state.gap)
        page_cursor = state.gap["page"] if reading_gap else None
        fresh, reached, pages = [], False, 0
        while pages < MAX_PAGES:
            answer = client.app.bsky.notification.list_notifications(
                params={"limit": PAGE_SIZE, "cursor": page_cursor}
            )
            pages += 1
            for notification in answer.notifications:
                if not state.is_new(notification):
                    reached = True
                    break
                fresh.append(notification)
            page_cursor = answer.cursor
            if reached or not page_cursor or not answer.notifications:
                reached = True
                break

        if reading_gap:
            top, top_seen = state.gap["top"], state.gap["top_seen"]
        elif fresh:
            top, top_seen = _newest(fresh)
        else:
            top, top_seen = state.at, sorted(state.seen)
        if reached:
            if top == state.at:
                top_seen = sorted(state.seen | set(top_seen))
            next_cursor = Cursor(top, top_seen)
        else:
            # Not down to the saved cursor yet: read on from here next time.
            next_cursor = Cursor(
                state.at,
                state.seen,
                {"page": page_cursor, "top": top, "top_seen": top_seen},
            )

        wanted = [n for n in fresh if n.reason in REASONS and _is_post(n.record)]
        posts = self._root_posts(client, wanted, own=_did(client))
        items = [self._item(n, posts) for n in reversed(wanted)]
        limit = transport.rate_limit or {}
        return Batch(
            items=items,
            cursor=next_cursor.dump(),
            # A gap read to its end: what came in meanwhile is above it.
            more=not reached or reading_gap,
            rate_limit=RateLimit(
                limit=limit.get("limit"),
                remaining=limit.get("remaining"),
                reset_at=transport.reset_at(),
            )
            if limit
            else None,
        )

    def _root_posts(self, client, notifications, *, own):
        """Return {uri: PostView} of the organisation's posts (those of the
        DID ``own``) that the notifications answer (the thread's root, or the
        quoted post), fetched 25 at a time. A mention in someone else's
        thread has no post of the organisation to show."""
        wanted = []
        for notification in notifications:
            uri = _answered_uri(notification.record)
            if uri and uri not in wanted and _author_did(uri) == own:
                wanted.append(uri)
        found = {}
        for start in range(0, len(wanted), 25):
            answer = client.app.bsky.feed.get_posts(
                params={"uris": wanted[start : start + 25]}
            )
            found.update({post.uri: post for post in answer.posts})
        return found

    def _item(self, notification, posts):
        record = notification.record
        author = notification.author
        handle = _handle(author)
        reply = getattr(record, "reply", None)
        answered = posts.get(_answered_uri(record) or "")
        parent = ""
        if reply is not None and reply.parent.uri != reply.root.uri:
            parent = reply.parent.uri
        own = {"uri": notification.uri, "cid": notification.cid}
        extra = {
            "cid": notification.cid,
            "reason": notification.reason,
            # Where an answer goes: under this post, in its thread.
            "root": _strong_ref(reply.root) if reply is not None else own,
            "parent": _strong_ref(reply.parent) if reply is not None else own,
        }
        return Item(
            external_id=notification.uri,
            author=handle,
            author_name=_text(author.display_name)[:200],
            author_url=profile_url(handle),
            text=_text(record.text),
            language=language_of(record),
            posted_at=posted_at(record.created_at, notification.indexed_at),
            url=post_url(handle, notification.uri),
            parent=parent,
            post=_post_of(answered) if answered is not None else None,
            extra=extra,
        )

    # -- thread -----------------------------------------------------------

    def thread(self, channel, comment):
        """Return the posts around ``comment`` (its ancestors below the root,
        itself, the replies under it), oldest first."""

        def run(client, transport):
            answer = client.app.bsky.feed.get_post_thread(
                params={"uri": comment.external_id, "depth": 6, "parent_height": 20}
            )
            views = []
            node = answer.thread
            # Up the parents, then down the replies.
            parent = getattr(node, "parent", None)
            while parent is not None and hasattr(parent, "post"):
                if getattr(parent, "parent", None) is not None:
                    views.append(parent.post)  # not the root: it is the Post
                parent = getattr(parent, "parent", None)
            stack = [node]
            while stack:
                current = stack.pop()
                if not hasattr(current, "post"):
                    continue  # not found, blocked
                views.append(current.post)
                stack.extend(getattr(current, "replies", None) or [])
            items = {
                view.uri: _item_of_view(view) for view in views if _is_post(view.record)
            }
            return sorted(items.values(), key=lambda item: item.posted_at)

        return self._run(channel, run)

    # -- reply ------------------------------------------------------------

    def deliver(self, message, *, now):
        """Send an answer with a record key derived from the outbox message
        (a retry finds the post already made); other kinds as the base does."""
        if message.kind == registry.REPLY_KIND:
            return self._reply(
                message.channel,
                message.comment,
                message.payload["body"],
                rkey=tid_for(message.created_at, message.pk),
            )
        return super().deliver(message, now=now)

    def reply(self, channel, comment, body):
        """Post ``body`` as a reply to ``comment``; return its URI and address."""
        return self._reply(channel, comment, body, rkey=None)

    def _reply(self, channel, comment, body, *, rkey):
        check_reply_length(body)
        data = comment.platform_data or {}
        if not data.get("cid") or not data.get("root"):
            raise DeliveryFailed(
                f"comment {comment.pk} has no Bluesky thread reference",
                public=REFUSED,
            )
        record = {
            "$type": POST_COLLECTION,
            "text": body,
            "createdAt": timezone.now().isoformat().replace("+00:00", "Z"),
            "reply": {
                "root": data["root"],
                "parent": {"uri": comment.external_id, "cid": data["cid"]},
            },
        }
        if comment.language in ("fr", "en"):
            record["langs"] = [comment.language]

        def run(client, transport):
            did = _did(client)
            if rkey:
                existing = _get_record(client, did, POST_COLLECTION, rkey)
                if existing is not None:
                    return _delivered(client, existing["uri"])
            created = client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=did, collection=POST_COLLECTION, record=record, rkey=rkey
                )
            )
            return _delivered(client, created.uri)

        return self._deliver(channel, run)

    # -- hide -------------------------------------------------------------

    def hide(self, channel, comment, *, hidden):
        """Add ``comment`` to (or remove it from) the ``hiddenReplies`` of the
        threadgate of its thread's root, which must be the organisation's
        own post; every other setting of the threadgate is kept."""
        root = (comment.platform_data or {}).get("root") or {}

        def run(client, transport):
            did = _did(client)
            try:
                root_uri = AtUri.from_str(root.get("uri", ""))
            except Exception:
                root_uri = None
            if (
                root_uri is None
                or root_uri.host != did
                or root.get("uri") == comment.external_id
            ):
                raise Unsupported(
                    f"root {root.get('uri')!r} is not a post of {did}",
                    public=NOT_OUR_POST,
                )
            rkey = root_uri.rkey
            # Read, change, write only if nobody wrote in between (swapRecord).
            for _attempt in range(3):
                existing = _get_record(client, did, THREADGATE_COLLECTION, rkey)
                if existing is None:
                    if not hidden:
                        return None
                    value = {
                        "$type": THREADGATE_COLLECTION,
                        "post": root["uri"],
                        "createdAt": timezone.now().isoformat().replace("+00:00", "Z"),
                    }
                else:
                    value = dict(existing["value"])
                listed = list(value.get("hiddenReplies") or [])
                if hidden and comment.external_id not in listed:
                    listed.append(comment.external_id)
                elif not hidden and comment.external_id in listed:
                    listed.remove(comment.external_id)
                elif existing is not None:
                    return None  # already as asked
                if listed:
                    value["hiddenReplies"] = listed
                else:
                    value.pop("hiddenReplies", None)
                try:
                    if existing is None:
                        client.com.atproto.repo.create_record(
                            models.ComAtprotoRepoCreateRecord.Data(
                                repo=did,
                                collection=THREADGATE_COLLECTION,
                                rkey=rkey,
                                record=value,
                            )
                        )
                    else:
                        client.com.atproto.repo.put_record(
                            models.ComAtprotoRepoPutRecord.Data(
                                repo=did,
                                collection=THREADGATE_COLLECTION,
                                rkey=rkey,
                                record=value,
                                swap_record=existing["cid"],
                            )
                        )
                    return None
                except (sdk.BadRequestError, sdk.NetworkError) as exc:
                    if not _swap_failed(exc):
                        raise
            raise DeliveryFailed("threadgate kept changing", public=REFUSED)

        return self._deliver(channel, run)

    # -- the author -------------------------------------------------------

    def act_on_author(self, channel, comment, action, *, reason):
        """Mute or block the comment's author, or report the comment to the
        moderators of the account's server."""
        author_did = AtUri.from_str(comment.external_id).host

        def run(client, transport):
            did = _did(client)
            if action == AuthorAction.MUTE:
                client.app.bsky.graph.mute_actor(
                    models.AppBskyGraphMuteActor.Data(actor=author_did)
                )
            elif action == AuthorAction.BLOCK:
                client.com.atproto.repo.create_record(
                    models.ComAtprotoRepoCreateRecord.Data(
                        repo=did,
                        collection=BLOCK_COLLECTION,
                        record={
                            "$type": BLOCK_COLLECTION,
                            "subject": author_did,
                            "createdAt": timezone.now()
                            .isoformat()
                            .replace("+00:00", "Z"),
                        },
                    )
                )
            else:
                data = comment.platform_data or {}
                client.com.atproto.moderation.create_report(
                    models.ComAtprotoModerationCreateReport.Data(
                        reason_type="com.atproto.moderation.defs#reasonRude",
                        reason=(reason or "")[:2000] or None,
                        subject=models.ComAtprotoRepoStrongRef.Main(
                            uri=comment.external_id, cid=data.get("cid", "")
                        ),
                    )
                )

        return self._deliver(channel, run)

    def undo_author_action(self, channel, comment, action):
        """Unmute the comment's author, or delete the account's block records
        of them (a block on Bluesky is a record in the blocker's repository).
        Lifting what is not there changes nothing."""
        action = AuthorAction(action)
        author_did = AtUri.from_str(comment.external_id).host

        def run(client, transport):
            if action == AuthorAction.MUTE:
                client.app.bsky.graph.unmute_actor(
                    models.AppBskyGraphUnmuteActor.Data(actor=author_did)
                )
            elif action == AuthorAction.BLOCK:
                did = _did(client)
                for rkey in _block_rkeys(client, did, author_did):
                    client.com.atproto.repo.delete_record(
                        models.ComAtprotoRepoDeleteRecord.Data(
                            repo=did, collection=BLOCK_COLLECTION, rkey=rkey
                        )
                    )
            else:
                raise Unsupported(f"a Bluesky {action.value} cannot be lifted")

        return self._deliver(channel, run)


def _block_rkeys(client, did, subject):
    """Return the record keys of ``did``'s blocks of ``subject``, every page
    of its block records read."""
    rkeys, cursor = [], None
    while True:
        page = client.com.atproto.repo.list_records(
            models.ComAtprotoRepoListRecords.Params(
                repo=did, collection=BLOCK_COLLECTION, limit=100, cursor=cursor
            )
        )
        for record in page.records:
            value = record.value
            blocked = value.get("subject") if isinstance(value, dict) else value.subject
            if blocked == subject:
                rkeys.append(AtUri.from_str(record.uri).rkey)
        cursor = page.cursor
        if not cursor or not page.records:
            return rkeys


def _public(exc):
    if isinstance(exc, outbound.Refused):
        return REFUSED
    return UNREACHABLE


def _error_name(exc):
    content = getattr(getattr(exc, "response", None), "content", None)
    return getattr(content, "error", None) or ""


def _session_over(exc):
    if isinstance(exc, sdk.LoginRequiredError):
        return True
    return _error_name(exc) in SESSION_ERRORS


def _swap_failed(exc):
    return _error_name(exc) == "InvalidSwap" or "swap" in str(exc).lower()


def _appview_time(moment):
    """Return ``moment`` written as the AppView writes ``indexedAt`` (UTC, to
    the millisecond), so that the two compare as strings."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _author_did(uri):
    try:
        return AtUri.from_str(uri).host
    except Exception:  # not an at:// URI: nobody's
        return None


def _did(client):
    session = client._session
    if session is None:
        raise sdk.LoginRequiredError
    return session.did


def _handle(author):
    """Return the author's handle, or their DID when the handle is not
    usable (``handle.invalid``, longer than the inbox stores)."""
    handle = author.handle or ""
    if not handle or handle == "handle.invalid" or len(handle) > 200:
        return author.did
    return handle


def _is_post(record):
    return getattr(record, "py_type", None) == POST_COLLECTION and isinstance(
        getattr(record, "text", None), str
    )


def _answered_uri(record):
    """Return the URI of the post a comment answers: its thread's root, or
    the post it quotes; ``None`` for a post that starts its own thread."""
    reply = getattr(record, "reply", None)
    if reply is not None:
        return reply.root.uri
    embed = getattr(record, "embed", None)
    quoted = getattr(embed, "record", None)
    quoted = getattr(quoted, "record", quoted)  # recordWithMedia nests it
    return getattr(quoted, "uri", None)


def _post_of(view):
    record = view.record
    handle = _handle(view.author)
    return Post(
        external_id=view.uri,
        text=_text(getattr(record, "text", "")),
        url=post_url(handle, view.uri),
        posted_at=posted_at(getattr(record, "created_at", None), view.indexed_at),
    )


def _item_of_view(view):
    record = view.record
    handle = _handle(view.author)
    reply = getattr(record, "reply", None)
    parent = ""
    if reply is not None and reply.parent.uri != reply.root.uri:
        parent = reply.parent.uri
    own = {"uri": view.uri, "cid": view.cid}
    return Item(
        external_id=view.uri,
        author=handle,
        author_name=_text(view.author.display_name)[:200],
        author_url=profile_url(handle),
        text=_text(record.text),
        language=language_of(record),
        posted_at=posted_at(record.created_at, view.indexed_at),
        url=post_url(handle, view.uri),
        parent=parent,
        extra={
            "cid": view.cid,
            "root": _strong_ref(reply.root) if reply is not None else own,
            "parent": _strong_ref(reply.parent) if reply is not None else own,
        },
    )


def _get_record(client, did, collection, rkey):
    """Return the raw record (``uri``, ``cid``, ``value`` as JSON, unknown
    fields kept), or ``None`` when there is none."""
    try:
        answer = client.invoke_query(
            "com.atproto.repo.getRecord",
            params=models.ComAtprotoRepoGetRecord.Params(
                repo=did, collection=collection, rkey=rkey
            ),
        )
    except sdk.BadRequestError as exc:
        if _error_name(exc) == "RecordNotFound":
            return None
        raise
    except sdk.RequestException as exc:
        if getattr(exc.response, "status_code", None) == 404:
            return None
        raise
    return answer.content


def _delivered(client, uri):
    session = client._session
    return Delivered(external_id=uri, url=post_url(session.handle or session.did, uri))
