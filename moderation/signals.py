"""When a manager changes an SLA policy, a channel's clock or a calendar, the
open comments it governs get new due times, in Celery batches after commit.
When a user is deleted, the comments they hold go back to the queue."""

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from core.enqueue import enqueue
from core.transactions import after_commit
from moderation.models import Channel, SlaPolicy
from moderation.services.triage import comments_release_held
from staffing.models import BusinessCalendar, Closure, OpeningWindow


def _recompute(channel_ids=None, policy_id=None):
    enqueue(
        "moderation.tasks.recompute_due_times",
        channel_ids=channel_ids,
        policy_id=policy_id,
    )


@receiver(post_save, sender=SlaPolicy)
def _policy_changed(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        after_commit(_recompute, policy_id=instance.pk)


def _clock(channel):
    # From the instance's own values: a deferred field is not loaded for this.
    values = channel.__dict__
    return values.get("calendar_id"), values.get("sla_policy_id")


@receiver(post_init, sender=Channel)
def _channel_loaded(sender, instance, **kwargs):
    instance._saved_clock = _clock(instance)


@receiver(post_save, sender=Channel)
def _channel_changed(sender, instance, created, raw=False, **kwargs):
    # Only a new calendar or SLA policy moves due times; renaming a channel or
    # pausing it does not.
    changed = _clock(instance) != instance._saved_clock
    instance._saved_clock = _clock(instance)
    if changed and not (created or raw):
        after_commit(_recompute, channel_ids=[instance.pk])


@receiver(post_save, sender=BusinessCalendar)
@receiver(post_save, sender=OpeningWindow)
@receiver(post_delete, sender=OpeningWindow)
@receiver(post_save, sender=Closure)
@receiver(post_delete, sender=Closure)
def _calendar_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    calendar_id = instance.pk if sender is BusinessCalendar else instance.calendar_id
    channel_ids = list(
        Channel.objects.filter(
            Q(sla_policy__isnull=True, calendar_id=calendar_id)
            | Q(sla_policy__clock="business", sla_policy__calendar_id=calendar_id)
        ).values_list("pk", flat=True)
    )
    if channel_ids:
        after_commit(_recompute, channel_ids=channel_ids)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _user_deleted(sender, instance, **kwargs):
    # Before the assignee column is emptied, in the deletion's transaction.
    comments_release_held(user=instance)
