"""The inbox side by side with django-helpdesk's ticket list (run by hand).

    make bench-helpdesk      # its own virtualenv, then this script

Budget: the inbox at least 10x faster than the ticket list of django-helpdesk,
the Django peer, with the same volume in the same PostgreSQL database: one
million comments and one million tickets, one in ten open, the same staff
user, the first page of 50 open items in each product's default order. The
ticket list is what a browser loads: the page, then the JSON of its table
(``datatables_ticket_list``), which is where the rows come from.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.pgsetup import fresh_database  # noqa: E402


def fill_tickets(count, people):
    """Insert ``count`` tickets, one in ten open, and a follow-up per closed one."""
    from django.db import connection

    from helpdesk.models import Queue

    queue = Queue.objects.create(title="Social media", slug="social")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO helpdesk_ticket (
                title, queue_id, created, modified, submitter_email,
                assigned_to_id, status, on_hold, description, resolution,
                priority, due_date, last_escalation, secret_key)
            SELECT
                'Comment ' || g, %(queue)s,
                now() - make_interval(secs => (%(count)s - g) * 2.6),
                now() - make_interval(secs => (%(count)s - g) * 2.6),
                'author' || (g %% 50000) || '@example.org',
                CASE WHEN g %% 10 = 0 AND (g / 10) %% 6 IN (1, 2, 4)
                     THEN (%(people)s::int[])[1 + (g / 13) %% 20] END,
                CASE WHEN g %% 10 = 0 THEN 1 ELSE 4 END,
                false,
                'Merci pour votre réponse rapide mais la facture de ce mois est '
                    || 'encore erronée et personne ne rappelle depuis deux semaines.',
                '', 1 + g %% 5,
                now() - make_interval(secs => (%(count)s - g) * 2.6)
                    + interval '8 hours',
                NULL, md5(g::text)
            FROM generate_series(1, %(count)s) AS g
            """,
            {"queue": queue.pk, "count": count, "people": [p.pk for p in people]},
        )
        cursor.execute(
            """
            INSERT INTO helpdesk_followup (ticket_id, date, title, comment, public,
                user_id, new_status, message_id, time_spent, email_recipients)
            SELECT id, modified + interval '2 hours', 'Closed', 'Answered.', true,
                   NULL, 4, NULL, NULL, '[]'::jsonb
            FROM helpdesk_ticket WHERE status = 4
            """
        )
        cursor.execute("VACUUM ANALYZE")


def timed(function, requests):
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    fresh_database("governance_bench_helpdesk", "benchmarks.helpdesk.settings")
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.inbox import fill
    from staffing.models import User

    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    me = fill(args.rows)
    people = list(User.objects.filter(username__startswith="responder"))
    fill_tickets(args.rows, people)
    print(f"filled both in {time.perf_counter() - started:.0f} s")
    User.objects.filter(pk=me.pk).update(is_staff=True)
    import governance.wsgi  # noqa: F401  (start as a gunicorn worker does)

    client = Client()
    client.force_login(me)
    shell = client.get("/helpdesk/tickets/")
    assert shell.status_code == 200, shell.status_code
    found = re.search(
        rb'"url": "(/helpdesk/datatables_ticket_list/[^"]+)"', shell.content
    )
    data_url = found.group(1).decode()
    table = {"draw": "1", "start": "0", "length": "50"}
    rows = client.get(data_url, table).json()
    assert len(rows["data"]) == 50, rows
    inbox = client.get("/inbox/")
    assert inbox.content.count(b'class="inbox-row') == 50

    def helpdesk_list():
        client.get("/helpdesk/tickets/")
        client.get(data_url, table)

    print(f"{'first page of 50 open items':36} {'p50 ms':>8} {'p95 ms':>8}")
    figures = {
        "inbox (page)": timed(lambda: client.get("/inbox/"), args.requests),
        "django-helpdesk, page": timed(
            lambda: client.get("/helpdesk/tickets/"), args.requests
        ),
        "django-helpdesk, table JSON": timed(
            lambda: client.get(data_url, table), args.requests
        ),
        "django-helpdesk, page + table": timed(helpdesk_list, args.requests),
    }
    for name, (p50, p95) in figures.items():
        print(f"{name:36} {p50:8.1f} {p95:8.1f}")
    ours = figures["inbox (page)"]
    theirs = figures["django-helpdesk, page + table"]
    ratio50, ratio95 = theirs[0] / ours[0], theirs[1] / ours[1]
    verdict = "OK" if min(ratio50, ratio95) >= 10 else "UNDER BUDGET"
    print(
        f"inbox faster by x{ratio50:.1f} at p50, x{ratio95:.1f} at p95 "
        f"(budget x10): {verdict}"
    )
    return 0 if min(ratio50, ratio95) >= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
