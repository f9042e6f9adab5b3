"""Fault run: gunicorn against a broker that accepts and never answers (by hand).

    .venv/bin/python benchmarks/hung_broker.py [--seconds 15] [--pollers 6]
                                               [--workers 2]

Starts gunicorn as production does on a fresh database
``governance_bench_hung_broker``, its ``CELERY_BROKER_URL`` pointing at a TCP
server on loopback that accepts every connection and never writes a byte (a
Redis stopped with SIGSTOP, a full disk, a half-open link). Then, for
``--seconds`` each:

0. a warm-up (each worker's first ingest compiles the rulebook's matcher),
   reported apart;
1. one client posts a critical comment every 0.25 s (routing and an alert to
   publish after the commit);
2. ``--pollers`` clients poll ``/healthz`` as fast as they can;
3. both at once.

Reports the status codes and the latencies of each kind, and how many
connections reached the broker. The run fails on a status other than 201 for
an ingest or 503 for ``/healthz``, on an ingest slower than 1 s or a
``/healthz`` slower than 2 s.
"""

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import ROOT, fresh_database  # noqa: E402

INGEST_BOUND, HEALTHZ_BOUND = 1.0, 2.0


class SilentBroker:
    """Accept every connection, read and drop what comes, never answer."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            self.accepted += 1
            threading.Thread(target=self._drain, args=(client,), daemon=True).start()

    def _drain(self, client):
        with contextlib.suppress(OSError):
            while client.recv(65536):
                pass


def request(port, method, path, body=None, headers=None):
    started = time.perf_counter()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        client.request(method, path, body=body, headers=headers or {})
        status = client.getresponse().status
    finally:
        client.close()
    return status, time.perf_counter() - started


def run(port, token, channel, seconds, pollers, ingest):
    """Drive the server for ``seconds``; return {kind: [(status, seconds)]}."""
    results = {"ingest": [], "healthz": []}
    stop = threading.Event()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def poll():
        while not stop.is_set():
            results["healthz"].append(request(port, "GET", "/healthz"))

    def post():
        number = 0
        while not stop.is_set():
            number += 1
            item = {
                "channel": channel,
                "external_id": f"hung-{time.time_ns()}-{number}",
                "author": "someone",
                "text": "Je sais où vous habitez, vous allez payer pour ça.",
                "posted_at": "2026-11-27T21:00:00Z",
            }
            body = json.dumps(item)
            results["ingest"].append(
                request(port, "POST", "/api/v1/comments/", body, headers)
            )
            time.sleep(0.25)

    threads = [threading.Thread(target=poll) for _ in range(pollers)]
    if ingest:
        threads.append(threading.Thread(target=post))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return results


def report(name, results):
    ok = True
    for kind, expected, bound in (
        ("ingest", 201, INGEST_BOUND),
        ("healthz", 503, HEALTHZ_BOUND),
    ):
        rows = results[kind]
        if not rows:
            continue
        times = sorted(elapsed for _status, elapsed in rows)
        statuses = sorted({status for status, _elapsed in rows})
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:22} {kind:8} {len(rows):6} "
            f"{statistics.median(times) * 1000:8.0f} {p95 * 1000:8.0f} "
            f"{times[-1] * 1000:8.0f}  {statuses}"
        )
        ok = ok and statuses == [expected] and times[-1] < bound
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--pollers", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = fresh_database("governance_bench_hung_broker")
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from moderation.models import Channel
    from staffing.models import BusinessCalendar, User

    call_command("collectstatic", interactive=False, verbosity=0)
    channel = Channel.objects.create(
        slug="facebook-main",
        platform="facebook",
        handle="org",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="qc-business"),
    )
    robot = User.objects.create(username="connector")
    robot.groups.add(_group("api_reader"))
    token = Token.objects.create(user=robot).key

    broker = SilentBroker()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker.port}/0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "governance.settings",
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
        # Each publish not sent and each 503 is logged: keep the report legible.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                if request(port, "GET", "/healthz")[0] == 503:
                    break
            time.sleep(0.5)
        print(
            f"gunicorn {args.workers} sync workers, broker accepting and silent, "
            f"{args.seconds:g} s per scenario"
        )
        print(
            f"{'scenario':22} {'kind':8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'max ms':>8}  statuses"
        )
        # A worker's first ingest compiles the rulebook's matcher, broker or
        # not: warm both workers up, report it apart, and let the pause that
        # the warm-up started run out.
        warm = run(port, token, channel.slug, 3, 0, True)
        report("warm-up (cold workers)", warm)
        time.sleep(5)
        ok = True
        for name, pollers, ingest in (
            ("ingest alone", 0, True),
            (f"{args.pollers} healthz pollers", args.pollers, False),
            (f"ingest + {args.pollers} pollers", args.pollers, True),
        ):
            results = run(port, token, channel.slug, args.seconds, pollers, ingest)
            ok = report(name, results) and ok
        print(f"connections that reached the broker: {broker.accepted}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0 if ok else 1


def _group(role):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=role)


if __name__ == "__main__":
    sys.exit(main())
