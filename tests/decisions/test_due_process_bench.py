"""The due-process benchmark's steps on a few thousand comments: its raw
inserts follow the schema, the report it times counts what it inserted, and
the retention run it times erases what its schedule says and keeps the held
comments (``benchmarks/due_process.py`` times the same steps on 1,000,000)."""

import pytest

from benchmarks.due_process import fill, retention_schedule, time_report
from decisions.models import Notice, Statement
from decisions.services.retention import retention_run
from moderation.models import Comment
from staffing.models import BusinessCalendar
from tests.processes import needs_postgresql

pytestmark = [pytest.mark.django_db, needs_postgresql]

TOTAL, STATEMENTS, DUE = 4000, 150, 400


@pytest.fixture
def filled():
    BusinessCalendar.objects.get_or_create(slug="24-7", defaults={"name": "24/7"})
    return fill(TOTAL, STATEMENTS)


def test_the_report_counts_what_the_benchmark_inserted(filled):
    report, timings = time_report(repeat=1)

    assert len(timings) == 1
    assert report["comments_received"] == TOTAL
    flagged = {row["rule"]: row["comments"] for row in report["flagged_by_rule"]}
    assert sum(flagged.values()) == TOTAL // 10
    # One flagged comment in four per rule, every rule of the fill present.
    assert sorted(flagged.values()) == [TOTAL // 40] * 4
    assert report["decisions"]["total"] == STATEMENTS
    assert report["notices"]["total"] == TOTAL // 1000
    answered = sorted(
        Comment.objects.exclude(response_minutes=None).values_list(
            "response_minutes", flat=True
        )
    )
    assert len(answered) == TOTAL // 5
    middle = len(answered) // 2
    assert report["median_minutes_to_first_response"] == round(
        (answered[middle - 1] + answered[middle]) / 2, 1
    )


def test_the_retention_run_does_what_its_schedule_says(filled):
    now = retention_schedule(DUE, holds=10)

    run = retention_run(now=now)

    assert run.finished_at is not None
    assert run.done["comment_text"] == DUE - 10
    assert run.done["author"] == DUE - 10
    erased = Comment.objects.filter(text_erased_at__isnull=False)
    assert erased.count() == DUE - 10
    held = Comment.objects.filter(holds__isnull=False)
    assert held.count() == 10
    assert not held.filter(text_erased_at__isnull=False).exists()
    # The next comments keep their text, without the detected e-mail address
    # once its own time has passed; later ones keep it.
    detected = Comment.objects.filter(
        text_erased_at=None, matches__pattern="email"
    ).exclude(holds__isnull=False)
    cutoff = run.cutoffs["personal_data"]
    past, kept = (
        detected.filter(received_at__lt=cutoff),
        detected.exclude(received_at__lt=cutoff),
    )
    assert run.done["personal_data"] == past.count() > 0
    assert not past.filter(text__contains="jean@example.org").exists()
    assert past.filter(text__contains="écrivez à ").count() == past.count()
    assert kept.filter(text__contains="jean@example.org").count() == kept.count() > 0
    assert (
        run.done["statements"] == Statement.objects.exclude(anonymised_at=None).count()
    )
    assert Notice.objects.exclude(anonymised_at=None).count() == run.done["notices"]
