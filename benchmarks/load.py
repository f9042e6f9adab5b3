"""Load test: gunicorn on PostgreSQL and Redis, driven over loopback (by hand).

    .venv/bin/python benchmarks/load.py [--comments 200000] [--seconds 30]
                                        [--clients 8] [--workers 2]
                                        [--fault terminate|restart]

Fills a fresh database ``governance_bench_load`` (comments as in
``benchmarks/inbox.py``), starts gunicorn as production does, and drives it
from a second process with ``--clients`` keep-alive HTTP clients, each
sending a mix of requests for ``--seconds``:

- 60 % a responder's inbox page (session cookie),
- 20 % one new comment through ``POST /api/v1/comments/`` (API token),
- 20 % a REST client's rules pull with ``If-None-Match`` (304 expected).

Reports requests, throughput, p50/p95/p99 and errors per kind.

``--fault`` breaks PostgreSQL a third of the way through (``--fault-at``):
``terminate`` ends every connection of the web workers
(``pg_terminate_backend``, as a failover or an administrator does); ``restart``
restarts the server with ``--restart-command`` (by default ``pg_ctlcluster``
on the first local cluster; needs the right to do so). The report then says
which requests failed and with what, when the service answered again, and
checks that every comment answered 201 is in the database. The run fails on a
lost comment, on a 500, or on errors outside the outage.
"""

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pgsetup import comment_texts, fresh_database  # noqa: E402

MIX = [("inbox", 0.6), ("ingest", 0.2), ("rules", 0.2)]


