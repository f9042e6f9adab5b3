"""Outbound HTTP: the one way the product calls another server.

Every call resolves the host once, refuses it unless every address is public
(no private, loopback, link-local, multicast, reserved or unspecified address,
IPv4-mapped or embedded in IPv6 included), connects to the checked address
itself (so a DNS answer that changes between the check and the connection
changes nothing), sends the original ``Host`` and verifies TLS against the host
name. It never follows a redirect nor retries, and it has three deadlines:
connecting, each read, and the whole call (resolving included), which also
bounds a server that trickles its answer one byte at a time. URLs with
credentials are refused.

``OUTBOUND_ALLOW_PRIVATE_ADDRESSES`` (a setting) lets private and loopback
addresses through, for receivers on premises and for tests; link-local
(cloud metadata), multicast, reserved and unspecified addresses stay refused.

Errors carry two texts: ``str(error)`` is the detail, for the log only;
``error.public`` is a generic message (a msgid, translate it on display) that
tells people nothing about the other side beyond "not reached" or "refused".
"""

import contextlib
import dataclasses
import ipaddress
import socket
import threading
import time
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from urllib3.connection import HTTPConnection, HTTPSConnection

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 256 * 1024

UNREACHABLE = gettext_noop("The receiver could not be reached.")
REFUSED = gettext_noop("The receiver did not accept the message.")
PUBLIC_MESSAGES = (UNREACHABLE, REFUSED)


class OutboundError(Exception):
    """An outbound call that did not succeed; ``str()`` is for the log."""

    public = UNREACHABLE


class AddressNotAllowed(OutboundError):
    """The URL, or an address its host resolves to, is not allowed."""


class Unreachable(OutboundError):
    """No answer: DNS, connection, TLS, a deadline, a broken or huge answer."""


class Refused(OutboundError):
    """The server answered with a status other than 2xx (a redirect included).

    ``headers`` and ``body`` are that answer's, for a caller that reads an
    API's error (a 401, a 429 and its rate-limit headers); never shown.
    """

    public = REFUSED

    def __init__(self, detail, *, status, response=None):
        super().__init__(detail)
        self.status = status
        # The whole answer (headers, body), for a caller that reads the
        # platform's error in it (an expired token, a rate limit).
        self.response = response

    @property
    def headers(self):
        return self.response.headers if self.response is not None else {}

    @property
    def body(self):
        return self.response.body if self.response is not None else b""


@dataclasses.dataclass(frozen=True)
class Response:
    status: int
    headers: dict
    body: bytes


def _allow_private():
    return bool(getattr(settings, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False))


def address_refusal(address, *, allow_private=None):
    """Return why ``address`` (an IP address string) may not be called, or
    ``""`` when it may."""
    allow_private = _allow_private() if allow_private is None else allow_private
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    candidates = [ip]
    if ip.version == 6:
        # An IPv4 address inside an IPv6 one reaches the IPv4 host: judge that.
        if ip.ipv4_mapped:
            candidates = [ip.ipv4_mapped]
        else:
            candidates += [ip.sixtofour, *(ip.teredo or ())]
    for candidate in filter(None, candidates):
        if candidate.is_unspecified:
            return "unspecified"
        if candidate.is_link_local:  # 169.254.169.254: cloud metadata
            return "link-local"
        if candidate.is_multicast:
            return "multicast"
        if candidate.is_loopback:  # before reserved: ::1 is in ::/8
            if not allow_private:
                return "loopback"
            continue
        if candidate.is_reserved:
            return "reserved"
        if not candidate.is_global and not allow_private:
            return "private"
    return ""


