"""Connect a channel: test its credentials on the platform, then save it.

The *Connect a channel* page and the ``connector_check`` command call these;
the admin and the API save channels their own way but never test them.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import encryption, outbound
from core.permissions import require
from core.roles import Capability
from moderation import registry
from moderation.models import ChannelState
from moderation.services.channel_state import channel_credentials_renewed

logger = logging.getLogger(__name__)

UNREADABLE = gettext_noop(
    "The stored credentials cannot be decrypted with this deployment's keys: "
    "type them again."
)


def channel_check(*, channel, remember=True):
    """Sign in on the platform with ``channel``'s credentials; return the
    ``registry.Account`` found.

    Raise ``registry.ConnectorError`` whose ``public`` text may be shown; the
    detail goes to the log only, as does any other error the connector's SDK
    raises (it may quote a request, never to be shown). With ``remember``, a
    saved channel keeps the account found in its state (not when the page
    tests credentials typed but not saved yet).
    """
    try:
        connector = registry.get(channel.connector)
    except registry.UnknownConnector:
        raise registry.Unsupported(
            f"no connector {channel.connector!r}",
            public=gettext_noop("This channel's connector is not installed."),
        ) from None
    if not callable(getattr(connector, "check", None)):
        raise registry.Unsupported(
            f"{connector.name} cannot sign in",
            public=gettext_noop("This connector has no account to sign in to."),
        )
    try:
        account = connector.check(channel)
    except registry.ConnectorError as exc:
        logger.warning(
            "Connection test of channel %s (%s) failed: %s: %s",
            channel.slug or "(new)",
            connector.name,
            exc.__class__.__name__,
            exc,
        )
        raise
    except encryption.UnreadableSecret as exc:
        logger.warning("Channel %s: %s", channel.slug, exc)
        raise registry.ConnectorError(str(exc), public=UNREADABLE) from None
    except Exception as exc:
        logger.exception(
            "Connection test of channel %s (%s) failed unexpectedly",
            channel.slug or "(new)",
            connector.name,
        )
        raise registry.ConnectorError(
            exc.__class__.__name__, public=outbound.UNREACHABLE
        ) from exc
    if remember and channel.pk is not None:
        ChannelState.objects.update_or_create(
            channel=channel,
            defaults={
                "account": {
                    "handle": account.handle,
                    "name": account.name,
                    "url": account.url,
                }
            },
        )
    return account


def channel_save(*, channel, credentials, actor, now=None):
    """Save ``channel`` (validated by the caller) and, when ``credentials`` is
    not ``None``, its new credentials, with its polling state, in one
    transaction; return the channel.

    A polling channel is due at once when it is new, or when its credentials
    or connector changed, so that its health soon says whether they work.
    """
    require(actor, Capability.PLAN_COVERAGE, _("Only managers connect channels."))
    now = now or timezone.now()
    polls = registry.get(channel.connector).can(registry.Ability.RECEIVE_POLL)
    with transaction.atomic():
        previous = (
            type(channel)
            .objects.filter(pk=channel.pk)
            .values_list("connector", flat=True)
            .first()
            if channel.pk
            else None
        )
        if credentials is not None:
            channel.set_credentials(credentials)
        channel.save()
        if credentials is not None and channel.pk:
            channel_credentials_renewed(channel.pk)
        state, created = ChannelState.objects.get_or_create(
            channel=channel, defaults={"poll_due_at": now if polls else None}
        )
        changed = credentials is not None or previous != channel.connector
        if not created and polls and (changed or state.poll_due_at is None):
            ChannelState.objects.filter(pk=state.pk).update(poll_due_at=now)
        elif not created and not polls and state.poll_due_at is not None:
            # No longer polled: the poller must not pick it up.
            ChannelState.objects.filter(pk=state.pk).update(poll_due_at=None)
    return channel
