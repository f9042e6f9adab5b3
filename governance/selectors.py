"""Site-wide reads: health of the parts the product depends on."""

from django.db import connection
from django.utils import timezone

from core.models import OutgoingMail
from governance.celery import (
    BrokerPaused,
    broker_pause_if_timed_out,
    broker_paused,
)
from governance.celery import app as celery_app
from governance.models import Heartbeat
from moderation import health
from moderation.models import Channel

# The worker beats every minute; allow one missed beat before calling it late.
HEARTBEAT_STALE_AFTER_SECONDS = 150


def database_status():
    """Return ``(ok, detail)`` after a round trip to the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, exc.__class__.__name__
    return True, connection.vendor


def broker_status():
    """Return ``(ok, detail)`` after connecting to the Celery broker.

    The probe waits no longer than the broker's connect and read timeouts
    (settings). Once it or a publish has timed out, the process holds off the
    broker for a few seconds and reports it down without waiting again: six
    clients polling ``/healthz`` cost a web worker one timeout per pause, not
    one each.
    """
    if broker_paused(celery_app):
        return False, BrokerPaused.__name__
    with celery_app.connection_for_write() as conn:
        try:
            # One attempt: kombu would otherwise sleep two seconds and retry.
            conn.ensure_connection(max_retries=0)
            transport = conn.transport_cls
            # The filesystem transport "connects" without touching the disk:
            # check that its folders are there and writable instead.
            if transport == "filesystem":
                _check_filesystem_broker(conn)
        except Exception as exc:  # kombu raises transport-specific errors
            broker_pause_if_timed_out(celery_app, exc)
            return False, exc.__class__.__name__
    return True, transport


def _check_filesystem_broker(conn):
    import os

    options = conn.transport_options
    for key in ("data_folder_in", "data_folder_out"):
        folder = options.get(key)
        if folder and not os.access(folder, os.W_OK):
            raise OSError(f"{folder} is not writable")


def worker_status(*, now=None):
    """Return when a worker last ran the heartbeat task, and whether that is recent."""
    now = now or timezone.now()
    try:
        seen_at = (
            Heartbeat.objects.filter(name="worker")
            .values_list("seen_at", flat=True)
            .first()
        )
    except Exception:
        return {"ok": False, "last_seen": None}
    recent = (
        seen_at is not None
        and (now - seen_at).total_seconds() <= HEARTBEAT_STALE_AFTER_SECONDS
    )
    return {"ok": recent, "last_seen": seen_at}


def mail_status():
    """Return how many e-mails failed (waiting for a manager) and are waiting."""
    try:
        failed = OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).count()
        waiting = OutgoingMail.objects.filter(
            status=OutgoingMail.Status.PENDING
        ).count()
    except Exception:  # the database is down: its own row says so
        return {"ok": False, "failed": None, "waiting": None}
    return {"ok": failed == 0, "failed": failed, "waiting": waiting}


def channels_status(*, now=None):
    """Return which active channels are silent or failing, for ``/healthz``.

    A warning only: a silent channel is a platform or a worker to look at, not
    a reason for a load balancer to take this web server out.
    """
    now = now or timezone.now()
    try:
        healths = health.channels_health(
            Channel.objects.filter(active=True).order_by("slug"), now=now
        )
    except Exception:  # the database is down: its own row says so
        return {"ok": False, "silent": [], "failing": []}
    return health.health_summary(healths)
