"""A channel's state: its polling schedule and what its health is read from."""

from django.db import IntegrityError, transaction

from moderation.models import ChannelState


def channel_state_update(channel_id, **fields):
    """Set ``fields`` on the channel's state row, creating the row if needed.

    One ``UPDATE``; the row is created the first time (a concurrent creation
    is caught and the update made on the winner's row).
    """
    if ChannelState.objects.filter(pk=channel_id).update(**fields):
        return
    try:
        with transaction.atomic():
            ChannelState.objects.create(channel_id=channel_id, **fields)
    except IntegrityError:
        ChannelState.objects.filter(pk=channel_id).update(**fields)
