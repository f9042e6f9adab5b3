"""Ingest: store incoming comments with their matches and due times, from
the API, webhooks and imports."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.enqueue import enqueue
from core.transactions import after_commit
from moderation import webhooks
from moderation.models import Comment, Event, Post, RuleMatch, WebhookDelivery
from moderation.services.automation import acting_rule
from moderation.services.routing import queue_routing
from moderation.sla.clock import due_times
from moderation.sla.outcomes import posted_period_of
from policies.classify import classify_text
from policies.matcher import CONFIDENCE_RANK, MEDIUM
from policies.models import SEVERITY_RANK


def priority_for(matches):
    """Return a comment's priority: its highest severity, then how sure the
    surest match of that severity is, then how many rules it hit.

    Confidence only orders the inbox: a comment of low confidence is still
    stored, shown and due like any other.
    """
    if not matches:
        return 0
    highest = max(SEVERITY_RANK[m.severity] for m in matches)
    surest = max(
        CONFIDENCE_RANK.get(getattr(m, "confidence", MEDIUM), 2)
        for m in matches
        if SEVERITY_RANK[m.severity] == highest
    )
    return highest * 100 + surest * 10 + min(9, len({m.rule for m in matches}))


def comment_ingest(
    *,
    channel,
    external_id,
    author,
    text,
    posted_at,
    url="",
    language=None,
    parent="",
    actor=None,
    now=None,
    route=True,
    **context,
):
    """Store an incoming comment with its matches and due time; return it and
    whether it was new (see ``comments_ingest``, which says what ``context``
    may hold)."""
    item = {
        "channel": channel,
        "external_id": external_id,
        "author": author,
        "text": text,
        "posted_at": posted_at,
        "url": url,
        "language": language,
        "parent": parent,
        **context,
    }
    [result] = comments_ingest(items=[item], actor=actor, now=now, route=route)
    return result


def comments_ingest(*, items, actor=None, now=None, route=True):
    """Store incoming comments with their matches, due times and audit events;
    return ``(comment, created)`` for each item, in order.

    Each item is a dict of ``comment_ingest``'s arguments, and may carry the
    context a connector read (``moderation.registry.Item.for_ingest``):
    ``author_name``, ``author_url``, ``post`` (a ``registry.Post``, stored
    once per channel and updated when it changed) and ``extra`` (kept as
    ``Comment.platform_data``). A batch costs one
    lookup of what is already stored, one insert per table, one commit and one
    routing task. Idempotent on (channel, external id), also when deliveries
    race: if a concurrent one stored some of the comments first, the batch is
    stored again one comment at a time and those return the winner's comment.
    ``route=False`` stores without routing or alerting (loading history).
    """
    now = now or timezone.now()
    stored = _stored_comments(items)
    results, fresh, seen = [], [], {}
    specs = {}
    for item in items:
        key = (item["channel"].pk, item["external_id"])
        if key in stored:
            results.append((stored[key], False))
        elif key in seen:  # the same comment twice in one batch
            results.append((seen[key], False))
        else:
            comment, found = _prepare_comment(item, specs=specs, now=now)
            seen[key] = comment
            fresh.append((comment, found))
            results.append((comment, True))
    if not fresh:
        return results
    try:
        with transaction.atomic():
            _insert_comments(fresh, actor=actor, now=now)
    except IntegrityError:
        if len(items) == 1:  # lost the race: the winner's comment is stored
            item = items[0]
            winner = Comment.objects.get(
                channel=item["channel"], external_id=item["external_id"]
            )
            return [(winner, False)]
        # A concurrent delivery stored some of them first: one at a time.
        return [
            result
            for item in items
            for result in comments_ingest(
                items=[item], actor=actor, now=now, route=route
            )
        ]
    if not route:
        return results
    created = [comment for comment, _found in fresh]
    versions = {}
    automated = [
        comment.pk
        for comment, found in fresh
        if acting_rule(comment, [m.rule for m in found], versions, now=now)
    ]
    if automated:
        after_commit(enqueue, "moderation.tasks.auto_hide", automated)
    # Routing waits for the commit; if the broker is down the comments are
    # kept all the same, and the minute sweep routes them later.
    after_commit(
        queue_routing,
        [c.pk for c in created],
        [c.pk for c in created if c.severity == "critical"],
    )
    return results


def _stored_comments(items):
    by_channel = {}
    for item in items:
        by_channel.setdefault(item["channel"].pk, set()).add(item["external_id"])
    stored = {}
    for channel_id, external_ids in by_channel.items():
        for comment in Comment.objects.filter(
            channel_id=channel_id, external_id__in=external_ids
        ):
            stored[(channel_id, comment.external_id)] = comment
    return stored


def _prepare_comment(item, *, specs, now):
    """Classify an item and compute its due time; return the unsaved comment and
    its matches. ``specs`` caches calendars across a batch."""
    channel, posted_at = item["channel"], item["posted_at"]
    result = classify_text(
        text=item["text"],
        language=item.get("language"),
        platform=channel.platform,
        author=item["author"],
    )
    severity = max(
        (m.severity for m in result.matches), key=SEVERITY_RANK.get, default=""
    )
    clock = due_times(
        channel=channel, severity=severity, posted_at=posted_at, specs=specs
    )
    comment = Comment(
        channel=channel,
        external_id=item["external_id"],
        author=item["author"],
        text=item["text"],
        language=result.language,
        url=item.get("url") or "",
        parent_external_id=(item.get("parent") or "")[:500],
        author_name=(item.get("author_name") or "")[:200],
        author_url=_web_address(item.get("author_url")),
        platform_data=item.get("extra") or {},
        posted_at=posted_at,
        received_at=now,
        severity=severity,
        priority=priority_for(result.matches),
        categories=sorted({m.category for m in result.matches}),
        policy_version=result.policy_version,
        posted_period=posted_period_of(channel, posted_at),
        **clock.fields(),
    )
    comment.incoming_post = item.get("post")
    return comment, result.matches


def _web_address(url):
    """Return ``url`` if it is an http(s) address that fits, else "".

    A profile or post link from a platform is shown as a link: never a
    ``javascript:`` or ``data:`` address.
    """
    url = (url or "").strip()
    if len(url) > 2000 or not url.lower().startswith(("https://", "http://")):
        return ""
    return url


def _store_posts(comments):
    """Store the posts the comments answer (one insert, updating those whose
    text or address changed) and link each comment to its post."""
    incoming = {}
    for comment in comments:
        post = comment.incoming_post
        if post is not None and post.external_id:
            incoming[(comment.channel_id, post.external_id[:500])] = post
    if not incoming:
        return
    Post.objects.bulk_create(
        [
            Post(
                channel_id=channel_id,
                external_id=external_id,
                text=post.text or "",
                url=_web_address(post.url),
                posted_at=post.posted_at,
            )
            for (channel_id, external_id), post in incoming.items()
        ],
        update_conflicts=True,
        unique_fields=["channel", "external_id"],
        update_fields=["text", "url", "posted_at"],
    )
    ids = {}
    for channel_id in {channel_id for channel_id, _ in incoming}:
        external_ids = [e for c, e in incoming if c == channel_id]
        for pk, external_id in Post.objects.filter(
            channel_id=channel_id, external_id__in=external_ids
        ).values_list("pk", "external_id"):
            ids[(channel_id, external_id)] = pk
    for comment in comments:
        post = comment.incoming_post
        if post is not None and post.external_id:
            comment.post_id = ids[(comment.channel_id, post.external_id[:500])]


def _insert_comments(fresh, *, actor, now):
    _store_posts([comment for comment, _found in fresh])
    comments = Comment.objects.bulk_create([comment for comment, _found in fresh])
    RuleMatch.objects.bulk_create(
        RuleMatch(
            comment=comment,
            policy_version=comment.policy_version,
            rule=m.rule,
            category=m.category,
            severity=m.severity,
            pattern=m.pattern[:500],
            start=m.start,
            end=m.end,
            excerpt=m.excerpt,
        )
        for comment, (_, found) in zip(comments, fresh, strict=True)
        for m in found
    )
    Event.objects.bulk_create(
        Event(comment=c, actor=actor, action="ingested", after=c.status, at=now)
        for c in comments
    )


def webhook_verify(*, channel, timestamp, signature, body, now=None):
    """Return the digest of a request signed by the channel's secret within the
    time window; raise ``BadSignature`` otherwise. Nothing is recorded."""
    now = now or timezone.now()
    return webhooks.verify(
        channel.webhook_secret, timestamp, signature, body, now=now.timestamp()
    )


def webhook_accept(*, channel, digest, item, now=None):
    """Record a verified delivery and ingest its comment in one transaction;
    return ``(comment, created)``; raise ``BadSignature`` on a replay.

    The delivery row commits with the comment or not at all: a request whose
    ingest failed (database restarting, nothing published, a crash) leaves no
    trace, so the platform's retry of it is accepted, and stores the comment
    once since ingest is idempotent on (channel, external id). Two copies of
    one request at once wait for each other on the unique delivery row; the
    second is refused once the first has committed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(
                    channel=channel, signature=digest, received_at=now
                )
        except IntegrityError:
            raise webhooks.BadSignature("replayed request") from None
        return comment_ingest(channel=channel, now=now, **item)


def webhook_deliveries_purge(*, now=None):
    """Delete the deliveries too old to be replayed; return how many.

    A request is refused once its timestamp is out of the window, so a
    delivery's row is no longer needed past ``webhooks.REPLAY_WINDOW``.
    """
    now = now or timezone.now()
    deleted, _by_model = WebhookDelivery.objects.filter(
        received_at__lt=now - webhooks.REPLAY_WINDOW
    ).delete()
    return deleted
