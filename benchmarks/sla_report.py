"""Benchmark the SLA report over a quarter with 1,000,000 answered comments in
PostgreSQL (run by hand).

    .venv/bin/python benchmarks/sla_report.py [--comments 1000000] [--runs 10] [--reuse]

Budget: the report (``/api/v1/sla/report/``, through the whole stack in
process, as a signed-in manager: the period's figures, weekday / weekend /
holiday, per responder, per rule and per week, and the weeks without anyone
on duty) at most 1 s. The response times page, which draws the same figures,
is timed too. A fresh database ``governance_bench_sla`` is filled in SQL:
91 days of comments on five channels, all answered or overdue, by twenty
responders, one in five flagged with its matches.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cockpit import reuse_database  # noqa: E402
from benchmarks.pgsetup import FLAGGED, comment_texts, fresh_database  # noqa: E402

DAYS = 91


def fill(count, start):
    """Insert ``count`` answered comments posted from ``start`` over ``DAYS``
    days, and their matches, in SQL."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from core.roles import Role
    from moderation.models import Channel
    from policies.classify import classify_text
    from staffing.models import BusinessCalendar, User

    calendars = list(BusinessCalendar.objects.order_by("slug"))
    channels = [
        Channel.objects.create(
            slug=f"channel-{index}",
            platform="facebook" if index % 2 else "x",
            handle=f"org{index}",
            languages=["fr", "en"],
            calendar=calendars[index % len(calendars)],
        )
        for index in range(5)
    ]
    group = Group.objects.get(name=Role.RESPONDER)
    people = []
    for index in range(20):
        person = User.objects.create(
            username=f"responder{index}", first_name=f"Responder {index}"
        )
        person.groups.add(group)
        people.append(person)
    texts = comment_texts(200) + FLAGGED * 5
    classified = [classify_text(text=text) for text in texts]
    rows = [
        (
            index,
            text,
            result.language,
            max(
                (m.severity for m in result.matches),
                key=["low", "medium", "high", "critical"].index,
                default="",
            ),
            "["
            + ", ".join(f'"{c}"' for c in sorted({m.category for m in result.matches}))
            + "]",
        )
        for index, (text, result) in enumerate(zip(texts, classified, strict=True))
    ]
    matches = [
        (index, m.rule, m.category, m.severity, m.pattern[:500], m.start, m.end)
        for index, result in enumerate(classified)
        for m in result.matches
    ]
    step = DAYS * 86400 / count
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE sample (i int, text text, language text, "
            "severity text, categories jsonb)"
        )
        cursor.executemany("INSERT INTO sample VALUES (%s, %s, %s, %s, %s)", rows)
        cursor.execute(
            "CREATE TEMP TABLE sample_match (i int, rule text, category text, "
            'severity text, pattern text, start int, "end" int)'
        )
        cursor.executemany(
            "INSERT INTO sample_match VALUES (%s, %s, %s, %s, %s, %s, %s)", matches
        )
        started = time.perf_counter()
        # Answered within 0 to 40 hours (one in fifty never, overdue), the
        # 24 h target met or not, waiting for approval one in four times.
        cursor.execute(
            """
            INSERT INTO moderation_comment (
                channel_id, external_id, author, text, language, url,
                parent_external_id, posted_at, received_at, status, severity,
                priority, categories, policy_version, assignee_id,
                first_response_due_at, first_responded_at, breached_at,
                response_minutes, response_business_minutes, sla_met,
                posted_period, approval_wait_minutes,
                author_name, author_url, platform_data)
            SELECT
                (%(channels)s::int[])[1 + (g / 7) %% 5],
                'x' || g, 'author' || (g %% 50000), s.text, s.language, '', '',
                p.posted, p.posted,
                CASE WHEN g %% 50 = 0 THEN 'new' ELSE 'answered' END,
                s.severity, 0, s.categories, 1,
                CASE WHEN g %% 50 <> 0 THEN (%(people)s::int[])[1 + (g / 13) %% 20] END,
                p.posted + interval '24 hours',
                CASE WHEN g %% 50 <> 0 THEN p.posted + make_interval(mins => r.m) END,
                CASE WHEN g %% 50 = 0 OR r.m > 1440
                     THEN p.posted + interval '24 hours' END,
                CASE WHEN g %% 50 <> 0 THEN r.m END,
                CASE WHEN g %% 50 <> 0 THEN r.m / 3 END,
                CASE WHEN g %% 50 <> 0 THEN r.m <= 1440 END,
                CASE WHEN extract(isodow FROM p.posted) >= 6 THEN 'weekend'
                     ELSE 'weekday' END,
                CASE WHEN g %% 4 = 0 THEN (g / 4) %% 90 END,
                '', '', '{}'
            FROM generate_series(1, %(count)s) AS g
            JOIN sample s ON s.i = g %% %(samples)s
            CROSS JOIN LATERAL (SELECT %(start)s::timestamptz
                + make_interval(secs => g * %(step)s) AS posted) p
            CROSS JOIN LATERAL (SELECT ((g::bigint * 7919) %% 2400)::int AS m) r
            """,
            {
                "channels": [c.pk for c in channels],
                "people": [p.pk for p in people],
                "count": count,
                "samples": len(rows),
                "start": start,
                "step": step,
            },
        )
        cursor.execute(
            """
            INSERT INTO moderation_rulematch (comment_id, policy_version, rule,
                category, severity, pattern, start, "end", excerpt)
            SELECT c.id, 1, m.rule, m.category, m.severity, m.pattern, m.start,
                   m."end", substr(c.text, m.start + 1, m."end" - m.start)
            FROM moderation_comment c
            JOIN sample_match m ON m.i = substring(c.external_id from 2)::int %% %(n)s
            """,
            {"n": len(rows)},
        )
        cursor.execute("VACUUM ANALYZE")
        print(f"filled in {time.perf_counter() - started:.0f} s")


def timed(function, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database filled last time"
    )
    parser.add_argument(
        "--database", default="governance_bench_sla", help="the database to fill"
    )
    args = parser.parse_args()
    if args.reuse:
        reuse_database(args.database)
    else:
        fresh_database(args.database)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from core.roles import Role
    from moderation.models import Comment, RuleMatch
    from staffing.models import User
    from tests.conftest import make_user

    first = datetime.date(2026, 7, 1)
    last = first + datetime.timedelta(days=DAYS - 1)
    if not args.reuse:
        fill(args.comments, f"{first.isoformat()} 00:00:00-04")
        make_user("manager", [Role.MANAGER])
    manager = User.objects.get(username="manager")
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(manager)
    query = {"from": first.isoformat(), "to": last.isoformat()}
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/api/v1/sla/report/", query)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    print(
        f"{Comment.objects.count():,} comments, {RuleMatch.objects.count():,} "
        f"matches; the report counts {body['count']:,} over {first} to {last}: "
        f"{len(body['by_responder'])} responders, {len(body['by_rule'])} rules, "
        f"{len(body['by_week'])} weeks, {len(queries)} queries"
    )
    median, worst = timed(lambda: client.get("/api/v1/sla/report/", query), args.runs)
    print(f"/api/v1/sla/report/: median {median:.0f} ms, max {worst:.0f} ms")
    median, worst = timed(lambda: client.get("/sla/", query), args.runs)
    print(f"/sla/ (the page): median {median:.0f} ms, max {worst:.0f} ms")


if __name__ == "__main__":
    main()
