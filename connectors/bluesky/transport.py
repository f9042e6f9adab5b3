"""The atproto SDK's HTTP, sent through ``core.outbound``.

The SDK talks to the PDS with an ``httpx.Client`` it builds itself, which
follows redirects and calls any address. ``OutboundTransport`` replaces its
transport: every request goes through ``core.outbound.request`` (address
checked on each call, no redirect followed, connect/read/total deadlines,
bounded answers), and any answer, an error included, comes back to the SDK as
an ``httpx.Response`` so that it reads the platform's error (``ExpiredToken``,
``RateLimitExceeded``) as usual. ``client_for`` gives an SDK client built on
it.
"""

from datetime import UTC, datetime

import httpx
from atproto import Client
from atproto_client.request import Request

from core import outbound

# A thread or a page of notifications is larger than a webhook's answer.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
# Hop-by-hop and framing headers outbound sets itself, and the encodings
# httpx offers (outbound returns the body as sent: it is asked uncompressed).
_DROPPED_REQUEST_HEADERS = {
    "host",
    "connection",
    "transfer-encoding",
    "accept-encoding",
}
_IDENTITY = {"Accept-Encoding": "identity"}


class OutboundTransport(httpx.BaseTransport):
    """An httpx transport that sends each request with ``core.outbound``.

    ``rate_limit`` keeps the ``ratelimit-*`` headers of the last answer that
    had them (``limit``, ``remaining``, ``reset`` as epoch seconds).
    """

    def __init__(self):
        self.rate_limit = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in _DROPPED_REQUEST_HEADERS
        }
        headers.update(_IDENTITY)
        body = request.read() or None
        try:
            answer = outbound.request(
                request.method,
                str(request.url),
                body=body,
                headers=headers,
                max_response_bytes=MAX_RESPONSE_BYTES,
            )
        except outbound.Refused as exc:
            if exc.response is None:
                raise
            answer = exc.response
        self._note_rate_limit(answer.headers)
        return httpx.Response(
            answer.status,
            headers=[
                (name, value)
                for name, value in answer.headers.items()
                # The body is already whole and plain.
                if name.lower() not in {"content-encoding", "transfer-encoding"}
            ],
            content=answer.body,
            request=request,
        )

    def _note_rate_limit(self, headers):
        lowered = {name.lower(): value for name, value in headers.items()}
        if "ratelimit-limit" not in lowered and "ratelimit-remaining" not in lowered:
            return
        self.rate_limit = {
            "limit": _int(lowered.get("ratelimit-limit")),
            "remaining": _int(lowered.get("ratelimit-remaining")),
            "reset": _int(lowered.get("ratelimit-reset")),
        }

    def reset_at(self):
        """Return when the platform's rate-limit window ends, or ``None``."""
        reset = (self.rate_limit or {}).get("reset")
        if reset is None:
            return None
        try:
            return datetime.fromtimestamp(reset, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None


def _int(value):
    try:
        return int(str(value).split(";", 1)[0].strip())
    except (TypeError, ValueError):
        return None


class OutboundRequest(Request):
    """The SDK's request class on an ``OutboundTransport``, never redirected."""

    def __init__(self, transport=None, **kwargs):
        self.transport = transport or OutboundTransport()
        # Request.__init__ builds a client that follows redirects: build ours.
        super(Request, self).__init__()
        self._client_kwargs = {"transport": self.transport, **kwargs}
        self._client = httpx.Client(follow_redirects=False, **self._client_kwargs)

    def _new_instance(self):
        return type(self)(**self._client_kwargs)


def client_for(service_url, transport=None):
    """Return an atproto ``Client`` for the PDS at ``service_url`` whose every
    call goes through ``core.outbound``."""
    return Client(base_url=service_url, request=OutboundRequest(transport))
