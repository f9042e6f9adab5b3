"""Benchmark the audit trail's hash chain on PostgreSQL (run by hand).

    .venv/bin/python benchmarks/audit.py [--events 1000000]

Budgets: ``verify_audit`` over 1,000,000 events in at most 30 s; writing
events with their links costs little next to the ingest budget (at least 1,000
comments/s, each with its event: ``benchmarks/ingest.py`` measures that
end to end). A fresh database ``governance_bench_audit`` gets 1,000 comments,
then the events are written through the model's own bulk insert, in batches
of 500 as an ingest writes them, so each batch locks and moves the chain's
head as production does.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pgsetup import fresh_database  # noqa: E402

BATCH = 500
ACTIONS = ["ingested", "routed", "claimed", "answer_submitted", "answered", "closed"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    fresh_database("governance_bench_audit")

    from django.db import transaction

    from moderation.models import Channel, Comment, Event
    from staffing.models import BusinessCalendar

    channel = Channel.objects.create(
        slug="facebook-main",
        platform="facebook",
        handle="org",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
    )
    start = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    comments = Comment.objects.bulk_create(
        Comment(
            channel=channel,
            external_id=f"c-{index}",
            author=f"author{index}",
            text="Merci pour votre réponse",
            posted_at=start,
            received_at=start,
            first_response_due_at=start,
            policy_version=1,
        )
        for index in range(1000)
    )
    began = time.perf_counter()
    written = 0
    while written < args.events:
        size = min(BATCH, args.events - written)
        with transaction.atomic():
            Event.objects.bulk_create(
                Event(
                    comment=comments[(written + offset) % len(comments)],
                    action=ACTIONS[(written + offset) % len(ACTIONS)],
                    reason="« guillemets » et accents : é",
                    at=start + datetime.timedelta(seconds=written + offset),
                )
                for offset in range(size)
            )
        written += size
    writing = time.perf_counter() - began
    print(
        f"wrote {written:,} events in batches of {BATCH}: {writing:.1f} s, "
        f"{written / writing:,.0f} events/s ({writing / written * 1e6:.0f} µs each)"
    )

    from moderation.services.audit import chain_verify

    began = time.perf_counter()
    result = chain_verify()
    verifying = time.perf_counter() - began
    assert result.broken is None, result.broken
    print(
        f"verify_audit over {result.events:,} events: {verifying:.1f} s "
        f"(budget 30 s), {result.events / verifying:,.0f} events/s"
    )


if __name__ == "__main__":
    main()
