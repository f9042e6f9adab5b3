"""The retry policy of everything that leaves: e-mails and outbox messages.

Ten attempts; the waits between them double from one minute up to an hour
(about 4 h in all), then the item stays failed until someone puts it back in
line. Each attempt first leases the item for ``LEASE``: longer than any one
attempt's deadline, so that two senders never send it at once, short enough
that a killed worker's item is picked up again by the next sweep.
"""

import datetime

MAX_ATTEMPTS = 10
FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=1)
LEASE = datetime.timedelta(minutes=2)


# A receiver's "retry after" is believed up to this (a daily quota's reset).
LONGEST_RETRY_AFTER = datetime.timedelta(days=1)


def backoff(attempts, error=None):
    """Return the wait after the ``attempts``-th failed attempt: no shorter
    than the ``retry_after`` seconds ``error`` carries, when the receiver
    said when to come back (a rate limit, a spent quota)."""
    wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (attempts - 1))
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        asked = datetime.timedelta(seconds=retry_after)
        wait = max(wait, min(asked, LONGEST_RETRY_AFTER))
    return wait


def gave_up(attempts):
    """Return whether ``attempts`` failed attempts are the last there will be."""
    return attempts >= MAX_ATTEMPTS
