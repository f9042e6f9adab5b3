"""Outbound HTTP: which addresses may be called, and how a call ends.

Real servers on loopback play the other side: the moderation tests' receiver
(statuses, headers) and a raw socket server that trickles its answer. Loopback
is allowed in tests (``OUTBOUND_ALLOW_PRIVATE_ADDRESSES``); each test of a
refusal turns that off.
"""

import contextlib
import socket
import ssl
import subprocess
import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from core import outbound
from tests.moderation.conftest import Receiver

PUBLIC_V4 = "93.184.215.14"
_real_getaddrinfo = socket.getaddrinfo


@contextlib.contextmanager
def public_dns(answers=None):
    """Answer DNS for made-up names (``example.org`` and those in
    ``answers``, a name -> address or list of addresses to give in turn);
    addresses still resolve as themselves. Yield the names asked."""
    answers = {"example.org": PUBLIC_V4, **(answers or {})}
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        answer = answers[host]
        address = answer.pop(0) if isinstance(answer, list) else answer
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, port or 0, 0, 0) if ":" in address else (address, port)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]

    with mock.patch("socket.getaddrinfo", getaddrinfo):
        yield asked


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_private(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False


REFUSED_ALWAYS = [
    "169.254.169.254",  # cloud metadata
    "fe80::1",
    "224.0.0.1",
    "ff02::1",
    "0.0.0.0",  # noqa: S104 (an address under test, not a bind)
    "::",
    "240.0.0.1",  # reserved
    "::ffff:169.254.169.254",
]
REFUSED_UNLESS_ALLOWED = [
    "127.0.0.1",
    "127.1.2.3",
    "::1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "fc00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
]


@pytest.mark.parametrize("address", REFUSED_ALWAYS + REFUSED_UNLESS_ALLOWED)
def test_internal_addresses_are_refused(address):
    assert outbound.address_refusal(address, allow_private=False)


@pytest.mark.parametrize("address", REFUSED_ALWAYS)
def test_link_local_multicast_and_reserved_are_refused_even_when_private_is_allowed(
    address,
):
    assert outbound.address_refusal(address, allow_private=True)


@pytest.mark.parametrize("address", REFUSED_UNLESS_ALLOWED)
def test_private_and_loopback_pass_when_the_setting_allows_them(address):
    assert outbound.address_refusal(address, allow_private=True) == ""


@pytest.mark.parametrize("address", [PUBLIC_V4, "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert outbound.address_refusal(address, allow_private=False) == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:6379/",
        "http://[::1]:22/",
        "http://10.0.0.1/",
        "http://localhost:8000/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_the_validator_refuses_internal_urls_with_a_field_message(url, no_private):
    with pytest.raises(ValidationError) as error:
        outbound.validate_url(url)
    assert error.value.code == "address"


def test_the_validator_refuses_a_name_resolving_to_any_internal_address(no_private):
    with public_dns({"mixed.example": "10.1.2.3"}):
        with pytest.raises(ValidationError):
            outbound.validate_url("https://mixed.example/hooks")
        outbound.validate_url("https://example.org/hooks")


@pytest.mark.parametrize(
    "url", ["https://user:secret@example.org/hooks", "https://token@example.org/"]
)
def test_urls_with_credentials_are_refused(url):
    with pytest.raises(ValidationError) as error, public_dns():
        outbound.validate_url(url)
    assert error.value.code == "credentials"
    with pytest.raises(outbound.AddressNotAllowed), public_dns():
        outbound.post(url, body=b"{}", headers={})


def test_an_unknown_host_name_is_refused_at_save_time():
    with pytest.raises(ValidationError) as error:
        outbound.validate_url("https://no-such-host.invalid/hooks")
    assert error.value.code == "unresolved"


def test_a_refused_address_is_never_connected_to(receiver, no_private):
    with pytest.raises(outbound.AddressNotAllowed) as error:
        outbound.post(receiver.url, body=b"{}", headers={})
    assert "loopback" in str(error.value)
    assert error.value.public == outbound.UNREACHABLE
    assert receiver.requests == []


def test_a_dns_answer_that_changes_after_the_check_is_checked_again(receiver, settings):
    """Rebinding: public when the URL is saved, loopback when it is called."""
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    port = receiver.server_address[1]
    url = f"http://rebind.example:{port}/hooks"
    with public_dns({"rebind.example": [PUBLIC_V4, "127.0.0.1"]}):
        outbound.validate_url(url)  # saved
        with pytest.raises(outbound.AddressNotAllowed):
            outbound.post(url, body=b"{}", headers={})
    assert receiver.requests == []


def test_the_call_connects_to_the_address_it_checked_and_sends_the_host(receiver):
    """The name is resolved once; the connection goes to that address."""
    port = receiver.server_address[1]
    url = f"http://hooks.example:{port}/in?x=1"
    # A second resolution would answer an address nothing listens on.
    with public_dns({"hooks.example": ["127.0.0.1", "127.0.0.2"]}) as asked:
        response = outbound.post(url, body=b"{}", headers={"X-Test": "1"})
    assert response.status == 200
    assert asked == ["hooks.example"]
    [(headers, body)] = receiver.received
    assert headers["Host"] == f"hooks.example:{port}"
    assert (headers["X-Test"], body) == ("1", b"{}")
    assert receiver.requests == [("POST", "/in?x=1")]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(receiver, status):
    receiver.statuses = [status]
    receiver.answer_headers = {"Location": "/elsewhere"}
    with pytest.raises(outbound.Refused) as error:
        outbound.post(receiver.url, body=b"{}", headers={"X-Signature": "s"})
    assert error.value.status == status
    assert error.value.public == outbound.REFUSED
    assert "/elsewhere" in str(error.value)  # for the log
    assert receiver.requests == [("POST", "/hooks/answers")]


class Trickler:
    """A server that answers one byte every ``pause`` seconds, forever."""

    def __init__(self, answer, pause=0.2):
        self.answer = answer
        self.pause = pause
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"

    def serve(self):
        with contextlib.suppress(OSError):
            conn, _ = self.listener.accept()
            with conn:
                conn.recv(65536)
                for byte in self.answer:
                    if self.stopped.wait(self.pause):
                        return
                    conn.sendall(bytes([byte]))

    def stop(self):
        self.stopped.set()
        self.listener.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 200,  # no length: read until closed
        b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n" + b"x" * 200,
    ],
    ids=["headers", "body-until-close", "body-with-length"],
)
def test_a_trickling_server_is_given_up_on_at_the_total_deadline(answer):
    server = Trickler(answer)
    started = time.monotonic()
    try:
        with pytest.raises(outbound.Unreachable) as error:
            # Each byte comes well within the read timeout.
            outbound.post(
                server.url, body=b"{}", headers={}, read_timeout=1, total_timeout=1.5
            )
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 2.5, elapsed
    assert error.value.public == outbound.UNREACHABLE


def test_an_answer_too_large_is_a_failure():
    server = Trickler(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000, pause=0
    )
    try:
        with pytest.raises(outbound.Unreachable, match="larger than"):
            outbound.post(server.url, body=b"", headers={}, max_response_bytes=1000)
    finally:
        server.stop()


def test_a_closed_port_is_unreachable_with_a_generic_message():
    with pytest.raises(outbound.Unreachable) as error:
        outbound.post("http://127.0.0.1:9/closed", body=b"", headers={})
    assert "Connection refused" in str(error.value)
    assert error.value.public == "The receiver could not be reached."


@pytest.fixture
def tls_server(tmp_path):
    """A TLS server on loopback with a self-signed certificate for
    ``hooks.example``; it records the name each client asked for (SNI)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=hooks.example",
            "-addext",
            "subjectAltName=DNS:hooks.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                with contextlib.suppress(OSError), conn:
                    context.wrap_socket(conn, server_side=True).close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], names
    listener.close()


def test_tls_names_the_host_and_verifies_its_certificate(tls_server):
    """Connected to the checked address, TLS still asks for and checks the
    host name: a certificate nobody vouches for is refused."""
    port, names = tls_server
    url = f"https://hooks.example:{port}/in"
    with (
        public_dns({"hooks.example": "127.0.0.1"}),
        pytest.raises(outbound.Unreachable) as error,
    ):
        outbound.post(url, body=b"", headers={})
    assert names == ["hooks.example"]
    assert "CERTIFICATE_VERIFY_FAILED" in str(error.value)


def test_a_dns_answer_that_never_comes_is_given_up_on_at_the_total_deadline():
    def slow(host, *args, **kwargs):
        time.sleep(5)
        return _real_getaddrinfo("127.0.0.1", *args, **kwargs)

    started = time.monotonic()
    with mock.patch("socket.getaddrinfo", slow), pytest.raises(outbound.Unreachable):
        outbound.post("http://slow.example/", body=b"", headers={}, total_timeout=1)
    assert time.monotonic() - started < 1.5
