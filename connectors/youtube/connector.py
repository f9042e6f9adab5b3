"""The YouTube connector: comments on the channel's videos in, replies and
moderation out (Data API v3).

What it reads, each poll: ``commentThreads.list`` with
``allThreadsRelatedToChannelId`` (every thread on the channel's videos),
newest first (``order=time``), page after page (``pageToken``) down to the
cursor, with the replies each thread carries (and ``comments.list`` for a
thread with more replies than it carries); then the comments *held for
review* (``moderationStatus=heldForReview``), which YouTube shows nobody
until the channel publishes or rejects them: they come in marked ``held``.

The cursor is the publication time of the newest comment read. The API has
no "since" parameter: a poll reads pages until a thread older than the
cursor, and ingest (idempotent) drops what it already has. The first poll
of a channel reads no history: it notes the newest comment's time. A poll
reads at most ``MAX_PAGES`` pages: when more came in since the cursor (a
channel back from an outage, a video gone viral), the cursor keeps its time
and adds where to go on (``resume``: the next page's token, and the newest
comment of the first page, which becomes the cursor once the backlog is
read), so the next polls read the rest, page after page, and nothing older
than the first page is skipped.

Comments already read are followed after that: the list above reads only
what is new, so an edit or a deletion on YouTube would never be seen. Each
poll ends with a bounded re-check (``_recheck``) of the channel's comments
of the last ``YOUTUBE_RECHECK_DAYS`` days and of those still open here:
``comments.list`` with ``id=`` (50 ids a call, 1 unit each; no paging with
``id``), at most ``RECHECK_CALLS`` calls a poll, in passes over them by
their order of storage. A text that differs, with ``updatedAt`` later than
``publishedAt``, is an edit; an id absent from the answer (or a
``commentNotFound`` for it alone) a deletion. Both go to the poll's batch
and through the same services as Meta's pushed edits and removals. Nothing
is concluded from a call that failed: the pass keeps its position (in the
cursor, saved with the rest) and goes on at the next poll; ``quotaExceeded``
keeps it until the reset. A pass starts ``YOUTUBE_RECHECK_MINUTES`` after
the last one ended, later as the quota runs low (``quota.recheck_wait``).
Comments hidden or deleted from here, held for review, erased or already
removed are not re-checked: YouTube shows a rejected or held comment to
nobody, and its absence would say nothing.

A comment's ``external_id`` is its YouTube comment id; a reply's ``parent``
is its thread's top-level comment, which is also what ``comments.insert``
takes as ``parentId`` (YouTube threads are one level deep).
"""

import collections
import datetime
import json
import logging
import re

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connectors.youtube import quota
from connectors.youtube.client import Client, CommentNotFound
from moderation import registry
from moderation.models import Channel, Comment
from moderation.registry import (
    Ability,
    Account,
    AuthFailed,
    AuthorAction,
    Batch,
    Delivered,
    Item,
    Post,
    RateLimit,
)

logger = logging.getLogger(__name__)

PAGE = 100  # commentThreads.list's largest maxResults
MAX_PAGES = 10
# A YouTube comment holds at most 10,000 characters.
MAX_CHARACTERS = 10000
CLOCK_SKEW = datetime.timedelta(minutes=5)
WATCH = "https://www.youtube.com/watch?v={video}"
ID = re.compile(r"[A-Za-z0-9_.-]{1,200}$")
# comments.list by id: ids a call (as the Data API's id lists take), and
# calls a poll's re-check makes at most.
RECHECK_IDS = 50
RECHECK_CALLS = 4


def _when(value, *, now):
    """Return a YouTube date; an unreadable one, or one in the future (the
    year 9999), is ``now`` to the second, as YouTube's dates are: the cursor
    never runs ahead of comments published in the same second."""
    received = now.replace(microsecond=0)
    try:
        when = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return received
    if timezone.is_naive(when):
        when = when.replace(tzinfo=datetime.UTC)
    return received if when > now + CLOCK_SKEW else when


def _id(value):
    value = str(value or "")
    return value if ID.match(value) else ""


def _web_url(value):
    value = str(value or "")
    if len(value) <= 2000 and re.match(r"https?://[^\s]+$", value, re.ASCII):
        return value
    return ""


