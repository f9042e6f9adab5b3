"""Real processes for the fault tests: a Celery worker and gunicorn, started as
production starts them, on the test database and the configured broker.

The tests that lock tables or terminate connections need PostgreSQL, as CI
runs them; the others also run on the embedded default.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

needs_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL: locks, connections and backends of a server",
)


def wait_for(condition, seconds=45, message="timed out"):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, message() if callable(message) else message
        time.sleep(0.1)
    return result


def database_url():
    """The test database, as a URL other processes can be given."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "localhost"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def process_env(folder, **extra):
    """Production settings on the test database and broker; mail into files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYTHONPATH"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        SECRET_KEY="fault-tests-only-secret-key-not-used-anywhere-else",
        CONNECTOR_KEYS=",".join(settings.CONNECTOR_KEYS),
        VAR_DIR=str(folder),
        EMAIL_URL=f"file://{Path(folder) / 'mail'}",
        # The platforms these tests post to listen on loopback.
        OUTBOUND_ALLOW_PRIVATE_ADDRESSES="1",
    )
    env.update(extra)
    return env


def children(pid):
    """The direct children of a process (the prefork pool of a worker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


class Process:
    """A command in its own process group, its output in a log file."""

    def __init__(self, command, folder, env):
        self.log = Path(folder) / f"{uuid.uuid4().hex}.log"
        self._output = self.log.open("w")
        self.popen = subprocess.Popen(  # noqa: S603 (our own executables)
            command,
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self):
        return self.popen.pid

    def output(self):
        return self.log.read_text()

    def alive(self):
        return self.popen.poll() is None

    def kill(self):
        """SIGKILL the whole group: no clean-up, no acknowledgement."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self):
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._output.close()


class Worker(Process):
    """``celery worker`` with a prefork pool of one process, as in production
    (acks late, requeue on a lost worker)."""

    def __init__(self, folder, **env):
        name = f"fault-{uuid.uuid4().hex[:8]}@%h"
        command = [
            str(BIN / "celery"), "-A", "governance", "worker", "--pool", "prefork",
            "--concurrency", "1", "--loglevel", "INFO", "--hostname", name,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        super().__init__(command, folder, process_env(folder, **env))
        wait_for(
            lambda: " ready." in self.output() or not self.alive(),
            seconds=60,
            message="the worker did not start",
        )
        assert self.alive(), self.output()

    def pool(self):
        """The pid of the pool process running tasks."""
        return wait_for(lambda: children(self.pid), message="no pool process")[0]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn(Process):
    """The web server as the Procfile starts it (persistent database
    connections with health checks, from DATABASE_URL)."""

    def __init__(self, folder, workers=2, **env):
        self.port = free_port()
        command = [
            str(BIN / "gunicorn"), "governance.wsgi", "--bind",
            f"127.0.0.1:{self.port}", "--workers", str(workers),
        ]  # fmt: skip
        env = process_env(folder, ALLOWED_HOSTS="127.0.0.1", **env)
        # Pages name their static files through the manifest, as in production.
        subprocess.run(  # noqa: S603 (our own executable)
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        super().__init__(command, folder, env)
        wait_for(self._answers, seconds=60, message="gunicorn did not start")

    def _answers(self):
        assert self.alive(), self.output()
        try:
            return self.request("GET", "/healthz")[0] in (200, 503)
        except OSError:
            return False

    def request(self, method, path, body=None, headers=None):
        """One request on a fresh connection; return (status, body)."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request(method, path, body=body, headers=headers or {})
            response = client.getresponse()
            return response.status, response.read()
        finally:
            client.close()


def scratch_folder():
    return tempfile.TemporaryDirectory(prefix="governance-faults-")


class TcpProxy:
    """A TCP relay to ``upstream`` that can be stopped, dropping every open
    connection and refusing new ones, then started again on the same port: a
    broker that goes away under running processes and comes back."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self._sockets = set()
        self._lock = threading.Lock()
        self._listener = None
        self.start()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), daemon=True
                ).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class SilentServer:
    """A TCP server on loopback that accepts every connection, reads what it
    is sent and never answers: a broker hung behind a live socket (a stopped
    process, a full disk, a half-open link), which refuses nothing."""

    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._sockets = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, scheme="redis", path="/0"):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.accepted += 1
                self._sockets.append(client)
            threading.Thread(target=self._drain, args=(client,), daemon=True).start()

    def _drain(self, client):
        # Read and drop, so that a client's writes never block: only its
        # reads wait.
        with contextlib.suppress(OSError):
            while client.recv(65536):
                pass

    def close(self):
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()
