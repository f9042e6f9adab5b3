"""Benchmark the SLA sweep on PostgreSQL (run by hand).

    .venv/bin/python benchmarks/sweep.py [--open 1000000] [--due 1000]

Budget: with 1,000,000 open comments of which 1,000 have reached their due
time (and their warning time), one sweep marks and notifies them all in under
1 s: audit events, notifications for the people concerned, webhook messages
on channels with the signed connector. The next sweep, with nothing due, is
the cost paid every minute; so are the routing and alert sweeps, timed after
it. A fresh database ``governance_bench_sweep``.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import fresh_database  # noqa: E402


def fill(total, due):
    from django.contrib.auth.models import Group
    from django.db import connection

    from core.roles import Role
    from moderation.models import Channel
    from staffing.models import BusinessCalendar, User

    calendar = BusinessCalendar.objects.get(slug="24-7")
    channels = [
        Channel.objects.create(
            slug=f"channel-{index}",
            platform="facebook",
            handle=f"org{index}",
            calendar=calendar,
            connector="webhook" if index == 0 else "outbox",
            publish_url="http://127.0.0.1:9/hooks" if index == 0 else "",
        )
        for index in range(5)
    ]
    responders = Group.objects.get(name=Role.RESPONDER)
    managers = Group.objects.get(name=Role.MANAGER)
    people = []
    for index in range(20):
        person = User.objects.create(
            username=f"responder{index}", email=f"r{index}@example.org"
        )
        person.groups.add(responders)
        people.append(person)
    for index in range(3):
        User.objects.create(
            username=f"manager{index}", email=f"m{index}@example.org"
        ).groups.add(managers)
    with connection.cursor() as cursor:
        # Open comments due over the next weeks, except the first ``due`` ones,
        # due a minute ago; half of all are assigned.
        cursor.execute(
            """
            INSERT INTO moderation_comment (
                channel_id, external_id, author, text, language, url,
                parent_external_id, posted_at, received_at, status, severity,
                priority, categories, policy_version, assignee_id,
                first_response_due_at, warn_at, posted_period,
                author_name, author_url, platform_data)
            SELECT
                (%(channels)s::int[])[1 + (g / 7) %% 5], 'x' || g, 'author' || g,
                'Merci pour votre réponse rapide.', 'fr', '', '',
                now() - interval '2 hours', now() - interval '2 hours',
                CASE WHEN g %% 2 = 0 THEN 'assigned' ELSE 'new' END, 'low', 11,
                '[]'::jsonb, 1,
                CASE WHEN g %% 2 = 0 THEN (%(people)s::int[])[1 + (g / 3) %% 20] END,
                CASE WHEN g <= %(due)s THEN now() - interval '1 minute'
                     ELSE now() + make_interval(secs => g * 2) END,
                CASE WHEN g <= %(due)s THEN now() - interval '31 minutes'
                     ELSE now() + make_interval(secs => g * 2) - interval '30 minutes'
                END,
                'weekday', '', '', '{}'
            FROM generate_series(1, %(total)s) AS g
            """,
            {
                "channels": [c.pk for c in channels],
                "people": [p.pk for p in people],
                "due": due,
                "total": total,
            },
        )
        cursor.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()
    fresh_database("governance_bench_sweep")

    from moderation.models import Comment, Event, Notification, OutboxMessage
    from moderation.sla.sweep import _queue_senders, sla_sweep

    started = time.perf_counter()
    fill(args.open, args.due)
    print(f"filled in {time.perf_counter() - started:.0f} s")
    print(f"{Comment.objects.count():,} open comments, {args.due:,} due")
    # A worker that runs the sweep has its broker connection open and its
    # tasks loaded; so does this process before it is timed (the first
    # publish of a process costs about 0.2 s).
    _queue_senders()
    started = time.perf_counter()
    counts = sla_sweep()
    elapsed = time.perf_counter() - started
    print(
        f"sweep: {elapsed * 1000:.0f} ms, {counts}; "
        f"{Event.objects.count():,} events, "
        f"{Notification.objects.count():,} notifications, "
        f"{OutboxMessage.objects.count():,} webhook messages"
    )
    started = time.perf_counter()
    again = sla_sweep()
    idle = time.perf_counter() - started
    print(f"next sweep, nothing due: {idle * 1000:.1f} ms, {again}")
    # The other sweeps beat sends every minute, on the same table: routing
    # what waits (half the comments are new and nobody is on shift, so the
    # first run records the gaps of the 500 most urgent and the next ones
    # only look again), and the critical alerts still to send (none).
    from moderation.services.alerts import comments_alert_waiting
    from moderation.services.routing import comments_route_waiting

    for label, sweep in [
        ("route waiting, first run", comments_route_waiting),
        ("route waiting, each minute after", comments_route_waiting),
        ("critical alerts waiting", comments_alert_waiting),
    ]:
        started = time.perf_counter()
        result = sweep()
        print(f"{label}: {(time.perf_counter() - started) * 1000:.1f} ms, {result}")
    assert counts["warned"] == counts["breached"] == args.due, counts
    assert again == dict.fromkeys(counts, 0), again
    verdict = "OK" if elapsed < 1 else "OVER BUDGET"
    print(f"sweep with {args.due:,} due: {elapsed:.2f} s (budget 1 s): {verdict}")
    return 0 if elapsed < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
