"""The transparency report over a quarter, and the retention task, over
1,000,000 comments.

Fills a fresh database (benchmarks/pgsetup.py) with ``--comments`` comments
received evenly over 2026 Q3, one in ten flagged (a rule match), one in five
answered, and ``--statements`` statements with appeals and notices; times
``transparency_report`` for the quarter (best of three), then sets a
retention schedule under which the oldest ``--due`` comments have passed
the time of their text and author (their statements and notices too), and
about as many more that of their detected personal data (one in forty has an
e-mail address), with a legal hold on 100 of them, and times
``retention_run``.

``tests/decisions/test_due_process_bench.py`` runs the same steps on a few
thousand comments, so the benchmark follows the schema.

    .venv/bin/python benchmarks/due_process.py [--comments 1000000] [--due 100000]

Targets (ISSUE 19): the report at most 1 s; the retention task at most 60 s.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import fresh_database  # noqa: E402

START = datetime.datetime(2026, 7, 1, 4, tzinfo=datetime.UTC)
SECONDS = 92 * 86400 - 1


def fill(total, statements):
    from django.db import connection

    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    channel = Channel.objects.create(
        slug="bench",
        platform="facebook",
        handle="organisation",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
    )
    step = SECONDS / total
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO moderation_comment (
                channel_id, external_id, author, text, language, url,
                parent_external_id, posted_at, received_at, status, severity,
                priority, categories, policy_version, first_response_due_at,
                posted_period, author_name, author_url, platform_data,
                response_minutes, first_responded_at)
            SELECT %(channel)s, 'x' || g, 'author' || (g %% 50000),
                'Merci pour votre réponse, écrivez à jean@example.org', 'fr', '', '',
                %(start)s + make_interval(secs => g * %(step)s),
                %(start)s + make_interval(secs => g * %(step)s),
                'closed', 'low', 1, '[]'::jsonb, 1,
                %(start)s + make_interval(secs => g * %(step)s + 3600),
                'weekday', 'Name', '', '{}',
                CASE WHEN g %% 5 = 0 THEN g %% 600 END,
                CASE WHEN g %% 5 = 0 THEN %(start)s
                    + make_interval(secs => g * %(step)s + 600) END
            FROM generate_series(1, %(total)s) AS g
            """,
            {"channel": channel.pk, "start": START, "step": step, "total": total},
        )
        cursor.execute(
            """
            INSERT INTO moderation_rulematch (comment_id, policy_version, rule,
                category, severity, pattern, start, "end", excerpt)
            SELECT id, 1,
                (ARRAY['offensive-content', 'denigration', 'threats',
                       'employee-information'])[1 + id / 10 %% 4],
                'offensive', 'medium',
                CASE WHEN id / 10 %% 4 = 3 THEN 'email' ELSE 'x' END,
                36, 52, 'jean@example.org'
            FROM moderation_comment WHERE id %% 10 = 0
            """,
            {},
        )
        cursor.execute(
            """
            INSERT INTO decisions_statement (reference, comment_id, kind, platform,
                restricted_at, facts, rule, rule_name_fr, rule_name_en, grounds_fr,
                grounds_en, detected_automatically, decided_automatically,
                acting_window, language, delivery, minutes_to_decision)
            SELECT 'D-' || id, id,
                (ARRAY['hidden','author_muted','author_blocked'])[1 + id %% 3],
                'facebook', received_at + interval '20 minutes', 'x',
                'offensive-content',
                '', '', '', '', true, id %% 7 = 0, '{}'::jsonb, 'fr', 'on_request',
                20 + id %% 30
            FROM moderation_comment WHERE id %% 10 = 0
            ORDER BY id LIMIT %(statements)s
            """,
            {"statements": statements},
        )
        cursor.execute(
            """
            INSERT INTO decisions_appeal (statement_id, kind, reasons, lodged_at,
                due_at, status, outcome)
            SELECT id, 'appeal', 'x', restricted_at + interval '1 day',
                restricted_at + interval '8 days',
                (ARRAY['pending','upheld','reversed'])[1 + id %% 3], ''
            FROM decisions_statement WHERE id %% 10 = 0
            """,
            {},
        )
        cursor.execute(
            """
            INSERT INTO decisions_notice (reference, url, reasons, name, email,
                language, comment_id, received_at, due_at, status, outcome)
            SELECT 'N-' || id, 'https://example.org/' || id, 'x', 'n', 'n@example.org',
                'fr', id, received_at, received_at + interval '2 days',
                (ARRAY['pending','acted','rejected'])[1 + id %% 3], ''
            FROM moderation_comment WHERE id %% 1000 = 0
            """,
            {},
        )
    return channel


def time_report(year=2026, quarter=3, repeat=3):
    """Return the report of the quarter and its timings in seconds."""
    from decisions.selectors import transparency_report

    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        report = transparency_report(year=year, quarter=quarter)
        timings.append(time.perf_counter() - started)
    return report, timings


def retention_schedule(due, holds=100):
    """Set a schedule under which the oldest ``due`` comments have passed the
    time of their text and author, and roughly the next ``due`` that of their
    detected personal data, with ``holds`` of the oldest under a legal hold;
    return the instant the run is for."""
    from core.roles import Role
    from decisions.models import RetentionRule
    from decisions.services.privacy import hold_place
    from moderation.models import Comment
    from tests.conftest import make_user

    officer = make_user("officer", [Role.PRIVACY_OFFICER])
    ordered = Comment.objects.order_by("received_at", "pk")
    received = ordered.values_list("received_at", flat=True)
    now = received[due - 1] + datetime.timedelta(days=30, seconds=1)
    personal_end = received[min(2 * due, ordered.count()) - 1]
    personal_days = max(1, int((now - personal_end).total_seconds() // 86400))
    days = {
        "comment_text": 30,
        "author": 30,
        "personal_data": personal_days,
        "notices": 30,
        "statements": 30,
    }
    for category, kept in days.items():
        RetentionRule.objects.create(category=category, days=kept)
    for comment in ordered.select_related("channel")[:holds]:
        hold_place(actor=officer, comment=comment, reason="bench")
    return now


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--statements", type=int, default=50_000)
    parser.add_argument("--due", type=int, default=100_000)
    args = parser.parse_args()
    fresh_database("governance_bench_due_process")

    from django.db import connection

    from decisions.services.retention import retention_run
    from moderation.models import Comment

    started = time.perf_counter()
    fill(args.comments, args.statements)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {args.comments:,} comments in {time.perf_counter() - started:.0f} s")

    report, timings = time_report()
    print(
        f"transparency report: best {min(timings) * 1000:.0f} ms, "
        f"worst {max(timings) * 1000:.0f} ms; {report['comments_received']:,} "
        f"comments, {report['decisions']['total']:,} decisions, "
        f"{report['appeals']['total']:,} appeals, "
        f"{report['notices']['total']:,} notices"
    )

    now = retention_schedule(args.due)
    started = time.perf_counter()
    run = retention_run(now=now)
    elapsed = time.perf_counter() - started
    done = ", ".join(f"{category}: {count:,}" for category, count in run.done.items())
    print(f"retention: {elapsed:.1f} s ({done})")
    kept = Comment.objects.filter(holds__isnull=False, text_erased_at__isnull=True)
    print(f"held and kept: {kept.count()}")


if __name__ == "__main__":
    main()
