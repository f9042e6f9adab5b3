"""A channel's state: its polling schedule and what its health is read from."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.mail import mail_queue_each
from core.roles import Capability
from moderation.models import ChannelState

# Shown on the Channels page (translated there).
AUTH_REFUSED = gettext_noop(
    "The platform refused the channel's credentials: connect it again."
)


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


def channel_credentials_refused(channel, *, now):
    """Record that the platform refused ``channel``'s credentials (expired or
    revoked) and e-mail the managers, once until new credentials are saved.

    The claim is a conditional update, so two workers meeting the refusal at
    once write one e-mail. Return whether this call wrote it.
    """
    channel_state_update(
        channel.pk,
        last_error=AUTH_REFUSED,
        last_error_at=now,
    )
    with transaction.atomic():
        claimed = ChannelState.objects.filter(
            pk=channel.pk, credentials_alerted_at__isnull=True
        ).update(credentials_alerted_at=now)
        if not claimed:
            return False
        managers = get_user_model().objects.with_capability(Capability.PLAN_COVERAGE)

        def compose(language):
            subject = _("%(channel)s: the platform refused its credentials") % {
                "channel": channel.slug
            }
            body = _(
                "The platform refused the credentials of the channel %(channel)s "
                "(expired or revoked): it receives and sends nothing until a "
                "manager connects it again.\n\nChannels: %(path)s"
            ) % {"channel": channel.slug, "path": reverse("connectors:channels")}
            return subject, body

        mail_queue_each(
            kind="channel_refused", people=managers, compose=compose, now=now
        )
    return True


def channel_credentials_renewed(channel_id):
    """New credentials were saved: a later refusal alerts the managers again."""
    ChannelState.objects.filter(pk=channel_id).update(
        credentials_alerted_at=None, last_error=""
    )
