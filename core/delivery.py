"""Delivering the rows of an outbox (e-mails, messages to a platform).

A row is ``pending`` until it is ``sent``, or ``failed`` once the retry policy
of ``core.retry`` gives up; a person may put a failed row back in line. Each
attempt is counted and the row leased by a conditional update, committed on
its own, before anything leaves: two senders cannot both send it, and a
sender killed mid-attempt leaves it due again once the lease ends.
"""

import logging

from django.db.models import F
from django.utils import timezone

from core import retry

logger = logging.getLogger(__name__)

FIELDS = ["status", "next_attempt_at", "last_error", "sent_at"]


def attempt(queryset, pk, *, now, send, failures, error_text, label=str, sent=None):
    """Make one attempt at delivering row ``pk`` of ``queryset`` if it is due.

    Call ``send(row)``; an exception of ``failures`` counts as a failed attempt
    and ``error_text(exc)`` is what the row keeps of it. ``sent(row, result)``,
    when given, records what ``send`` returned on the row and returns the
    names of the fields it set, saved with the status. Return the row's
    status afterwards, or ``None`` when another sender holds it or it is not
    due. ``label(row)`` names the row in the log.
    """
    Status = queryset.model.Status
    leased = queryset.filter(
        pk=pk, status=Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + retry.LEASE, attempts=F("attempts") + 1)
    if not leased:
        return None
    row = queryset.get(pk=pk)
    fields = list(FIELDS)
    try:
        result = send(row)
    except failures as exc:
        row.status = Status.FAILED if retry.gave_up(row.attempts) else Status.PENDING
        row.next_attempt_at = now + retry.backoff(row.attempts, exc)
        row.last_error = error_text(exc)[:500]
        logger.warning(
            "%s not delivered (attempt %d): %s", label(row), row.attempts, exc
        )
    else:
        row.status = Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        if sent is not None:
            fields += sent(row, result)
    row.save(update_fields=fields)
    return row.status


def due(queryset, *, now, limit):
    """Return the ids of the rows due for an attempt, the longest waiting first.

    Through each outbox's partial index on ``next_attempt_at`` (pending rows).
    """
    return list(
        queryset.filter(status=queryset.model.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def put_back(queryset, pk, *, now):
    """Give a failed row a fresh set of attempts, due at ``now``; return whether."""
    Status = queryset.model.Status
    return bool(
        queryset.filter(pk=pk, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now
        )
    )