@dataclasses.dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse(url):
    """Return the ``Target`` of ``url``; raise ``AddressNotAllowed`` for
    anything but a plain http(s) URL without credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressNotAllowed(f"invalid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise AddressNotAllowed(f"scheme {parts.scheme!r} not allowed")
    if parts.username is not None or parts.password is not None:
        raise AddressNotAllowed("credentials in the URL")
    if not parts.hostname:
        raise AddressNotAllowed("no host in the URL")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default, path)


def _getaddrinfo(host, port, timeout):
    """Return ``socket.getaddrinfo``'s answer, or raise ``Unreachable`` after
    ``timeout`` seconds: the resolver has no deadline of its own to give, so
    it runs in a thread left to finish alone."""
    answer = {}
    done = threading.Event()

    def run():
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="outbound-resolve").start()
    if not done.wait(timeout):
        raise Unreachable(f"{host}: no DNS answer within {timeout:g} s")
    if "error" in answer:
        raise Unreachable(f"{host}: cannot resolve: {answer['error']}")
    return answer["infos"]


def resolve(target, *, allow_private=None, timeout=None):
    """Return every address the target's host resolves to, all of them
    allowed; raise ``AddressNotAllowed`` if one is not, ``Unreachable`` if the
    name does not resolve within ``timeout`` seconds."""
    infos = _getaddrinfo(target.host, target.port, timeout or TOTAL_TIMEOUT)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Unreachable(f"{target.host}: no address")
    for address in addresses:
        # One refused address refuses the host: an answer that mixes public
        # and internal addresses is how rebinding starts.
        if reason := address_refusal(address, allow_private=allow_private):
            raise AddressNotAllowed(f"{target.host} resolves to {address} ({reason})")
    return addresses


def check_url(url, *, allow_private=None):
    """Raise ``AddressNotAllowed`` or ``Unreachable`` unless ``url`` may be
    called now."""
    resolve(parse(url), allow_private=allow_private)


def validate_url(value):
    """Validate a URL the product will call (a form or model field validator).

    Anything that is not an http(s) URL is left to ``URLValidator``.
    """
    try:
        target = parse(value)
    except AddressNotAllowed as exc:
        if "credentials" in str(exc):
            raise ValidationError(
                _("Enter a URL without a user name or password."), code="credentials"
            ) from None
        return
    try:
        resolve(target)
    except AddressNotAllowed:
        raise ValidationError(
            _(
                "This address is private, local or reserved: the receiver must "
                "be reachable on the public Internet."
            ),
            code="address",
        ) from None
    except Unreachable:
        raise ValidationError(
            _("This host name could not be resolved."), code="unresolved"
        ) from None


class _Watchdog:
    """Shut the connection's socket down at the total deadline, so that a
    read blocked on a trickling server returns at once (a read timeout
    starts again with every byte)."""

    def __init__(self, connection, seconds):
        self.connection = connection
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self):
        self.fired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            # The plain socket's shutdown, under any TLS layer.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc_info):
        self.timer.cancel()


def post(
    url,
    *,
    body,
    headers,
    connect_timeout=None,
    read_timeout=None,
    total_timeout=None,
    max_response_bytes=None,
):
    """POST ``body`` to ``url``; return the ``Response`` of a 2xx answer.

    Raise ``AddressNotAllowed``, ``Unreachable`` or ``Refused`` otherwise.
    """
    return request(
        "POST",
        url,
        body=body,
        headers=headers,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        total_timeout=total_timeout,
        max_response_bytes=max_response_bytes,
    )


def request(
    method,
    url,
    *,
    body=None,
    headers=None,
    connect_timeout=None,
    read_timeout=None,
    total_timeout=None,
    max_response_bytes=None,
):
    """Make one HTTP request under the rules above; see ``post``.

    Deadlines in seconds; ``None`` takes this module's default at call time.
    """
    connect_timeout = connect_timeout or CONNECT_TIMEOUT
    read_timeout = read_timeout or READ_TIMEOUT
    total_timeout = total_timeout or TOTAL_TIMEOUT
    max_response_bytes = max_response_bytes or MAX_RESPONSE_BYTES
    deadline = time.monotonic() + total_timeout
    target = parse(url)
    addresses = resolve(target, timeout=total_timeout)
    errors = []
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if target.scheme == "https":
            connection = HTTPSConnection(
                address,
                target.port,
                timeout=min(connect_timeout, remaining),
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            connection = HTTPConnection(
                address, target.port, timeout=min(connect_timeout, remaining)
            )
        with _Watchdog(connection, remaining) as watchdog:
            try:
                connection.connect()
            except (OSError, urllib3.exceptions.HTTPError) as exc:
                connection.close()
                errors.append(f"{address}: {type(exc).__name__}: {exc}")
                continue
            try:
                return _exchange(
                    connection,
                    method,
                    target,
                    body=body,
                    headers=headers or {},
                    read_timeout=read_timeout,
                    expired=lambda: watchdog.fired or time.monotonic() > deadline,
                    max_response_bytes=max_response_bytes,
                )
            except OutboundError:
                raise
            except Exception as exc:
                if watchdog.fired:
                    raise Unreachable(
                        f"{url}: no complete answer within {total_timeout:g} s"
                    ) from None
                raise Unreachable(
                    f"{url} ({address}): {type(exc).__name__}: {exc}"
                ) from None
            finally:
                connection.close()
    if not errors:
        errors.append(f"no connection within {total_timeout:g} s")
    raise Unreachable(f"{url}: " + "; ".join(errors))


def _exchange(
    connection, method, target, *, body, headers, read_timeout, expired,
    max_response_bytes,
):  # fmt: skip
    """Send the request on ``connection`` and read the whole answer."""
    connection.sock.settimeout(read_timeout)
    connection.timeout = read_timeout
    connection.request(
        method,
        target.path,
        body=body,
        headers={"Host": target.host_header, **headers},
        preload_content=False,
        decode_content=False,
    )
    response = connection.getresponse()
    chunks, size = [], 0
    while chunk := response.read(16 * 1024):
        size += len(chunk)
        if size > max_response_bytes:
            raise Unreachable(f"answer larger than {max_response_bytes} bytes")
        chunks.append(chunk)
    if expired():
        # The watchdog's shutdown looks like the end of an answer without
        # a length: what was read may be cut short.
        raise Unreachable("answer not complete before the total deadline")
    status = response.status
    answer = Response(
        status=status, headers=dict(response.headers), body=b"".join(chunks)
    )
    if not 200 <= status < 300:
        where = response.headers.get("Location")
        detail = f"HTTP {status} {response.reason}"
        raise Refused(
            f"{detail}, redirect to {where!r} not followed" if where else detail,
            status=status,
            response=answer,
        )
    return answer
