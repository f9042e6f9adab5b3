"""Connectors: how a published answer leaves for its platform.

The signed webhook connector POSTs the outbox message as JSON to the channel's
publishing URL, signed like incoming webhooks (``X-Governance-Timestamp`` and
``X-Governance-Signature: sha256=<hex>`` over ``<timestamp>.<body>`` with the
channel's secret). ``X-Governance-Delivery`` carries the message id, the same on
every attempt, so that the receiver can drop a duplicate: delivery is at least
once.
"""

import json
import urllib.error
import urllib.request

from moderation import webhooks

DELIVERY_HEADER = "X-Governance-Delivery"
TIMEOUT_SECONDS = 10


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not accept the message."""


def body_of(message):
    return json.dumps(
        {"id": message.pk, "kind": message.kind, **message.payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def post_signed(message, *, now, timeout=TIMEOUT_SECONDS):
    """POST ``message`` to its channel's URL; raise ``DeliveryFailed`` unless 2xx."""
    channel = message.channel
    body = body_of(message)
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 (the URL's scheme is validated)
        channel.publish_url,
        data=body,
        method="POST",
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
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"{type(exc).__name__}: {reason}") from None