def prepare(comments):
    """Fill the database; return the session cookie, API token and channel."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from benchmarks.inbox import fill
    from core.roles import Role
    from staffing.models import User
    from staffing.services.tokens import api_token_create

    responder = fill(comments)
    session = SessionStore()
    session[SESSION_KEY] = str(responder.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = responder.get_session_auth_hash()
    session.create()
    connector = User.objects.create(username="connector")
    connector.groups.add(Group.objects.get(name=Role.API_READER))
    _token, secret = api_token_create(user=connector, name="load", days=1)
    return session.session_key, secret, "channel-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client(port, cookie, token, channel, seconds, seed, results):
    rng = random.Random(seed)  # noqa: S311 (a request mix, not a secret)
    texts = comment_texts(200, seed=seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etag = None
    deadline = time.monotonic() + seconds
    counter = 0
    while time.monotonic() < deadline:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        headers, body, method = {}, None, "GET"
        if kind == "inbox":
            path = "/inbox/"
            headers["Cookie"] = f"sessionid={cookie}"
        elif kind == "ingest":
            counter += 1
            path, method = "/api/v1/comments/", "POST"
            headers["Authorization"] = f"Token {token}"
            headers["Content-Type"] = "application/json"
            body = json.dumps(
                {
                    "channel": channel,
                    "external_id": f"load-{seed}-{counter}",
                    "author": f"author{counter % 500}",
                    "text": rng.choice(texts),
                    "posted_at": "2026-11-27T15:00:00Z",
                }
            )
        else:
            path = "/api/v1/rules/"
            headers["Authorization"] = f"Token {token}"
            if etag:
                headers["If-None-Match"] = etag
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if kind == "rules" and response.getheader("ETag"):
                etag = response.getheader("ETag")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        expected = {"inbox": (200,), "ingest": (201,), "rules": (200, 304)}[kind]
        external_id = f"load-{seed}-{counter}" if kind == "ingest" else None
        results.append(
            (kind, elapsed, status in expected, status, time.time(), external_id)
        )


def drive(port, cookie, token, channel, seconds, clients, queue):
    """The second process: ``clients`` threads, results sent back in bulk."""
    results = []
    threads = [
        threading.Thread(
            target=client,
            args=(port, cookie, token, channel, seconds, seed, results),
        )
        for seed in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def restart_command():
    """``pg_ctlcluster VERSION NAME restart`` for the first local cluster."""
    listing = subprocess.run(  # noqa: S603
        ["pg_lsclusters", "--no-header"],  # noqa: S607 (PostgreSQL's own tool)
        capture_output=True,
        text=True,
        check=True,
    )
    version, name = listing.stdout.split()[:2]
    return f"pg_ctlcluster {version} {name} restart"


def break_database(kind, url, command):
    """Do the fault now; return what was done and how long it took."""
    import psycopg2

    started = time.time()
    if kind == "terminate":
        connection = psycopg2.connect(url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
            what = f"terminated {cursor.fetchone()[0]} connections"
        connection.close()
    else:
        subprocess.run(command, shell=True, check=True)  # noqa: S602 (by hand)
        what = f"ran {command!r}"
    return started, time.time(), what


def fault_report(results, fault):
    """Print what the fault cost; return whether the product held up."""
    from django.db import connection

    from moderation.models import Comment

    started, ended, what = fault
    failures = [r for r in results if not r[2]]
    print(f"\nfault: {what} in {ended - started:.1f} s")
    held = True
    if failures:
        statuses = collections.Counter(r[3] for r in failures)
        first = min(r[4] for r in failures) - started
        last = max(r[4] for r in failures) - started
        back = min((r[4] for r in results if r[2] and r[4] > started + last), default=0)
        counts = ", ".join(
            f"{n} × {s or 'no answer'}" for s, n in sorted(statuses.items())
        )
        print(
            f"failed requests: {len(failures)} ({counts}), from {first:+.1f} s"
            f" to {last:+.1f} s after the fault began"
        )
        if back:
            print(f"answering again {back - started:.1f} s after the fault began")
        if 500 in statuses:
            print("FAIL: server errors (500)")
            held = False
        if first < -1 or last > ended - started + 10:
            print("FAIL: errors outside the outage")
            held = False
    else:
        print("failed requests: none")
    accepted = {r[5] for r in results if r[0] == "ingest" and r[2]}
    refused = {r[5] for r in results if r[0] == "ingest" and not r[2]}
    connection.close()  # the server may have restarted under this process too
    stored = set(
        Comment.objects.filter(external_id__in=accepted | refused).values_list(
            "external_id", flat=True
        )
    )
    lost = accepted - stored
    print(
        f"comments answered 201: {len(accepted):,}, stored: "
        f"{len(accepted & stored):,}, lost: {len(lost)}; not answered 201: "
        f"{len(refused)}, of which stored anyway: {len(refused & stored)}"
    )
    if lost:
        print("FAIL: comments answered 201 are missing")
        held = False
    return held


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fault", choices=["terminate", "restart"])
    parser.add_argument("--fault-at", type=float, help="seconds (a third of the run)")
    parser.add_argument("--restart-command", help="default: pg_ctlcluster ... restart")
    args = parser.parse_args()
    command = args.restart_command or (
        restart_command() if args.fault == "restart" else None
    )
    url = fresh_database("governance_bench_load")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    cookie, token, channel = prepare(args.comments)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        # Capacity is measured, not the rate limits: one token plays every
        # connector, from one address.
        "API_RATE_INGEST": "1000000/min",
        "API_RATE_INGEST_ADDRESS": "1000000/min",
    }
    server = subprocess.Popen(  # noqa: S603 (our own executable)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "governance.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        queue = multiprocessing.Queue()
        driver = multiprocessing.Process(
            target=drive,
            args=(port, cookie, token, channel, args.seconds, args.clients, queue),
        )
        started = time.perf_counter()
        driver.start()
        fault = None
        if args.fault:
            time.sleep(args.fault_at or args.seconds / 3)
            fault = break_database(args.fault, url, command)
        results = queue.get()
        driver.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{args.comments:,} comments, gunicorn {args.workers} workers, "
        f"{args.clients} clients for {args.seconds} s over loopback"
    )
    print(
        f"{'kind':8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    for kind in [k for k, _ in MIX] + ["all"]:
        rows = [r for r in results if kind in ("all", r[0])]
        times = sorted(r[1] for r in rows)
        errors = sum(1 for r in rows if not r[2])
        print(
            f"{kind:8} {len(rows):9,} {len(rows) / elapsed:8.1f} "
            f"{statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
            f"{percentile(times, 0.99):8.1f} {errors:7}"
        )
    if fault:
        return 0 if fault_report(results, fault) else 1
    statuses = sorted({r[3] for r in results if not r[2]})
    if statuses:
        print(f"unexpected statuses: {statuses}")
    return 0 if not statuses else 1


if __name__ == "__main__":
    sys.exit(main())
