"""The signed webhook connector: what goes out POSTed to the channel's URL.

Published answers (``answer.published``), hides and unhides
(``comment.hide``, ``comment.unhide``) and statements of reasons for the
author (``author.statement``, which the receiver passes on privately) go the
same way; the ``kind`` field of the body says which.

The outbox message goes as JSON to the channel's publishing URL, signed like
incoming webhooks (``X-Governance-Timestamp`` and
``X-Governance-Signature: sha256=<hex>`` over ``<timestamp>.<body>`` with the
channel's secret). ``X-Governance-Delivery`` carries the message id, the same on
every attempt, so that the receiver can drop a duplicate: delivery is at least
once. Comments come in through the channel's signed webhook
(``moderation.api.channels.WebhookView``).
"""

import json

from django.utils.translation import gettext_lazy as _

from core import outbound
from moderation import registry, webhooks
from moderation.registry import Ability, DeliveryFailed

DELIVERY_HEADER = "X-Governance-Delivery"


def body_of(message):
    return json.dumps(
        {"id": message.pk, "kind": message.kind, **message.payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def post_signed(message, *, now):
    """POST ``message`` to its channel's URL; raise ``DeliveryFailed`` unless 2xx.

    The call goes through ``core.outbound``: the address is checked again on
    connection, a redirect is a failure, and it gives up within
    ``outbound.TOTAL_TIMEOUT`` seconds.
    """
    channel = message.channel
    body = body_of(message)
    timestamp = int(now.timestamp())
    try:
        response = outbound.post(
            channel.publish_url,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "social-governance-outbox/1",
                webhooks.TIMESTAMP_HEADER: str(timestamp),
                webhooks.SIGNATURE_HEADER: webhooks.sign(
                    channel.webhook_secret, timestamp, body
                ),
                DELIVERY_HEADER: str(message.pk),
            },
        )
    except outbound.OutboundError as exc:
        raise DeliveryFailed(str(exc), public=exc.public) from exc
    return response.status


@registry.register
class SignedWebhook(registry.Connector):
    """Comments pushed to the channel's signed webhook; answers POSTed back."""

    name = "webhook"
    label = _("Signed webhook")
    abilities = frozenset(
        {
            Ability.RECEIVE_PUSH,
            Ability.REPLY,
            Ability.HIDE,
            Ability.MESSAGE_AUTHOR,
        }
    )
    needs_publish_url = True
    # The receiver is the organisation's own server, which also wants the alerts.
    sends_sla_alerts = True

    def deliver(self, message, *, now):
        """POST ``message``, signed, to its channel's publishing URL."""
        return post_signed(message, now=now)
