"""Who else has a comment open: kept in the cache, never in the database.

Each comment page asks every ``POLL_SECONDS`` (htmx polling); each ask says
"I am here" and reads who else said so within ``PRESENCE_SECONDS``. Leaving
the page says "I left". Several people asking at once may each write the
list without the other (no lock: the cache is shared by web hosts); the one
dropped writes himself back at his next ask, one interval later.
"""

import time

from django.core.cache import cache

POLL_SECONDS = 10
# Three asks missed and one is no longer there (a closed laptop, a lost tab).
PRESENCE_SECONDS = 3 * POLL_SECONDS


def _key(comment_id):
    return f"presence:comment:{int(comment_id)}"


def present(comment_id, *, now=None):
    """Return ``{user id: name}`` of those who have the comment open."""
    now = time.time() if now is None else now
    seen = cache.get(_key(comment_id)) or {}
    return {
        int(user_id): name
        for user_id, (name, at) in seen.items()
        if now - at < PRESENCE_SECONDS
    }


def presence_here(comment_id, *, user_id, name, now=None):
    """Record that ``user_id`` has the comment open; return the others there."""
    now = time.time() if now is None else now
    seen = {
        user_id_: (name_, at)
        for user_id_, (name_, at) in (cache.get(_key(comment_id)) or {}).items()
        if now - at < PRESENCE_SECONDS
    }
    seen[int(user_id)] = (name, now)
    cache.set(_key(comment_id), seen, PRESENCE_SECONDS)
    return {
        user_id_: name_
        for user_id_, (name_, _at) in seen.items()
        if user_id_ != user_id
    }


def presence_left(comment_id, *, user_id):
    """Forget that ``user_id`` has the comment open."""
    seen = cache.get(_key(comment_id)) or {}
    if seen.pop(int(user_id), None) is not None:
        cache.set(_key(comment_id), seen, PRESENCE_SECONDS)
