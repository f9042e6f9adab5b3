"""Benchmark the cockpit and the crisis detection with 1,000,000 comments in
PostgreSQL (run by hand).

    .venv/bin/python benchmarks/cockpit.py [--comments 1000000] [--requests 100]

Budgets: the cockpit (the dashboard page, through the whole stack in process,
as a signed-in manager) p95 at most 200 ms; one crisis detection run at most
1 s. The database ``governance_bench_cockpit`` is filled as the inbox
benchmark fills its own: a month of comments on five channels, one in ten
still open, one in five flagged.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import fresh_database  # noqa: E402


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
    args = parser.parse_args()
    fresh_database("governance_bench_cockpit")

    from django.db import connection
    from django.test import Client

    from benchmarks.inbox import fill
    from core.roles import Role
    from moderation.services.crisis import crises_detect
    from tests.conftest import make_user

    fill(args.comments)
    manager = make_user("manager", [Role.MANAGER])
    client = Client()
    client.force_login(manager)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/dashboard/")
    assert response.status_code == 200, response.status_code
    median, p95 = timed(lambda: client.get("/dashboard/"), args.requests)
    print(
        f"cockpit: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"{len(queries)} queries ({args.comments:,} comments)"
    )
    median, p95 = timed(crises_detect, max(10, args.requests // 5))
    print(f"crisis detection: median {median:.1f} ms, p95 {p95:.1f} ms per run")


if __name__ == "__main__":
    main()
