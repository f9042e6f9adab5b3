"""The poller under load: 50 channels x 200 new comments a minute (run by hand).

    .venv/bin/python benchmarks/poller.py [--channels 50] [--per-minute 200]
                                          [--seconds 180] [--interval 30]
                                          [--comments 100000]

Budget (*Connectors I*): on 2 cores the poller keeps up with 50 channels x 200
new items a minute while the inbox's p95 stays under 100 ms.

A fresh database ``governance_bench_poller`` holds ``--comments`` comments
(as in ``benchmarks/inbox.py``) and ``--channels`` Mastodon channels. Their
instance is a loopback server that answers as Mastodon's REST API documents
(``GET /api/v1/notifications`` with ``types[]=mention``, ``min_id`` and
``limit``, newest first; ``GET /api/v1/statuses/:id/context``): each channel's
account receives ``--per-minute`` mentions a minute, replies to the
organisation's post, evenly spaced. What runs is what production runs: the
Mastodon connector through Mastodon.py and ``core.outbound``, a Celery worker
(``celery`` and ``outbound`` queues, two processes), beat, and gunicorn with
two workers, all on this machine's cores, while a second process reads a
responder's inbox, one request after the other.

Reports comments stored from the platform per minute against those posted,
the lag from posting to the inbox (p50, p95, max), what was left behind at the
end, and the inbox's p50/p95/p99.
"""

import argparse
import datetime
import http.client
import http.server
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pgsetup import comment_texts, fresh_database  # noqa: E402

BIN = Path(sys.executable).parent
TEXTS = comment_texts(300, seed=7) + [
    "Vous êtes des escrocs, appelez-moi au 514-555-0199",
    "You are a bunch of crooks and liars",
]


