"""A ``requests`` transport that sends every call through ``core.outbound``.

Platform SDKs (``Mastodon.py``, say) take a ``requests.Session``; mounting
``OutboundAdapter`` on it for ``http://`` and ``https://`` gives their calls
the product's rules: address checks on every connection, deadlines, no
redirect followed, no retry, a bounded answer. ``outbound_session()`` builds
such a session.

What the SDK sees:

- a 2xx or 4xx/5xx answer as a ``requests.Response`` with its status, headers
  and body, so that the SDK raises its own errors (401, 404, 429...);
- a redirect, a refused address or no answer as ``OutboundConnectionError``
  (a ``requests.ConnectionError``) carrying the ``core.outbound`` error in
  ``outbound``, which ``outbound_error_of()`` finds again however the SDK
  wraps it, so that the connector can tell "not allowed" from "not reached".
"""

import io

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from core import outbound

# An SDK's page of results (forty statuses with their accounts) is larger
# than a webhook's answer: allow more than outbound's default.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class OutboundConnectionError(requests.ConnectionError):
    """The call did not get an answer the SDK may read (see ``outbound``)."""

    def __init__(self, error, *, request=None):
        super().__init__(str(error), request=request)
        self.outbound = error


def outbound_error_of(exc):
    """Return the ``core.outbound`` error behind ``exc`` (an SDK's error that
    wraps ours, directly or as its cause or context), or ``None``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, outbound.OutboundError):
            return exc
        if isinstance(exc, OutboundConnectionError):
            return exc.outbound
        exc = exc.__cause__ or exc.__context__
    return None


def _body_of(request):
    body = request.body
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    # A file or a generator (a streamed upload): read it whole, bounded by
    # what the platform accepts anyway.
    if hasattr(body, "read"):
        return body.read()
    return b"".join(
        chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body
    )


class OutboundAdapter(BaseAdapter):
    """Send a prepared request with ``core.outbound.request``.

    The SDK's own ``timeout`` is ignored: outbound's deadlines (connect, each
    read, the whole call) are shorter and always apply. ``total_timeout`` and
    ``max_response_bytes`` may be given per adapter. ``last_headers`` holds the
    headers of the last answer (rate-limit headers, read after the call).
    """

    def __init__(self, *, total_timeout=None, max_response_bytes=None):
        super().__init__()
        self.total_timeout = total_timeout
        self.max_response_bytes = max_response_bytes or MAX_RESPONSE_BYTES
        self.last_headers = {}

    def send(
        self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None
    ):
        headers = dict(request.headers)
        try:
            answer = outbound.request(
                request.method,
                request.url,
                body=_body_of(request),
                headers=headers,
                total_timeout=self.total_timeout,
                max_response_bytes=self.max_response_bytes,
            )
            status, answer_headers, body = answer.status, answer.headers, answer.body
        except outbound.Refused as exc:
            if 300 <= exc.status < 400:
                # Never followed: requests would follow a 3xx response itself.
                raise OutboundConnectionError(exc, request=request) from exc
            status, answer_headers, body = exc.status, exc.headers, exc.body
        except outbound.OutboundError as exc:
            raise OutboundConnectionError(exc, request=request) from exc
        self.last_headers = dict(answer_headers)
        return self._response(request, status, answer_headers, body)

    def _response(self, request, status, headers, body):
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = body
        response.raw = io.BytesIO(body)
        response.url = request.url
        response.request = request
        response.reason = ""
        return response

    def close(self):
        pass


def outbound_session(**adapter_options):
    """Return a ``requests.Session`` whose every call goes through
    ``core.outbound`` (no proxy or ``.netrc`` from the environment either)."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    adapter = OutboundAdapter(**adapter_options)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