def _cursor(cursor, *, now):
    """Return the cursor's time, the ids read at that very second (``None``
    and ``[]`` for a channel never polled) and where a backlog goes on
    (``None``, or ``{"token": ..., "top": cursor}``)."""
    if not cursor:
        return None, [], None
    try:
        data = json.loads(cursor)
        resume = data.get("resume")
        if not (
            isinstance(resume, dict)
            and isinstance(resume.get("token"), str)
            and isinstance(resume.get("top"), str)
        ):
            resume = None
        return _when(data["since"], now=now), list(data.get("ids") or []), resume
    except (ValueError, KeyError, TypeError, AttributeError):
        return _when(cursor, now=now), [], None


def _recheck_position(cursor):
    """Return where the re-check of comments already read stands: the last
    comment checked in the pass under way (0: none under way) and when the
    next pass may start (``None``: now)."""
    try:
        data = json.loads(cursor or "{}").get("recheck") or {}
        after = int(data.get("after") or 0)
        next_at = data.get("next_at")
        next_at = datetime.datetime.fromisoformat(next_at) if next_at else None
    except (ValueError, TypeError, AttributeError):
        return 0, None
    if next_at is not None and timezone.is_naive(next_at):
        next_at = next_at.replace(tzinfo=datetime.UTC)
    return max(0, after), next_at


def _with_recheck(cursor, position):
    try:
        data = json.loads(cursor)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"since": cursor}
    data["recheck"] = position
    return json.dumps(data)


def _after(item, since, seen):
    # YouTube's times are to the second: comments of the cursor's second
    # that were not read yet are new.
    return item.posted_at > since or (
        item.posted_at == since and item.external_id not in seen
    )


def _next_cursor(read, since, seen, *, now):
    """Return the cursor past everything ``read`` (the first time: the
    newest comment, else the current second)."""
    newest = max((item.posted_at for item in read), default=None)
    if since is not None and (newest is None or newest < since):
        newest, ids = since, seen
    elif newest is None:
        newest, ids = now.replace(microsecond=0), []
    else:
        ids = [i.external_id for i in read if i.posted_at == newest]
        if since is not None and newest == since:
            ids = sorted({*seen, *ids})
    return json.dumps({"since": newest.isoformat(), "ids": ids[:500]})


def _watch_url(video, comment=""):
    if not video:
        return ""
    url = WATCH.format(video=video)
    return f"{url}&lc={comment}" if comment else url


