"""Connectors: how a published answer leaves for its platform.

The signed webhook connector POSTs the outbox message as JSON to the channel's
publishing URL, signed like incoming webhooks (``X-Governance-Timestamp`` and
``X-Governance-Signature: sha256=<hex>`` over ``<timestamp>.<body>`` with the
channel's secret). ``X-Governance-Delivery`` carries the message id, the same on
every attempt, so that the receiver can drop a duplicate: delivery is at least
once.
"""

import json

from core import outbound
from moderation import webhooks

DELIVERY_HEADER = "X-Governance-Delivery"


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not accept the message.

    ``str()`` is the detail, for the log; ``public`` the generic message shown
    to people (a msgid of ``core.outbound``).
    """

    def __init__(self, detail, *, public=outbound.UNREACHABLE):
        super().__init__(detail)
        self.public = public


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
