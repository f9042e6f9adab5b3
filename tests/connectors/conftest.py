"""Mastodon on loopback: ``mastodon-mock`` (a stateful fake of the REST API,
run by uvicorn in a thread) for one test session, reset before each test; and
a small server answering with payloads recorded from Mastodon's API
documentation for what the mock lacks (reports)."""

import http.server
import json
import threading
import urllib.parse
from pathlib import Path

import pytest
import requests
from mastodon_mock.testing.server import MockServer

PAYLOADS = Path(__file__).parent / "payloads"


@pytest.fixture(scope="session")
def mastodon_server():
    server = MockServer().start()
    yield server
    server.stop()


def _control(server, path, body=None):
    """Call the mock's control plane (reset, faults): test plumbing, not the
    product, so it goes straight to the loopback server."""
    answer = requests.post(server.base_url + path, json=body or {}, timeout=10)
    answer.raise_for_status()
    return answer.json()


@pytest.fixture
def mastodon(mastodon_server):
    """The mock, back to its seed: alice (the organisation), bob, carol, and
    dave on remote.example."""
    _control(mastodon_server, "/api/v1/_mock/reset")
    requests.delete(
        mastodon_server.base_url + "/api/v1/_mock/faults", timeout=10
    ).raise_for_status()
    return mastodon_server


def add_fault(server, **rule):
    """Make the mock answer matching requests with a fault (see mastodon-mock's
    fault injection); ``rule`` is the JSON body of ``/api/v1/_mock/faults``."""
    return _control(server, "/api/v1/_mock/faults", rule)


@pytest.fixture
def mastodon_channel(framework, mastodon):
    """A Mastodon channel signed in as alice on the mock."""
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    alice = mastodon.client("alice").account_verify_credentials()
    channel = Channel(
        slug="mastodon-main",
        platform="mastodon",
        handle="alice",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="mastodon",
    )
    channel.set_credentials(
        {
            "instance_url": mastodon.base_url,
            "access_token": "alice_token",
            "account_id": str(alice.id),
            "acct": alice.acct,
        }
    )
    channel.save()
    return channel


class RecordedInstance(http.server.ThreadingHTTPServer):
    """Answer as a Mastodon instance with recorded payloads; keep every
    request as (method, path, form fields, headers)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecordedHandler)
        self.requests = []
        self.routes = {}

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class RecordedHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
        fields = urllib.parse.parse_qs(raw or query, keep_blank_values=True)
        self.server.requests.append((self.command, path, fields, dict(self.headers)))
        status, body, headers = self.server.routes.get(
            (self.command, path.rstrip("/")), (404, {"error": "Record not found"}, {})
        )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815 (the standard library's names)

    def log_message(self, *args):
        pass


def payload(name):
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture
def recorded():
    server = RecordedInstance()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def youtube_server():
    from tests.connectors import youtube_server as server_module

    server = server_module.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def youtube(youtube_server, settings):
    """YouTube and Google's OAuth on loopback, back to their seed: the
    organisation's channel UCorg with two videos, the settings pointed there."""
    server = youtube_server
    with server.lock:
        server.channels.clear()
        server.videos.clear()
        server.comments.clear()
        server.tokens.clear()
        server.refresh_tokens.clear()
        server.codes.clear()
        server.banned.clear()
        server.requests.clear()
        server.quota_used = 0
        server.daily_quota = 10000
        server.by_id_fault = None
    server.add_channel("UCorg", "Ville de Montréal", custom_url="@villemtl")
    server.add_channel("UCother", "Someone else", custom_url="@someone")
    server.add_video("vid1", "UCorg")
    server.add_video("vid2", "UCorg")
    server.add_video("vid9", "UCother")
    settings.YOUTUBE_API_ROOT = server.base_url + "/"
    settings.YOUTUBE_AUTH_URI = server.base_url + "/o/oauth2/auth"
    settings.YOUTUBE_TOKEN_URI = server.base_url + "/token"
    settings.YOUTUBE_CLIENT_ID = server.client_id
    settings.YOUTUBE_CLIENT_SECRET = server.client_secret
    return server


@pytest.fixture
def youtube_channel(framework, youtube):
    """A YouTube channel signed in as the owner of UCorg on the loopback."""
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    token, refresh = youtube.grant("UCorg")
    channel = Channel(
        slug="youtube-main",
        platform="youtube",
        handle="@villemtl",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="youtube",
    )
    channel.set_credentials(
        {
            "access_token": token,
            "refresh_token": refresh,
            "expiry": "",
            "channel_id": "UCorg",
            "channel_title": "Ville de Montréal",
        }
    )
    channel.save()
    return channel