class Instance(http.server.ThreadingHTTPServer):
    """A Mastodon instance on loopback whose accounts receive mentions at a
    steady rate from ``started`` on: mention ``k`` of account ``c`` is posted
    at ``started + k * spacing`` and has notification id ``k``."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, channels, per_minute, started):
        super().__init__(("127.0.0.1", 0), InstanceHandler)
        self.channels = channels
        self.spacing = 60.0 / per_minute
        self.started = started
        self.requests = 0

    def posted(self, k):
        return self.started + k * self.spacing

    def newest(self, now):
        return int((now - self.started) / self.spacing)


def _iso(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _account(account_id, acct):
    return {
        "id": account_id,
        "username": acct,
        "acct": acct,
        "display_name": acct.title(),
        "url": f"https://social.example/@{acct}",
        "avatar": "",
        "created_at": "2024-01-01T00:00:00.000Z",
    }


def _status(server, channel, k):
    own = f"{channel}00"
    return {
        "id": f"{channel}{k:09d}",
        "uri": f"https://social.example/statuses/{channel}{k:09d}",
        "url": f"https://social.example/@user{k % 500}/{channel}{k:09d}",
        "created_at": _iso(server.posted(k)),
        "account": _account(f"9{k % 500}", f"user{k % 500}@other.example"),
        "content": f"<p>@org{channel} {TEXTS[k % len(TEXTS)]}</p>",
        "spoiler_text": "",
        "visibility": "public",
        "language": "fr" if k % 2 else "en",
        "in_reply_to_id": f"{channel}post",
        "in_reply_to_account_id": own,
        "mentions": [],
        "tags": [],
        "emojis": [],
        "media_attachments": [],
    }


class InstanceHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the standard library's name)
        server = self.server
        server.requests += 1
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        channel = token.removeprefix("token-")
        if channel not in server.channels:
            return self._send(401, {"error": "The access token is invalid"})
        now = time.time()
        if url.path == "/api/v1/accounts/verify_credentials":
            return self._send(200, _account(f"{channel}00", f"org{channel}"))
        if url.path == "/api/v1/notifications":
            newest = server.newest(now)
            limit = min(int(query.get("limit", ["20"])[0]), 40)
            if "min_id" in query:
                after = int(query["min_id"][0] or 0)
                ids = list(range(after + 1, min(newest, after + limit) + 1))
            else:
                ids = list(range(max(1, newest - limit + 1), newest + 1))
            body = [
                {
                    "id": str(k),
                    "type": "mention",
                    "created_at": _iso(server.posted(k)),
                    "account": _account(f"9{k % 500}", f"user{k % 500}"),
                    "status": _status(server, channel, k),
                }
                for k in reversed(ids)
            ]
            return self._send(200, body)
        if url.path.endswith("/context"):
            post = {
                **_status(server, channel, 0),
                "id": f"{channel}post",
                "account": _account(f"{channel}00", f"org{channel}"),
                "content": "<p>Nos nouveaux horaires d'ouverture</p>",
                "in_reply_to_id": None,
                "in_reply_to_account_id": None,
            }
            return self._send(200, {"ancestors": [post], "descendants": []})
        return self._send(404, {"error": "Record not found"})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-RateLimit-Limit", "300")
        self.send_header("X-RateLimit-Remaining", "299")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def serve_instance(channels, per_minute, started, port_queue, stop):
    server = Instance(channels, per_minute, started)
    port_queue.put(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop.wait()
    port_queue.put(server.requests)
    server.shutdown()


def prepare(count, channels, instance_url, interval):
    """Fill the inbox, create the channels; return a responder's session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from benchmarks.inbox import fill
    from moderation.models import Channel, ChannelState
    from staffing.models import BusinessCalendar

    responder = fill(count)
    calendar = BusinessCalendar.objects.order_by("slug").first()
    for channel in channels:
        created = Channel.objects.create(
            slug=f"mastodon-{channel}",
            platform="mastodon",
            handle=f"org{channel}",
            languages=["fr", "en"],
            calendar=calendar,
            connector="mastodon",
            poll_interval=interval,
        )
        created.set_credentials(
            {
                "instance_url": instance_url,
                "access_token": f"token-{channel}",
                "account_id": f"{channel}00",
            }
        )
        created.save()
        # From the first mention on: the benchmark counts every one.
        ChannelState.objects.create(channel=created, cursor="0")
    session = SessionStore()
    session[SESSION_KEY] = str(responder.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = responder.get_session_auth_hash()
    session.create()
    return session.session_key


def read_inbox(port, cookie, seconds, clients, queue):
    times, errors = [], []

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request(
                    "GET", "/inbox/", headers={"Cookie": f"sessionid={cookie}"}
                )
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                connection.close()
            times.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((times, errors))


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def start(command, env, log):
    return subprocess.Popen(  # noqa: S603 (our own executables)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--per-minute", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()
    os.environ["OUTBOUND_ALLOW_PRIVATE_ADDRESSES"] = "1"
    # The web, worker and beat processes share this folder (static files,
    # beat's schedule) with this one.
    var = Path(os.environ.get("BENCH_VAR", "/tmp/governance-bench-poller"))  # noqa: S108
    var.mkdir(parents=True, exist_ok=True)
    os.environ["VAR_DIR"] = str(var)
    url = fresh_database("governance_bench_poller")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)

    channels = [f"{index:02d}" for index in range(args.channels)]
    started = time.time() + 15  # mentions start once everything runs
    port_queue, stop = multiprocessing.Queue(), multiprocessing.Event()
    instance = multiprocessing.Process(
        target=serve_instance,
        args=(channels, args.per_minute, started, port_queue, stop),
    )
    instance.start()
    instance_url = f"http://127.0.0.1:{port_queue.get()}"
    cookie = prepare(args.comments, channels, instance_url, args.interval)
    from django.db import connections

    connections.close_all()

    web_port = int(os.environ.get("BENCH_PORT", "8931"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": "1",
        "VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
    }
    log = (var / "processes.log").open("w")
    processes = [
        start(
            [str(BIN / "gunicorn"), "governance.wsgi", "--bind",
             f"127.0.0.1:{web_port}", "--workers", "2", "--log-level", "warning"],
            env, log,
        ),
        start(
            [str(BIN / "celery"), "-A", "governance", "worker", "--loglevel",
             "WARNING", "--concurrency", "2", "--queues", "celery,outbound",
             "--hostname", f"bench-{os.getpid()}@%h", "--without-gossip",
             "--without-mingle"],
            env, log,
        ),
        start(
            [str(BIN / "celery"), "-A", "governance", "beat", "--loglevel",
             "WARNING", "--schedule", str(var / "beat-schedule")],
            env, log,
        ),
    ]  # fmt: skip
    try:
        for _ in range(120):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", web_port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        time.sleep(max(0.0, started - time.time()))
        queue = multiprocessing.Queue()
        reader = multiprocessing.Process(
            target=read_inbox,
            args=(web_port, cookie, args.seconds, args.clients, queue),
        )
        reader.start()
        times, errors = queue.get()
        reader.join()
        ended = time.time()
        # What was posted before the end has one interval to arrive.
        time.sleep(args.interval + 5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        stop.set()
    instance_requests = port_queue.get()
    instance.join()
    report(args, started, ended, times, errors, instance_requests)


def report(args, started, ended, times, errors, instance_requests):
    from moderation.models import Comment

    spacing = 60.0 / args.per_minute
    posted = args.channels * int((ended - started) / spacing)
    rows = list(
        Comment.objects.filter(channel__connector="mastodon").values_list(
            "posted_at", "received_at"
        )
    )
    in_window = [
        (received - at).total_seconds()
        for at, received in rows
        if at.timestamp() <= ended
    ]
    minutes = (ended - started) / 60
    print(
        f"{args.channels} channels x {args.per_minute} mentions/min for "
        f"{ended - started:.0f} s, poll interval {args.interval} s, "
        f"{args.comments:,} comments already in the inbox"
    )
    print(
        f"posted {posted:,} ({posted / minutes:,.0f}/min), stored "
        f"{len(in_window):,} of them ({len(in_window) / minutes:,.0f}/min), "
        f"left behind {posted - len(in_window):,}; instance requests "
        f"{instance_requests:,}"
    )
    if in_window:
        print(
            f"lag posted -> inbox: p50 {statistics.median(in_window):.1f} s, "
            f"p95 {percentile(in_window, 0.95):.1f} s, max {max(in_window):.1f} s"
        )
    print(
        f"inbox: {len(times):,} requests, p50 {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, p99 {percentile(times, 0.99):.1f} ms, "
        f"errors {len(errors)}"
    )
    duplicates = (
        Comment.objects.filter(channel__connector="mastodon").count()
        - Comment.objects.filter(channel__connector="mastodon")
        .values("channel", "external_id")
        .distinct()
        .count()
    )
    print(f"duplicates: {duplicates}")


if __name__ == "__main__":
    main()
