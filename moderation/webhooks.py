"""Signed webhooks: HMAC-SHA256 of ``<timestamp>.<body>`` with the channel's secret.

A request carries ``X-Governance-Timestamp`` (Unix seconds) and
``X-Governance-Signature: sha256=<hex>``. It is refused when the signature does
not match, when the timestamp is more than five minutes away from now, or when
the same signature was already accepted (a replay). A delivery counts as
accepted once its comment is stored: a request that failed may be sent again.
"""

import datetime
import hashlib
import hmac

TOLERANCE_SECONDS = 300
# How long a delivery is kept to refuse its replay: a request timestamped up to
# five minutes ahead stays acceptable ten minutes after it arrived; the rest is
# margin for clocks and a purge that runs late.
REPLAY_WINDOW = datetime.timedelta(hours=1)
TIMESTAMP_HEADER = "X-Governance-Timestamp"
SIGNATURE_HEADER = "X-Governance-Signature"


class BadSignature(Exception):
    """The request is not signed by the channel's secret, or is too old."""


def sign(secret, timestamp, body):
    """Return the signature header value for ``body`` (bytes) sent at ``timestamp``."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def verify(secret, timestamp, signature, body, *, now):
    """Return the hex digest of a valid request; raise ``BadSignature`` otherwise."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise BadSignature("missing or malformed timestamp") from None
    if abs(now - sent) > TOLERANCE_SECONDS:
        raise BadSignature("timestamp outside the five-minute window")
    expected = sign(secret, sent, body)
    if not signature or not hmac.compare_digest(expected, signature):
        raise BadSignature("bad signature")
    return expected.removeprefix("sha256=")
