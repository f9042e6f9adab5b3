"""The audit trail's hash chain: what is hashed, and how.

Each event carries ``hash``, the SHA-256 of the previous event's hash and of its
own content, and ``prev_hash``, the previous event's hash; ``seq`` numbers the
events in chain order, from 1. Changing, removing or inserting a row breaks the
chain at that row, and ``manage.py verify_audit`` names it. Someone who can
rewrite the database can also recompute every later hash, which is why the
chain's head is recorded and e-mailed to managers every day (anchors): a
rewritten history no longer ends with the hash they received.

This module only computes; it imports no model, so that the models, the
services and the verifying command all hash the same way.
"""

import datetime
import hashlib
import json

GENESIS = "0" * 64


def canonical(*, seq, comment_id, actor_id, action, before, after, reason, at):
    """The bytes an event's hash covers: its fields as sorted, compact JSON.

    The time is written in UTC with microseconds, as both databases store it.
    """
    return json.dumps(
        {
            "action": action,
            "actor": actor_id,
            "after": after,
            "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "before": before,
            "comment": comment_id,
            "reason": reason,
            "seq": seq,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def link(prev_hash, content):
    """The hash of an event whose content is ``content``, after ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()
