from celery import shared_task
from django.utils import timezone

from core.sweeps import timed
from moderation.models import Comment
from moderation.services.alerts import comment_alert_critical, comments_alert_waiting
from moderation.services.audit import anchor_record
from moderation.services.automation import comments_auto_hide
from moderation.services.crisis import crises_detect
from moderation.services.ingest import webhook_deliveries_purge
from moderation.services.outbox import outbox_send, outbox_send_due
from moderation.services.routing import comments_route, comments_route_waiting
from moderation.sla.clock import recompute_open
from moderation.sla.notifications import notifications_send
from moderation.sla.sweep import sla_sweep


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def route_comments(comment_ids):
    """Route new comments (one task per ingested batch); those already taken
    are left alone."""
    ordered = list(
        Comment.objects.filter(pk__in=comment_ids)
        .order_by("first_response_due_at")
        .values_list("pk", flat=True)
    )
    return [
        getattr(chosen, "pk", None)
        for chosen in comments_route(comment_ids=ordered, now=timezone.now())
    ]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def auto_hide(comment_ids):
    """Hide the comments a rule acting alone matched (before routing offers
    them to a person: queued first)."""
    return comments_auto_hide(comment_ids=comment_ids)


@shared_task
def route_waiting():
    """Route the comments still waiting (every minute, from beat)."""
    with timed("route_waiting"):
        return comments_route_waiting()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def alert_critical(comment_id):
    """Alert the people on duty of a critical comment (a no-op otherwise)."""
    comment = Comment.objects.filter(pk=comment_id).first()
    return comment_alert_critical(comment=comment) if comment else []


@shared_task
def alert_waiting():
    """Send the critical alerts that could not be sent on arrival (every minute,
    from beat)."""
    with timed("alert_waiting"):
        return comments_alert_waiting()


@shared_task
def send_outbox(message_id):
    """Make one attempt at sending an outbox message (retries are in the data)."""
    return outbox_send(message_id=message_id)


@shared_task
def send_outbox_due():
    """Queue the outbox messages due for an attempt (every minute, from beat)."""
    with timed("send_outbox_due"):
        return outbox_send_due()


@shared_task
def sweep_sla():
    """Mark and notify SLA warnings, breaches and overdue approvals (every
    minute, from beat); exactly once, however many sweeps run."""
    with timed("sweep_sla"):
        return sla_sweep()


@shared_task
def send_notifications():
    """E-mail the notifications whose time has come (also every minute)."""
    with timed("send_notifications"):
        return notifications_send()


@shared_task
def recompute_due_times(channel_ids=None, policy_id=None, after=0):
    """Recompute open comments' due times after a policy or calendar changed,
    one batch per task run."""
    last = recompute_open(channel_ids=channel_ids, policy_id=policy_id, after=after)
    if last:
        recompute_due_times.delay(channel_ids, policy_id, last)
    return last


@shared_task
def purge_webhook_deliveries():
    """Delete the webhook deliveries too old to be replayed (hourly, from beat)."""
    return webhook_deliveries_purge()


@shared_task
def record_audit_anchor():
    """Record and e-mail yesterday's last audit hash (hourly; once a day)."""
    anchor = anchor_record()
    return anchor and anchor.seq


@shared_task
def detect_crises():
    """Open, update and close crisis episodes (every five minutes, from beat)."""
    return [episode.pk for episode in crises_detect()]
