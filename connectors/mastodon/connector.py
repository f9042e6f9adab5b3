"""The Mastodon connector: mentions in, replies out, mute, block and report.

What it reads: the notifications of type ``mention`` of the channel's account
(a reply to one of its statuses mentions it, so replies are mentions too),
oldest first, from the saved cursor on. The first poll of a channel reads no
history: it notes the newest notification and starts from there, so that
connecting an account does not fill the inbox with old mentions whose
response time is long past.

Paging uses ``min_id``, not ``since_id``: with ``since_id`` Mastodon returns
the *newest* page above the id, and whatever lies between that page and the
cursor would be skipped; ``min_id`` returns the page right after the cursor,
and ``more`` says when there is another one.

A comment's ``external_id`` is the status id on the channel's instance (the
id its API takes to reply, report or read the thread), not the status URI.
"""

import logging
import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connectors.mastodon import client as api
from connectors.mastodon.forms import CredentialsForm
from connectors.mastodon.text import status_text
from core.languages import CODES
from moderation import registry
from moderation.registry import (
    Ability,
    Account,
    AuthorAction,
    Batch,
    Delivered,
    DeliveryFailed,
    Item,
    Post,
    Unsupported,
)

logger = logging.getLogger(__name__)

PAGE = 30
# From the least visible to the most: a reply takes the comment's, never more.
VISIBILITY = ["direct", "private", "unlisted", "public"]
DEFAULT_MAX_CHARACTERS = 500
# Mastodon counts every link as 23 characters, and a mention by its user name.
LINK_LENGTH = 23
LINK = re.compile(r"https?://\S+")
MENTION_DOMAIN = re.compile(r"(@[\w.-]+)@[\w.-]+\w", re.UNICODE)
MAX_REPORT_COMMENT = 1000
# A date further ahead than this is the platform's clock or a lie.
CLOCK_SKEW = timedelta(minutes=5)

TOO_LONG = _("The answer is longer than the Mastodon instance allows.")


def _web_url(value):
    """Return ``value`` if it is an http(s) URL that fits, else "": a page
    shows it as a link, and a hostile instance may send ``javascript:``."""
    value = str(value or "")
    if len(value) <= 2000 and re.match(r"https?://[^\s]+$", value, re.ASCII):
        return value
    return ""


