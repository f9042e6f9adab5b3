"""A platform on loopback: a real HTTP server that records what the signed
webhook connector posts to it."""

import http.server
import threading
import time

import pytest


class Receiver(http.server.ThreadingHTTPServer):
    """Records every POST as (headers, body bytes), and the method and path
    of every request in ``requests``. Answers the statuses queued in
    ``statuses`` in turn (200 once empty), with ``answer_headers``, after
    ``delay`` seconds; while ``hold`` is set it keeps each request until
    ``release`` is set, as a platform that hangs does."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.statuses = []
        self.received = []
        self.requests = []
        self.answer_headers = {}
        self.delay = 0
        self.hold = False
        self.release = threading.Event()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/answers"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.server.requests.append(("GET", self.path))
        self.send_response(200)
        self.end_headers()

    def do_POST(self):  # noqa: N802 (the standard library's name)
        self.server.requests.append(("POST", self.path))
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        time.sleep(self.server.delay)
        if self.server.hold:
            self.server.release.wait(timeout=60)
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        try:
            self.send_response(status)
            for name, value in self.server.answer_headers.items():
                self.send_header(name, value)
            self.end_headers()
        except OSError:
            pass  # the sender is gone

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
