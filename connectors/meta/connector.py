"""The Facebook Page and Instagram professional account connectors.

Comments come in two ways, through the same ingest: pushed by Meta's
webhooks (``connectors.meta.webhooks``), and read by a catch-up poll, since
webhooks are not guaranteed. The poll reads the comments of the posts of the
last ``META_CATCH_UP_DAYS`` days made after its cursor (a Unix time, with a
minute of overlap: ingest stores a comment once however often it is read).

Instagram sends no webhook for an edit or a removal, so its catch-up also
compares what it lists with what is stored: each media's comments are read
whole (Instagram's comments edge takes no ``since``), and a stored comment of
that media listed with another text is an edit, one no longer listed a
removal, through the same services as Facebook's pushed ``edited`` and
``remove`` (``moderation.services.platform_changes``), in the poll's batch.
A removal is concluded only from a complete listing: every page read (the
last without a ``next``), and for a reply, its parent's replies whole too;
a listing cut short (more pages than ``MAX_PAGES``) concludes nothing, and a
failed page fails the poll, which stores and removes nothing. Facebook's
comments edge is read with ``since``, which lists only new comments: its
edits and removals come by webhook only.

A Facebook channel's credentials are its Page's id and Page access token; an
Instagram channel's, the Instagram professional account linked to the Page
and the same Page token (Instagram's Graph API is called with it). Both are
set by the *Connect with Facebook* flow (``connectors.meta.views``).

Answers, hiding and deleting go through the outbox. Before any call the
stored usage is read, and at ``graph.BACK_OFF`` per cent used the call is not
made (``RateLimited``) until the platform's estimated reset. A refused token
(code 190) puts the channel in error and tells the managers, once.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connectors.meta import graph
from moderation import registry
from moderation.models import ChannelState, Comment
from moderation.registry import (
    Ability,
    Account,
    AuthFailed,
    Batch,
    Delivered,
    Item,
    Post,
    RateLimited,
)
from moderation.services.channel_state import (
    channel_credentials_refused,
    channel_state_update,
)

logger = logging.getLogger(__name__)

# The catch-up's cursor goes back this much, so that a comment written while
# the last poll ran is read again rather than missed.
OVERLAP = datetime.timedelta(minutes=1)
POSTS = 25
COMMENTS = 100
# Pages of posts read by one poll: the oldest beyond are left to webhooks.
MAX_PAGES = 4
# Facebook takes comments up to 8,000 characters; Instagram up to 2,200.
FACEBOOK_MAX = 8000
INSTAGRAM_MAX = 2200


def parse_time(value, *, now):
    """Return a Graph API time (ISO 8601 with ``+0000``, or Unix seconds) as
    an aware datetime; ``now`` when it is missing, unreadable or later than
    now (a date in the year 9999 is not believed)."""
    moment = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            return now
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
            text = f"{text[:-2]}:{text[-2:]}"
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return now
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
    if moment is None or moment > now + datetime.timedelta(minutes=5):
        return now
    return moment


def web_url(value):
    value = str(value or "")
    if len(value) <= 2000 and value.startswith(("https://", "http://")):
        return value
    return ""


def text_of(value, limit=20000):
    return str(value or "")[:limit]


class MetaConnector(registry.Connector):
    """What the Facebook and Instagram connectors share: calls, guard, errors."""

    abilities = frozenset(
        {
            Ability.RECEIVE_PUSH,
            Ability.RECEIVE_POLL,
            Ability.REPLY,
            Ability.HIDE,
            Ability.DELETE,
        }
    )
    sign_in_url_name = "meta:sign-in"

    def _token(self, channel):
        token = channel.get_credentials().get("page_token")
        if not token:
            raise AuthFailed(f"channel {channel.slug}: no Page token")
        return token

    def graph_call(self, channel, method, path, params=None, *, now=None):
        """Make one Graph call for ``channel``, unless its usage says wait."""
        now = now or timezone.now()
        state = ChannelState.objects.filter(pk=channel.pk).first()
        wait = graph.wait_for(state.rate_limit if state else None, now=now)
        if wait:
            raise RateLimited(
                f"{method} {path}: usage near Meta's limit, waiting {wait} s",
                retry_after=wait,
            )
        try:
            answer = graph.call(
                method, path, token=self._token(channel), params=params, now=now
            )
        except AuthFailed:
            if channel.pk:
                channel_credentials_refused(channel, now=now)
            raise
        except RateLimited as exc:
            if channel.pk:
                reset = now + datetime.timedelta(seconds=exc.retry_after or 300)
                channel_state_update(
                    channel.pk,
                    rate_limit={
                        "limit": 100,
                        "remaining": 0,
                        "reset_at": reset.isoformat(),
                    },
                )
            raise
        if answer.rate_limit is not None and channel.pk:
            channel_state_update(channel.pk, rate_limit=answer.rate_limit.as_json())
        self.last_rate_limit = answer.rate_limit
        return answer.data

    def _since(self, cursor, *, now):
        try:
            return int(cursor)
        except (TypeError, ValueError):
            days = settings.META_CATCH_UP_DAYS
            return int((now - datetime.timedelta(days=days)).timestamp())

    def poll(self, channel, cursor):
        """Read the comments made after ``cursor`` on the posts of the last
        days; return them oldest first, with the poll's start as the next
        cursor."""
        now = timezone.now()
        self.last_rate_limit = None
        since = self._since(cursor, now=now)
        posts_since = int(
            (now - datetime.timedelta(days=settings.META_CATCH_UP_DAYS)).timestamp()
        )
        items, edits, removals = [], [], []
        for post in self._posts(channel, since=posts_since, now=now):
            found, edited, removed = self._comments(channel, post, since=since, now=now)
            items.extend(found)
            edits.extend(edited)
            removals.extend(removed)
        items.sort(key=lambda item: (item.posted_at, item.external_id))
        return Batch(
            items=items,
            cursor=str(int((now - OVERLAP).timestamp())),
            rate_limit=self.last_rate_limit,
            edits=tuple(edits),
            removals=tuple(removals),
        )

    def _paged(self, channel, path, params, *, now):
        rows, _complete = self._listing(channel, path, params, now=now)
        yield from rows

    def _listing(self, channel, path, params, *, now):
        """Return the rows of a paged edge, and whether they are all of it:
        every page read, the last one without a ``next`` ("if not included,
        this is the last page of data"), within ``MAX_PAGES``."""
        rows, after = [], None
        for _page in range(MAX_PAGES):
            data = self.graph_call(
                channel, "GET", path, {**params, "after": after}, now=now
            )
            rows.extend(row for row in data.get("data") or [] if isinstance(row, dict))
            paging = data.get("paging") or {}
            if not paging.get("next"):
                return rows, True
            after = (paging.get("cursors") or {}).get("after")
            if not after:
                return rows, False  # a next page this cannot ask for
        return rows, False

    @staticmethod
    def _changes(channel, post, listed, *, complete, replies_complete, now):
        """Return the edits and removals a listing of ``post``'s comments
        shows among those stored: ``listed`` maps each comment id listed to
        its text; ``complete`` says the listing is whole, and
        ``replies_complete`` whether each listed comment's replies are.

        Only comments stored before the poll began (``now``) are compared:
        one a webhook brought in while the listing was read is not in it."""
        stored = (
            Comment.objects.filter(
                channel=channel,
                post__external_id=post.external_id,
                removed_on_platform_at__isnull=True,
                text_erased_at__isnull=True,
                received_at__lt=now,
            )
            # Hidden or deleted from here: the listing says nothing of them.
            .exclude(status__in=[Comment.Status.HIDDEN, Comment.Status.DELETED])
            .exclude(hidden_on_platform=True)
            .values_list("external_id", "text", "parent_external_id")
        )
        edits, removals = [], []
        for external_id, text, parent in stored:
            if external_id in listed:
                if listed[external_id] and listed[external_id] != text:
                    edits.append((external_id, listed[external_id]))
            elif complete and (not parent or replies_complete.get(parent, True)):
                # Not in a whole listing (nor, for a reply, among its
                # parent's replies read whole, or its parent is gone).
                removals.append(external_id)
        return edits, removals

    def hide(self, channel, comment, *, hidden):
        self.graph_call(
            channel,
            "POST",
            comment.external_id,
            {self.hide_field: "true" if hidden else "false"},
        )

    def delete(self, channel, comment):
        self.graph_call(channel, "DELETE", comment.external_id)


@registry.register
class Facebook(MetaConnector):
    """A Facebook Page: comments on its posts in, replies and hiding out."""

    name = "facebook"
    label = _("Facebook Page")
    max_answer_length = FACEBOOK_MAX
    hide_field = "is_hidden"

    def check(self, channel):
        page_id = channel.get_credentials().get("page_id", "")
        data = self.graph_call(channel, "GET", page_id, {"fields": "id,name,link"})
        return Account(
            handle=str(data.get("id") or page_id),
            name=text_of(data.get("name"), 200),
            url=web_url(data.get("link")),
        )

    def _posts(self, channel, *, since, now):
        page_id = channel.get_credentials().get("page_id", "")
        for row in self._paged(
            channel,
            f"{page_id}/feed",
            {
                "fields": "id,message,permalink_url,created_time",
                "since": since,
                "limit": POSTS,
            },
            now=now,
        ):
            yield Post(
                external_id=str(row.get("id") or ""),
                text=text_of(row.get("message")),
                url=web_url(row.get("permalink_url")),
                posted_at=parse_time(row.get("created_time"), now=now),
            )

    def _comments(self, channel, post, *, since, now):
        """Return the comments made since ``since`` on ``post``, and no edits
        or removals: listed with ``since``, old comments are not there."""
        return list(self._new_comments(channel, post, since=since, now=now)), [], []

    def _new_comments(self, channel, post, *, since, now):
        page_id = channel.get_credentials().get("page_id", "")
        for row in self._paged(
            channel,
            f"{post.external_id}/comments",
            {
                "fields": "id,message,created_time,from{id,name},parent{id},"
                "permalink_url",
                "filter": "stream",
                "order": "chronological",
                "since": since,
                "limit": COMMENTS,
            },
            now=now,
        ):
            author = row.get("from") or {}
            if str(author.get("id") or "") == page_id:
                continue  # the Page's own answers
            yield self.item(
                comment_id=row.get("id"),
                author=author,
                text=row.get("message"),
                created=row.get("created_time"),
                parent=(row.get("parent") or {}).get("id"),
                url=row.get("permalink_url"),
                post=post,
                now=now,
            )

    def item(self, *, comment_id, author, text, created, parent, url, post, now):
        """Return the ``Item`` of a Facebook comment (poll or webhook)."""
        author = author if isinstance(author, dict) else {}
        parent = str(parent or "")
        return Item(
            external_id=str(comment_id or "")[:200],
            author=text_of(author.get("name") or author.get("id"), 200),
            author_name=text_of(author.get("name"), 200),
            text=text_of(text),
            posted_at=parse_time(created, now=now),
            url=web_url(url),
            # A comment on the post answers it; one on a comment replies.
            parent="" if post is None or parent == post.external_id else parent,
            post=post,
            extra={"from_id": str(author.get("id") or "")},
        )

    def reply(self, channel, comment, body):
        """Answer with ``POST /{comment-id}/comments`` as the Page."""
        data = self.graph_call(
            channel, "POST", f"{comment.external_id}/comments", {"message": body}
        )
        return Delivered(external_id=str(data.get("id") or ""))


@registry.register
class Instagram(MetaConnector):
    """An Instagram professional account linked to a Page: comments on its
    media in, replies and hiding out."""

    name = "instagram"
    label = _("Instagram professional account")
    max_answer_length = INSTAGRAM_MAX
    hide_field = "hide"

    def check(self, channel):
        ig_id = channel.get_credentials().get("ig_user_id", "")
        data = self.graph_call(channel, "GET", ig_id, {"fields": "id,username"})
        username = text_of(data.get("username"), 200)
        return Account(
            handle=username or ig_id,
            name=username,
            url=f"https://www.instagram.com/{username}/" if username else "",
        )

    def _posts(self, channel, *, since, now):
        ig_id = channel.get_credentials().get("ig_user_id", "")
        for row in self._paged(
            channel,
            f"{ig_id}/media",
            {
                "fields": "id,caption,permalink,timestamp",
                "since": since,
                "limit": POSTS,
            },
            now=now,
        ):
            yield Post(
                external_id=str(row.get("id") or ""),
                text=text_of(row.get("caption")),
                url=web_url(row.get("permalink")),
                posted_at=parse_time(row.get("timestamp"), now=now),
            )

    def _comments(self, channel, post, *, since, now):
        """Return the comments made since ``since`` on the media ``post``,
        and the edits and removals among those stored (the media's comments
        are listed whole: the edge takes no ``since``)."""
        credentials = channel.get_credentials()
        own = {credentials.get("ig_user_id"), credentials.get("ig_username")}
        since_at = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
        rows, complete = self._listing(
            channel,
            f"{post.external_id}/comments",
            {
                "fields": "id,text,timestamp,username,from{id,username},"
                "replies{id,text,timestamp,username,from{id,username}}",
                "limit": COMMENTS,
            },
            now=now,
        )
        items, listed, replies_complete = [], {}, {}
        for row in rows:
            edge = row.get("replies") if isinstance(row.get("replies"), dict) else {}
            replies = edge.get("data") or []
            replies_complete[str(row.get("id") or "")] = not (
                edge.get("paging") or {}
            ).get("next")
            for each, parent in [(row, ""), *((r, row.get("id")) for r in replies)]:
                if not isinstance(each, dict):
                    continue
                listed[str(each.get("id") or "")[:200]] = text_of(each.get("text"))
                author = each.get("from") or {"username": each.get("username")}
                if {author.get("id"), author.get("username")} & own - {None}:
                    continue
                item = self.item(
                    comment_id=each.get("id"),
                    author=author,
                    text=each.get("text"),
                    created=each.get("timestamp"),
                    parent=parent,
                    post=post,
                    now=now,
                )
                # Instagram's comments edge takes no ``since``: filter here.
                if item.posted_at >= since_at:
                    items.append(item)
        edits, removals = self._changes(
            channel,
            post,
            listed,
            complete=complete,
            replies_complete=replies_complete,
            now=now,
        )
        return items, edits, removals

    def item(self, *, comment_id, author, text, created, parent, post, now):
        """Return the ``Item`` of an Instagram comment (poll or webhook)."""
        author = author if isinstance(author, dict) else {}
        username = text_of(author.get("username") or author.get("id"), 200)
        return Item(
            external_id=str(comment_id or "")[:200],
            author=username,
            text=text_of(text),
            posted_at=parse_time(created, now=now),
            author_url=(
                f"https://www.instagram.com/{username}/"
                if username.replace(".", "").replace("_", "").isalnum()
                else ""
            ),
            parent=str(parent or ""),
            post=post,
            extra={"from_id": str(author.get("id") or "")},
        )

    def reply(self, channel, comment, body):
        """Answer with ``POST /{ig-comment-id}/replies``."""
        data = self.graph_call(
            channel, "POST", f"{comment.external_id}/replies", {"message": body}
        )
        return Delivered(external_id=str(data.get("id") or ""))
