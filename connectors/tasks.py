import logging

from celery import shared_task
from django.utils import timezone

from connectors.meta import webhooks as meta_webhooks
from connectors.polling import poll_once, polls_due
from core.enqueue import enqueue_later
from moderation.models import Channel

logger = logging.getLogger(__name__)


@shared_task
def poll_channel(channel_id):
    """Poll one channel if it is due and free, then queue its next poll.

    The next poll is queued at the channel's due time, so a new comment waits
    at most one interval; beat's ``poll_due`` sweep polls any channel whose
    next poll was lost (a broker down, a worker killed).
    """
    channel = Channel.objects.filter(pk=channel_id, active=True).first()
    if channel is None:
        return None
    outcome = poll_once(channel)
    if outcome.skipped or outcome.next_poll_at is None:
        return outcome.stored
    delay = max(0.0, (outcome.next_poll_at - timezone.now()).total_seconds())
    try:
        enqueue_later("connectors.tasks.poll_channel", channel_id, countdown=delay)
    except Exception:  # the sweep polls it all the same
        logger.warning("Next poll of channel %s not queued", channel_id, exc_info=True)
    return outcome.stored


@shared_task
def poll_due():
    """Queue a poll of every channel due and free (every few seconds, from beat)."""
    return polls_due()


@shared_task
def meta_delivery(payload):
    """Apply one of Meta's webhook deliveries, queued once it was answered."""
    return meta_webhooks.process(payload)