def _posted_at(value, *, now):
    """Return ``created_at`` as an aware datetime, no later than ``now``
    (give or take the clock skew): a status dated in the year 9999 takes the
    time it was received."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return now
    if not isinstance(value, datetime):
        return now
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    if value > now + CLOCK_SKEW:
        return now
    return value


def _language(value):
    code = str(value or "").split("-")[0].split("_")[0].lower()
    return code if code in CODES else None


def _id(value):
    return "" if value is None else str(value)


def _id_key(value):
    # Mastodon's ids are numbers sent as strings; compare them as numbers.
    value = str(value)
    return (len(value), value) if value.isdigit() else (0, value)


def _visibility(value):
    return value if value in VISIBILITY else "direct"


def mastodon_length(text):
    """Return the length Mastodon counts for ``text``."""
    text = LINK.sub("x" * LINK_LENGTH, text)
    return len(MENTION_DOMAIN.sub(r"\1", text))


@registry.register
class Mastodon(registry.Connector):
    """A Mastodon account: its mentions come in, answers go out as replies."""

    name = "mastodon"
    label = _("Mastodon")
    abilities = frozenset(
        {
            Ability.RECEIVE_POLL,
            Ability.FETCH_THREAD,
            Ability.REPLY,
            Ability.ACT_ON_AUTHOR,
        }
    )
    author_actions = frozenset(
        {AuthorAction.MUTE, AuthorAction.BLOCK, AuthorAction.REPORT}
    )
    author_undo = frozenset({AuthorAction.MUTE, AuthorAction.BLOCK})
    credentials_form = CredentialsForm
    # Mastodon's default; an instance may allow more, and reply() checks the
    # instance's own limit, counting links and mentions as Mastodon does.
    max_answer_length = DEFAULT_MAX_CHARACTERS
    hide_note = _(
        "Mastodon cannot hide another account's reply. Mute or block the author "
        "so that the channel's account no longer sees them, or report the reply "
        "to the moderators of their instance."
    )
    # The page that signs a channel in by OAuth; it takes the channel's pk.
    sign_in_url_name = "mastodon:sign-in"

    # -- check --------------------------------------------------------------

    def check(self, channel):
        """Sign in with the channel's token; return the account it is."""
        client = api.channel_client(channel)
        with api.calling(client, "verify_credentials"):
            account = client.account_verify_credentials()
        return Account(
            handle=str(account.get("acct") or ""),
            name=str(account.get("display_name") or ""),
            url=_web_url(account.get("url")),
        )

    def _own_account_id(self, channel, client):
        credentials = channel.get_credentials()
        if credentials.get("account_id"):
            return str(credentials["account_id"])
        with api.calling(client, "verify_credentials"):
            return _id(client.account_verify_credentials().get("id"))

    # -- poll ---------------------------------------------------------------

    def poll(self, channel, cursor):
        """Return the mentions after ``cursor``, oldest first, one page."""
        client = api.channel_client(channel)
        now = timezone.now()
        if not cursor:
            with api.calling(client, "notifications"):
                newest = client.mentions(limit=1)
            start = _id(newest[0].get("id")) if newest else "0"
            return Batch(
                items=[],
                cursor=start,
                rate_limit=api.rate_limit_of(api.last_headers(client)),
            )
        own = self._own_account_id(channel, client)
        with api.calling(client, "notifications"):
            page = client.mentions(min_id=cursor, limit=PAGE)
        rate_limit = api.rate_limit_of(api.last_headers(client))
        notifications = sorted(page, key=lambda n: _id_key(n.get("id")))
        items, posts = [], {}
        for notification in notifications:
            status = notification.get("status")
            if notification.get("type") != "mention" or not status:
                continue  # the status was deleted since
            if _id(status.get("account", {}).get("id")) == own:
                continue
            items.append(self._item(client, status, own=own, now=now, posts=posts))
        new_cursor = _id(notifications[-1].get("id")) if notifications else cursor
        return Batch(
            items=items,
            cursor=new_cursor,
            more=len(page) >= PAGE,
            rate_limit=rate_limit,
        )

    def _item(self, client, status, *, own, now, context=None, posts=None):
        """Return the ``Item`` of ``status``. Its post is found in its
        ancestors (``context``, else read): one call per status, except that
        replies to the same status share it (``posts``, per poll), which
        keeps a busy thread within the instance's rate limit."""
        account = status.get("account") or {}
        text = status_text(status)
        in_reply_to = _id(status.get("in_reply_to_id"))
        to_own = _id(status.get("in_reply_to_account_id")) == own
        posts = {} if posts is None else posts
        post = None
        if in_reply_to and in_reply_to in posts:
            post = posts[in_reply_to]
        elif in_reply_to:
            if context is None:
                with api.calling(client, "status_context"):
                    context = client.status_context(status["id"])
            post = self._post(context.get("ancestors") or [], own=own, now=now)
            posts[in_reply_to] = post
        return Item(
            external_id=_id(status.get("id")),
            author=str(account.get("acct") or "")[:200],
            author_name=str(account.get("display_name") or "")[:200],
            author_url=_web_url(account.get("url")),
            text=text.text,
            posted_at=_posted_at(status.get("created_at"), now=now),
            url=_web_url(status.get("url") or status.get("uri")),
            language=_language(status.get("language")),
            parent="" if to_own else in_reply_to,
            post=post,
            extra={
                "visibility": _visibility(status.get("visibility")),
                "in_reply_to_id": in_reply_to,
                "account_id": _id(account.get("id")),
                "acct": str(account.get("acct") or ""),
                "links": text.links,
            },
        )

    def _post(self, ancestors, *, own, now):
        """Return the organisation's status the thread answers: the first
        ancestor (from the top) by the channel's own account."""
        for status in ancestors:
            if _id((status.get("account") or {}).get("id")) == own:
                return Post(
                    external_id=_id(status.get("id")),
                    text=status_text(status).text,
                    url=_web_url(status.get("url") or status.get("uri")),
                    posted_at=_posted_at(status.get("created_at"), now=now),
                )
        return None

    # -- thread -------------------------------------------------------------

    def thread(self, channel, comment):
        """Return the statuses around ``comment`` (ancestors, then
        descendants), oldest first."""
        client = api.channel_client(channel)
        own = self._own_account_id(channel, client)
        now = timezone.now()
        with api.calling(client, "status_context"):
            context = client.status_context(comment.external_id)
        statuses = [
            *(context.get("ancestors") or []),
            *(context.get("descendants") or []),
        ]
        items = [
            self._item(client, status, own=own, now=now, context=context)
            for status in statuses
        ]
        return sorted(
            items, key=lambda item: (item.posted_at, _id_key(item.external_id))
        )

    # -- reply --------------------------------------------------------------

    def _comment_status(self, client, comment):
        """Return what the reply needs of the comment's status: its
        visibility and author, from the comment's platform data or, for a
        comment stored without them, from the instance."""
        data = comment.platform_data or {}
        if data.get("visibility") and data.get("acct"):
            return _visibility(data["visibility"]), data["acct"]
        with api.calling(client, "status"):
            status = client.status(comment.external_id)
        return (
            _visibility(status.get("visibility")),
            str((status.get("account") or {}).get("acct") or comment.author),
        )

    def _max_characters(self, client):
        try:
            with api.calling(client, "instance"):
                instance = client.instance_v2()
            limit = int(instance["configuration"]["statuses"]["max_characters"])
        except (registry.ConnectorError, KeyError, TypeError, ValueError):
            return DEFAULT_MAX_CHARACTERS
        return limit if limit > 0 else DEFAULT_MAX_CHARACTERS

    def reply(self, channel, comment, body, *, idempotency_key=None):
        """Post ``body`` as a reply to the comment's status, mentioning its
        author, as visible as the comment at most, in the comment's language.

        Refuse (``DeliveryFailed``) an answer longer than the instance allows.
        """
        client = api.channel_client(channel)
        visibility, acct = self._comment_status(client, comment)
        text = body.strip()
        mention = f"@{acct}"
        if acct and not re.search(rf"(?<![\w@]){re.escape(mention)}(?![\w@.-])", text):
            text = f"{mention} {text}"
        limit = self._max_characters(client)
        if mastodon_length(text) > limit:
            raise DeliveryFailed(
                f"answer of {mastodon_length(text)} characters, the instance "
                f"allows {limit}",
                public=TOO_LONG,
            )
        with api.calling(client, "status_post"):
            status = client.status_post(
                text,
                in_reply_to_id=comment.external_id,
                visibility=visibility,
                language=_language(comment.language),
                idempotency_key=idempotency_key,
            )
        return Delivered(
            external_id=_id(status.get("id")),
            url=_web_url(status.get("url") or status.get("uri")),
        )

    def deliver(self, message, *, now):
        """Send the outbox message; a reply carries the message's id as its
        ``Idempotency-Key``, so that a retry after a lost answer posts once."""
        if message.kind == registry.REPLY_KIND:
            return self.reply(
                message.channel,
                message.comment or message.answer.comment,
                message.payload["body"],
                idempotency_key=f"governance-outbox-{message.pk}",
            )
        return super().deliver(message, now=now)

    # -- act on the author --------------------------------------------------

    def _account_of(self, client, comment):
        account_id = (comment.platform_data or {}).get("account_id")
        if not account_id:
            with api.calling(client, "status"):
                status = client.status(comment.external_id)
            account_id = _id((status.get("account") or {}).get("id"))
        return account_id

    def undo_author_action(self, channel, comment, action):
        """Unmute or unblock the comment's author."""
        action = AuthorAction(action)
        client = api.channel_client(channel)
        account_id = self._account_of(client, comment)
        with api.calling(client, f"un{action.value} {account_id}"):
            if action == AuthorAction.MUTE:
                client.account_unmute(account_id)
            elif action == AuthorAction.BLOCK:
                client.account_unblock(account_id)
            else:
                raise Unsupported(f"a Mastodon {action.value} cannot be lifted")
        logger.info(
            "Mastodon un%s of account %s for channel %s",
            action.value,
            account_id,
            channel.slug,
        )

    def act_on_author(self, channel, comment, action, *, reason=""):
        """Mute, block or report the comment's author.

        A report names the comment's status and gives the reason to the
        instance's moderators; it is forwarded to the author's own instance
        when the author is remote (their ``acct`` has a domain).
        """
        action = AuthorAction(action)
        client = api.channel_client(channel)
        acct = (comment.platform_data or {}).get("acct") or comment.author
        account_id = self._account_of(client, comment)
        with api.calling(client, f"{action.value} {account_id}"):
            if action == AuthorAction.MUTE:
                # Their statuses leave the account's timelines, but their
                # mentions still notify it: the inbox keeps receiving them.
                client.account_mute(account_id, notifications=False)
            elif action == AuthorAction.BLOCK:
                client.account_block(account_id)
            else:
                client.report(
                    account_id,
                    status_ids=[comment.external_id],
                    comment=reason[:MAX_REPORT_COMMENT],
                    forward="@" in acct,
                )
        logger.info(
            "Mastodon %s of account %s for channel %s",
            action.value,
            account_id,
            channel.slug,
        )
