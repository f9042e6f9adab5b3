"""Meta's webhooks for the app: Page ``feed`` changes and Instagram
``comments``, turned into comments, edits and removals.

``signature_valid`` checks ``X-Hub-Signature-256`` (``sha256=`` and the
HMAC-SHA256 of the raw body with the app secret) before anything is parsed.
``process`` does the work, in a task queued once the request answered 200:

- ``feed`` with ``item=comment``: ``add`` is a new comment (ingest, which
  stores a duplicated delivery once), ``edited`` re-matches the new text and
  writes an event, ``remove`` marks the comment removed on the platform;
  ``hide`` and ``unhide`` (by a moderator of the Page on Facebook, or the
  echo of a hide sent from here) record the comment's state there, with an
  event when it is not the echo;
- ``comments`` (Instagram) is a new comment; Instagram sends no edits.

Deliveries for a Page or account no channel watches are dropped (logged).
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.utils import timezone

from connectors.meta.connector import parse_time, web_url
from moderation import registry
from moderation.models import Channel
from moderation.models import Post as StoredPost
from moderation.registry import Post
from moderation.services.ingest import comments_ingest
from moderation.services.platform_changes import (
    comment_edited_on_platform,
    comment_hidden_on_platform,
    comment_removed_on_platform,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_valid(body, header):
    """Return whether ``header`` is the app's signature of the raw ``body``."""
    secret = settings.META_APP_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def sign(body, secret=None):
    """Return the ``X-Hub-Signature-256`` value of ``body`` (as Meta signs)."""
    secret = (secret or settings.META_APP_SECRET).encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _channels(connector, key, value):
    """Return the active channels of ``connector`` whose credentials hold
    ``key == value``. Credentials are encrypted, so each channel of the
    connector is read: a deployment watches a handful of Pages."""
    return [
        channel
        for channel in Channel.objects.filter(connector=connector, active=True)
        if value and str(channel.get_credentials().get(key) or "") == value
    ]


def process(payload, *, now=None):
    """Apply one delivery (its parsed JSON); return how many comments it stored."""
    now = now or timezone.now()
    if not isinstance(payload, dict):
        return 0
    kind = payload.get("object")
    stored = 0
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        entry_id = str(entry.get("id") or "")
        if kind == "page":
            channels, field = _channels("facebook", "page_id", entry_id), "feed"
        elif kind == "instagram":
            channels = _channels("instagram", "ig_user_id", entry_id)
            field = "comments"
        else:
            logger.info("Meta delivery for object %.40r ignored", kind)
            continue
        if not channels:
            logger.info("Meta delivery for %s %s: not watched", kind, entry_id)
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or change.get("field") != field:
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            for channel in channels:
                if kind == "page":
                    stored += _feed_change(channel, value, now=now)
                else:
                    stored += _instagram_comment(channel, value, now=now)
    return stored


def _feed_change(channel, value, *, now):
    if value.get("item") != "comment":
        return 0
    comment_id = str(value.get("comment_id") or "")[:200]
    if not comment_id:
        return 0
    verb = value.get("verb")
    if verb == "edited":
        comment_edited_on_platform(
            channel=channel,
            external_id=comment_id,
            text=str(value.get("message") or ""),
            now=now,
        )
        return 0
    if verb == "remove":
        comment_removed_on_platform(channel=channel, external_id=comment_id, now=now)
        return 0
    if verb in ("hide", "unhide"):
        comment_hidden_on_platform(
            channel=channel, external_id=comment_id, hidden=verb == "hide", now=now
        )
        return 0
    if verb != "add":
        return 0
    author = value.get("from") or {}
    if str(author.get("id") or "") == channel.get_credentials().get("page_id"):
        return 0  # the Page's own answer
    post_data = value.get("post") if isinstance(value.get("post"), dict) else {}
    post = _post(
        channel,
        value.get("post_id") or post_data.get("id"),
        fields="message,permalink_url,created_time",
        now=now,
    )
    item = registry.get("facebook").item(
        comment_id=comment_id,
        author=author,
        text=value.get("message"),
        created=value.get("created_time"),
        parent=value.get("parent_id"),
        url="",
        post=post,
        now=now,
    )
    return _ingest(channel, item, now=now)


def _instagram_comment(channel, value, *, now):
    comment_id = str(value.get("id") or "")[:200]
    author = value.get("from") or {}
    credentials = channel.get_credentials()
    if not comment_id or str(author.get("id") or "") == credentials.get("ig_user_id"):
        return 0
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    item = registry.get("instagram").item(
        comment_id=comment_id,
        author=author,
        text=value.get("text"),
        created=None,
        parent=value.get("parent_id"),
        post=_post(
            channel, media.get("id"), fields="caption,permalink,timestamp", now=now
        ),
        now=now,
    )
    return _ingest(channel, item, now=now)


def _post(channel, post_id, *, fields, now):
    """Return the post ``post_id`` answers with its text: as stored already,
    else read from the Graph API (a delivery names the post but does not say
    what it said). Without an answer, the post by its id only."""
    post_id = str(post_id or "")[:500]
    if not post_id:
        return None
    stored = StoredPost.objects.filter(channel=channel, external_id=post_id).first()
    if stored is not None:
        return Post(
            external_id=post_id,
            text=stored.text,
            url=stored.url,
            posted_at=stored.posted_at,
        )
    connector = registry.get(channel.connector)
    try:
        data = connector.graph_call(
            channel, "GET", post_id, {"fields": fields}, now=now
        )
    except registry.ConnectorError as exc:
        logger.info("Post %s of channel %s not read: %s", post_id, channel.slug, exc)
        return Post(external_id=post_id)
    return Post(
        external_id=post_id,
        text=str(data.get("message") or data.get("caption") or "")[:20000],
        url=web_url(data.get("permalink_url") or data.get("permalink")),
        posted_at=parse_time(
            data.get("created_time") or data.get("timestamp"), now=now
        ),
    )


def _ingest(channel, item, *, now):
    [(_comment, created)] = comments_ingest(items=[item.for_ingest(channel)], now=now)
    return int(created)
