"""How long each periodic sweep took last time, shared by every process.

The figures live in the shared cache (Redis in production), not in process
memory, so that ``/metrics`` answers the same whichever web process scrapes.
"""

import contextlib
import time

from django.core.cache import cache

KEY = "sweeps:last:{name}"
NAMES_KEY = "sweeps:names"
# A figure older than this is dropped by the cache: a sweep that stopped running
# disappears from the scrape instead of showing a stale duration.
KEEP_SECONDS = 24 * 3600


@contextlib.contextmanager
def timed(name):
    """Time the sweep ``name``; keep its duration and end for ``/metrics``."""
    started = time.monotonic()
    try:
        yield
    finally:
        record = {"seconds": time.monotonic() - started, "finished_at": time.time()}
        with contextlib.suppress(Exception):  # a dead cache must not fail a sweep
            cache.set(KEY.format(name=name), record, KEEP_SECONDS)
            names = set(cache.get(NAMES_KEY) or ()) | {name}
            cache.set(NAMES_KEY, sorted(names), None)


def last_runs():
    """Return ``{name: {"seconds": ..., "finished_at": ...}}`` of recent sweeps."""
    names = cache.get(NAMES_KEY) or []
    found = cache.get_many([KEY.format(name=name) for name in names])
    return {
        name: found[KEY.format(name=name)]
        for name in names
        if KEY.format(name=name) in found
    }
