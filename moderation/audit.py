"""The audit trail's hash chain: what is hashed, and how.

Each event carries ``hash``, the SHA-256 of the previous event's hash and of its
own content, and ``prev_hash``, the previous event's hash; ``seq`` numbers the
events in chain order, from 1. Changing, removing or inserting a row breaks the
chain at that row, and ``manage.py verify_audit`` names it. Someone who can
rewrite the database can also recompute every later hash, which is why the
chain's head is recorded and e-mailed to managers every day (anchors): a
rewritten history no longer ends with the hash they received.

An event's reason (free text: an old comment text, a note on a decision) may
hold personal data, which the retention schedule erases in time. So the hash
covers the reason's own SHA-256 (``reason_sha256``), kept when the reason is
erased: an erased event still proves its action, actor, time and place in the
chain, and that it had a reason, without keeping what the reason said.

This module only computes; it imports no model, so that the models, the
services and the verifying command all hash the same way.
"""

import datetime
import hashlib
import json

GENESIS = "0" * 64


def reason_digest(reason):
    """The SHA-256 of an event's reason, which its hash covers in its place."""
    return hashlib.sha256(reason.encode()).hexdigest()


def _sorted_json(*, seq, comment_id, actor_id, action, before, after, at, **more):
    return json.dumps(
        {
            "action": action,
            "actor": actor_id,
            "after": after,
            "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "before": before,
            "comment": comment_id,
            "seq": seq,
            **more,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def canonical(*, reason_sha256, **fields):
    """The bytes an event's hash covers: its fields (``seq``, ``comment_id``,
    ``actor_id``, ``action``, ``before``, ``after``, ``at``) as sorted, compact
    JSON, the reason by its SHA-256 (``reason_digest``).

    The time is written in UTC with microseconds, as both databases store it.
    """
    return _sorted_json(reason_sha256=reason_sha256, **fields)


def canonical_v1(*, reason, **fields):
    """The first version's bytes, which held the reason itself: what chains
    written before reasons could be erased were hashed with (migrations)."""
    return _sorted_json(reason=reason, **fields)


def link(prev_hash, content):
    """The hash of an event whose content is ``content``, after ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()
