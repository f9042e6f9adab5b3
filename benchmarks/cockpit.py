"""Benchmark the cockpit and the crisis detection with 1,000,000 comments in
PostgreSQL (run by hand).

    .venv/bin/python benchmarks/cockpit.py [--comments 1000000] [--requests 100]
        [--reuse] [--database governance_bench_cockpit]

Budgets: the cockpit (the dashboard page, through the whole stack in process,
as a signed-in manager) p95 at most 200 ms; one crisis detection run at most
1 s. The database ``governance_bench_cockpit`` (``--database``) is filled as the inbox
benchmark fills its own: a month of comments on five channels, one in ten
still open, one in five flagged.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import BROKER, SERVER, fresh_database  # noqa: E402


def reuse_database(name):
    """Point Django at the database ``name`` filled by an earlier run."""
    import os

    import django

    os.environ.update(
        DATABASE_URL=f"{SERVER}/{name}",
        CELERY_BROKER_URL=BROKER,
        DJANGO_SETTINGS_MODULE="governance.settings",
    )
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ.setdefault(
        "CONNECTOR_KEYS", "YmVuY2htYXJrLW9ubHktY29ubmVjdG9yLWtleS0zMmI="
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    django.setup()


def timed(function, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database filled last time"
    )
    parser.add_argument(
        "--database", default="governance_bench_cockpit", help="the database to fill"
    )
    args = parser.parse_args()
    if args.reuse:
        reuse_database(args.database)
    else:
        fresh_database(args.database)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from benchmarks.inbox import fill
    from core.roles import Role
    from moderation.services.crisis import crises_detect
    from staffing.models import User
    from tests.conftest import make_user

    if not args.reuse:
        fill(args.comments)
        make_user("manager", [Role.MANAGER])
    call_command("collectstatic", interactive=False, verbosity=0)
    manager = User.objects.get(username="manager")
    client = Client()
    client.force_login(manager)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    from django.core.cache import cache

    client.get("/dashboard/")  # the worker's first request
    # The benchmarks' own Redis database (BENCH_REDIS): the week's figures
    # are computed again, then cached.
    cache.clear()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get("/dashboard/")
    assert response.status_code == 200, response.status_code
    print(
        f"cockpit, the week's figures not cached: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    median, p95 = timed(lambda: client.get("/dashboard/"), args.requests)
    print(
        f"cockpit: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"{len(queries)} queries ({args.comments:,} comments)"
    )
    median, p95 = timed(crises_detect, max(10, args.requests // 5))
    print(f"crisis detection: median {median:.1f} ms, p95 {p95:.1f} ms per run")


if __name__ == "__main__":
    main()
