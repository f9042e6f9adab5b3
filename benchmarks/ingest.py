"""Benchmark bulk ingest into PostgreSQL (run by hand).

    .venv/bin/python benchmarks/ingest.py [--comments 20000]

Budget: at least 1,000 comments/s through ``POST /api/v1/comments/bulk/``
(batches of 500) with validation, matching against the published rulebook, due
time on a business calendar (Québec holidays), the audit event and the routing
task published to Redis, on this 2-core machine. A fresh database
``governance_bench_ingest`` is created; see ``benchmarks/pgsetup.py``.

Each run is also given by CPU time: the seconds of processor this process and
its PostgreSQL backend spent (the two work one after the other, a request
waiting for its statements), which other work on the machine does not
stretch as it stretches the wall clock.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import (  # noqa: E402
    backend_pid,
    comment_texts,
    cpu_seconds,
    fresh_database,
)

BATCH = 500


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fresh_database("governance_bench_ingest")

    from django.db import connection
    from rest_framework.test import APIClient

    from core.roles import Role
    from moderation.models import Channel, Comment, Event, RuleMatch
    from staffing.models import BusinessCalendar, User

    channel = Channel.objects.create(
        slug="facebook-main",
        platform="facebook",
        handle="org",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="qc-business"),
    )
    robot = User.objects.create(username="connector")
    robot.groups.add(_group(Role.API_READER))
    client = APIClient()
    client.force_authenticate(robot)
    texts = comment_texts(args.comments)
    posted = datetime.datetime(2026, 11, 27, 16, 30, tzinfo=datetime.UTC)
    print(
        f"PostgreSQL {connection.pg_version // 10000}, {args.comments:,} comments "
        f"per run in batches of {BATCH}, {len(texts) // 5:,} of them flagged"
    )
    backend = backend_pid()
    rates, cpu_rates = [], []
    for run in range(args.runs):
        items = [
            {
                "channel": channel.slug,
                "external_id": f"r{run}-{index}",
                "author": f"author{index % 997}",
                "text": text,
                "posted_at": (posted + datetime.timedelta(seconds=index)).isoformat(),
                "url": f"https://facebook.example/p/{run}/{index}",
            }
            for index, text in enumerate(texts)
        ]
        started, cpu_started = time.perf_counter(), cpu_seconds(backend)
        for start in range(0, len(items), BATCH):
            response = client.post(
                "/api/v1/comments/bulk/", items[start : start + BATCH], format="json"
            )
            assert response.status_code == 200, response.content[:500]
            assert response.json()["created"] == len(items[start : start + BATCH])
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(backend) - cpu_started
        rate = len(items) / elapsed
        rates.append(rate)
        cpu_rates.append(len(items) / cpu)
        print(
            f"run {run + 1}: {rate:,.0f} comments/s ({elapsed:.2f} s); "
            f"{len(items) / cpu:,.0f} comments per CPU second ({cpu:.2f} s)"
        )
    # What one bulk request wrote, for the record.
    stored = Comment.objects.count()
    print(
        f"stored {stored:,} comments, {RuleMatch.objects.count():,} matches, "
        f"{Event.objects.count():,} events"
    )
    best, median = max(rates), statistics.median(rates)
    verdict = "OK" if median >= 1000 else "OVER BUDGET"
    print(f"median {median:,.0f}/s, best {best:,.0f}/s (budget 1,000): {verdict}")
    print(
        f"by CPU time: median {statistics.median(cpu_rates):,.0f}/s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return 0 if median >= 1000 else 1


def _group(role):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=role)


if __name__ == "__main__":
    sys.exit(main())