@registry.register
class YouTube(registry.Connector):
    """A YouTube channel: comments on its videos, answered and moderated."""

    name = "youtube"
    label = _("YouTube")
    abilities = frozenset(
        {
            Ability.RECEIVE_POLL,
            Ability.REPLY,
            Ability.HIDE,
            Ability.DELETE,
            Ability.ACT_ON_AUTHOR,
        }
    )
    # banAuthor: the comment is rejected and the author's later comments on
    # the channel are rejected too.
    author_actions = frozenset({AuthorAction.BLOCK})
    # A ban covers the whole channel and the Data API cannot lift it: an
    # explicit manager action, as the channel's owner would take it.
    author_actions_for_managers = frozenset({AuthorAction.BLOCK})
    max_answer_length = MAX_CHARACTERS
    sign_in_url_name = "youtube:sign-in"
    delete_note = _(
        "YouTube lets a channel delete only its own comments: another's comment "
        "is rejected, which removes it from public view for good."
    )

    # -- check --------------------------------------------------------------

    def check(self, channel):
        """Sign in with the channel's token; return the YouTube channel."""
        client = Client(channel)
        answer = client.execute(
            "channels.list",
            client.service.channels().list(part="snippet", mine=True, maxResults=1),
        )
        items = answer.get("items") or []
        if not items:
            raise AuthFailed("channels.list mine: no channel for this account")
        found = items[0]
        snippet = found.get("snippet") or {}
        channel_id = _id(found.get("id"))
        return Account(
            handle=str(snippet.get("customUrl") or channel_id)[:200],
            name=str(snippet.get("title") or "")[:200],
            url=f"https://www.youtube.com/channel/{channel_id}" if channel_id else "",
        )

    # -- poll ---------------------------------------------------------------

    def poll(self, channel, cursor):
        """Return the comments published since ``cursor`` and those held for
        review, oldest first; the wait before the next poll follows the
        quota left."""
        client = Client(channel)
        now = timezone.now()
        spent_before = quota.used(now=now)
        channel_id = client.stored.get("channel_id", "")
        since, seen, resume = _cursor(cursor, now=now)
        items, read = [], []
        page_token = resume["token"] if resume else None
        backlog = None
        for _page in range(MAX_PAGES):
            answer = client.execute(
                "commentThreads.list",
                client.service.commentThreads().list(
                    part="snippet,replies",
                    allThreadsRelatedToChannelId=channel_id,
                    order="time",
                    textFormat="plainText",
                    maxResults=1 if since is None else PAGE,
                    pageToken=page_token,
                ),
                now=now,
            )
            reached = since is None
            for thread in answer.get("items") or []:
                found = self._thread_items(client, thread, now=now, since=since)
                read.extend(found)
                if since is not None:
                    items.extend(i for i in found if _after(i, since, seen))
                    top = self._top(thread)
                    if _when(top.get("publishedAt"), now=now) < since:
                        reached = True
            page_token = answer.get("nextPageToken")
            if reached or not page_token:
                break
        else:
            # Every page read and the cursor not reached: more to read there.
            backlog = page_token if since is not None else None
        # Past this poll: the newest comment of the backlog's first page, or
        # of what this poll read.
        past = resume["top"] if resume else _next_cursor(read, since, seen, now=now)
        if backlog:
            logger.info(
                "YouTube poll of %s: more than %s pages since the cursor; the "
                "next poll goes on from there",
                channel.slug,
                MAX_PAGES,
            )
            new_cursor = json.dumps(
                {
                    "since": since.isoformat(),
                    "ids": seen,
                    "resume": {"token": backlog, "top": past},
                }
            )
        else:
            new_cursor = past
        items.extend(self._held(client, channel_id, now=now))
        # The channel's own answers are not comments to moderate.
        items = [i for i in items if i.extra["author_channel_id"] != channel_id]
        poll_cost = quota.used(now=now) - spent_before
        edits, removals, position = self._recheck(
            client, channel, channel_id, cursor, now=now
        )
        return self._batch(
            channel,
            items,
            _with_recheck(new_cursor, position),
            poll_cost,
            now=now,
            edits=edits,
            removals=removals,
        )

    def _batch(self, channel, items, cursor, poll_cost, *, now, edits, removals):
        spent = quota.used(now=now)
        left = max(0, quota.limit() - spent)
        wait = quota.poll_wait(
            interval=datetime.timedelta(seconds=channel.poll_seconds()),
            remaining=left,
            now=now,
            cost_per_poll=max(1, poll_cost),
            channels=self._channels(),
        )
        unique = {}
        for item in sorted(items, key=lambda i: (i.posted_at, i.external_id)):
            unique.setdefault(item.external_id, item)
        return Batch(
            items=list(unique.values()),
            cursor=cursor,
            rate_limit=RateLimit(
                limit=quota.limit(), remaining=left, reset_at=quota.reset_at(now)
            ),
            wait=wait,
            edits=tuple(edits),
            removals=tuple(removals),
        )

    def _channels(self):
        count = Channel.objects.filter(active=True, connector=self.name).count()
        return max(1, count)

    # -- re-check: edits and deletions of comments already read -------------

    @staticmethod
    def recheck_candidates(channel, *, now):
        """Return the channel's comments to re-check on YouTube: those of the
        last ``YOUTUBE_RECHECK_DAYS`` days and those still open, that are
        neither removed there, nor hidden, deleted or erased here, nor held
        for review (nobody but the channel sees those)."""
        recent = now - datetime.timedelta(days=settings.YOUTUBE_RECHECK_DAYS)
        return (
            Comment.objects.filter(
                channel=channel,
                removed_on_platform_at__isnull=True,
                text_erased_at__isnull=True,
            )
            .filter(Q(posted_at__gte=recent) | Q(status__in=Comment.OPEN_STATUSES))
            .exclude(status__in=[Comment.Status.HIDDEN, Comment.Status.DELETED])
            .exclude(hidden_on_platform=True)
            .exclude(platform_data__held=True)
        )

    def _recheck(self, client, channel, channel_id, cursor, *, now):
        """Re-check a bounded slice of the comments already read; return the
        edits, the removals and the pass's new position (for the cursor)."""
        after, next_at = _recheck_position(cursor)
        position = {"after": after, "next_at": next_at.isoformat() if next_at else None}
        if after == 0 and next_at is not None and now < next_at:
            return [], [], position
        candidates = self.recheck_candidates(channel, now=now)
        budget = RECHECK_IDS * RECHECK_CALLS
        rows = list(
            candidates.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "external_id", "text")[: budget + 1]
        )
        more = len(rows) > budget
        # Ids are the platform's, checked at ingest; one that is not (stored
        # another way) is passed over.
        rows = rows[:budget]
        queue = collections.deque(
            rows[start : start + RECHECK_IDS]
            for start in range(0, len(rows), RECHECK_IDS)
        )
        edits, removals, calls, done = [], [], 0, after
        while queue:
            if (
                calls >= RECHECK_CALLS
                or quota.remaining(now=now) <= quota.RESERVE_UNITS
            ):
                break  # the rest at the next poll
            part = queue.popleft()
            ids = [external_id for _pk, external_id, _text in part if _id(external_id)]
            if not ids:
                done = part[-1][0]
                continue
            calls += 1
            try:
                answer = client.execute(
                    "comments.list",
                    client.service.comments().list(
                        part="snippet",
                        id=",".join(ids),
                        textFormat="plainText",
                    ),
                    now=now,
                )
            except CommentNotFound:
                if len(part) > 1:
                    # Which one is gone: each half again.
                    half = len(part) // 2
                    queue.appendleft(part[half:])
                    queue.appendleft(part[:half])
                    continue
                answer = {"items": []}
            except registry.ConnectorError as exc:
                # Nothing concluded from a failed call: this slice again later.
                logger.warning("YouTube re-check of %s stopped: %s", channel.slug, exc)
                queue.appendleft(part)
                break
            found_edits, found_removals = self._compare(
                part, answer, channel_id, now=now
            )
            edits.extend(found_edits)
            removals.extend(found_removals)
            done = part[-1][0]
        if queue or more:
            return edits, removals, {"after": done, "next_at": position["next_at"]}
        # The pass is over: the next one once the quota allows it.
        wait = quota.recheck_wait(
            interval=datetime.timedelta(minutes=settings.YOUTUBE_RECHECK_MINUTES),
            remaining=quota.remaining(now=now),
            now=now,
            cost_per_pass=-(-candidates.count() // RECHECK_IDS),
            channels=self._channels(),
        )
        return edits, removals, {"after": 0, "next_at": (now + wait).isoformat()}

    @staticmethod
    def _compare(part, answer, channel_id, *, now):
        """Return the edits and removals ``answer`` (comments.list by id) shows
        among ``part``'s comments."""
        by_id = {}
        for comment in answer.get("items") or []:
            if isinstance(comment, dict) and _id(comment.get("id")):
                by_id[comment["id"]] = comment.get("snippet") or {}
        edits, removals = [], []
        for _pk, external_id, text in part:
            if not _id(external_id):
                continue
            snippet = by_id.get(external_id)
            if snippet is None:
                # Not in the answer: deleted on YouTube (or removed from
                # public view there).
                removals.append(external_id)
                continue
            if snippet.get("channelId") and snippet["channelId"] != channel_id:
                continue  # not this channel's: nothing to say about it
            new = str(snippet.get("textDisplay") or snippet.get("textOriginal") or "")
            updated = _when(snippet.get("updatedAt"), now=now)
            published = _when(snippet.get("publishedAt"), now=now)
            if new and new != text and updated > published:
                edits.append((external_id, new))
        return edits, removals

    def _held(self, client, channel_id, *, now):
        answer = client.execute(
            "commentThreads.list",
            client.service.commentThreads().list(
                part="snippet,replies",
                allThreadsRelatedToChannelId=channel_id,
                moderationStatus="heldForReview",
                textFormat="plainText",
                maxResults=PAGE,
            ),
            now=now,
        )
        held = []
        for thread in answer.get("items") or []:
            for item in self._thread_items(client, thread, now=now, since=None):
                if item.extra.get("held"):
                    held.append(item)
        return held

    @staticmethod
    def _top(thread):
        return ((thread.get("snippet") or {}).get("topLevelComment") or {}).get(
            "snippet"
        ) or {}

    def _thread_items(self, client, thread, *, now, since):
        snippet = thread.get("snippet") or {}
        top = snippet.get("topLevelComment") or {}
        video = _id(snippet.get("videoId") or self._top(thread).get("videoId"))
        post = Post(external_id=video, url=_watch_url(video)) if video else None
        thread_id = _id(top.get("id") or thread.get("id"))
        items = [self._item(top, thread_id=thread_id, video=video, post=post, now=now)]
        replies = (thread.get("replies") or {}).get("comments") or []
        total = int(snippet.get("totalReplyCount") or 0)
        if total > len(replies) and since is not None:
            latest = (
                max(
                    (_when((r.get("snippet") or {}).get("publishedAt"), now=now))
                    for r in replies
                )
                if replies
                else None
            )
            # The thread carries only some replies: read them all while any
            # may be new.
            if latest is None or latest >= since:
                replies = self._replies(client, thread_id, now=now)
        items.extend(
            self._item(reply, thread_id=thread_id, video=video, post=post, now=now)
            for reply in replies
        )
        return [item for item in items if item.external_id]

    def _replies(self, client, thread_id, *, now):
        answer = client.execute(
            "comments.list",
            client.service.comments().list(
                part="snippet",
                parentId=thread_id,
                textFormat="plainText",
                maxResults=PAGE,
            ),
            now=now,
        )
        return answer.get("items") or []

    def _item(self, comment, *, thread_id, video, post, now):
        snippet = comment.get("snippet") or {}
        external_id = _id(comment.get("id"))
        parent = _id(snippet.get("parentId"))
        author_channel = (snippet.get("authorChannelId") or {}).get("value", "")
        return Item(
            external_id=external_id,
            author=str(snippet.get("authorDisplayName") or "")[:200],
            author_name=str(snippet.get("authorDisplayName") or "")[:200],
            author_url=_web_url(snippet.get("authorChannelUrl")),
            text=str(snippet.get("textDisplay") or snippet.get("textOriginal") or ""),
            posted_at=_when(snippet.get("publishedAt"), now=now),
            url=_watch_url(video, external_id),
            parent=parent if parent and parent != external_id else "",
            post=post,
            extra={
                "thread_id": thread_id,
                "video_id": video,
                "author_channel_id": _id(author_channel),
                "held": snippet.get("moderationStatus") == "heldForReview",
            },
        )

    # -- reply --------------------------------------------------------------

    def reply(self, channel, comment, body):
        """Post ``body`` as a reply in the comment's thread."""
        client = Client(channel)
        data = comment.platform_data or {}
        parent = (
            data.get("thread_id") or comment.parent_external_id or comment.external_id
        )
        answer = client.execute(
            "comments.insert",
            client.service.comments().insert(
                part="snippet",
                body={"snippet": {"parentId": parent, "textOriginal": body.strip()}},
            ),
        )
        reply_id = _id(answer.get("id"))
        return Delivered(
            external_id=reply_id, url=_watch_url(data.get("video_id", ""), reply_id)
        )

    # -- moderate -----------------------------------------------------------

    def hide(self, channel, comment, *, hidden):
        """Reject the comment (hidden), or publish it: a held comment
        approved, a rejected one shown again."""
        self._moderate(channel, comment, "rejected" if hidden else "published")

    def delete(self, channel, comment):
        """Delete the comment: ``comments.delete`` where the channel wrote it
        (the only comments it may delete); another's comment is rejected
        (``setModerationStatus``), which removes it from public view for
        good, as *Remove* does in YouTube Studio."""
        client = Client(channel)
        author = (comment.platform_data or {}).get("author_channel_id", "")
        if author and author == client.stored.get("channel_id"):
            request = client.service.comments().delete(id=comment.external_id)
            client.execute("comments.delete", request)
            return
        self._moderate(channel, comment, "rejected")

    def act_on_author(self, channel, comment, action, *, reason=""):
        """Block: reject the comment and ban its author from the channel."""
        if AuthorAction(action) != AuthorAction.BLOCK:
            raise registry.Unsupported(f"youtube cannot {action}")
        self._moderate(channel, comment, "rejected", ban=True)

    def _moderate(self, channel, comment, status, *, ban=False):
        client = Client(channel)
        options = {"banAuthor": True} if ban else {}
        client.execute(
            "comments.setModerationStatus",
            client.service.comments().setModerationStatus(
                id=comment.external_id, moderationStatus=status, **options
            ),
        )
