"""The retention task on a real worker, SIGKILLed in the middle of a run:
what its committed batches erased stays erased, the batch it was inside is
rolled back, and the next worker's run goes on from the last batch with the
same cut-offs, as one run."""

import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from decisions.models import RetentionRun
from decisions.services.retention import retention_set
from governance.celery import app
from moderation.models import Comment
from moderation.services.ingest import comment_ingest
from tests.processes import Worker, needs_postgresql, scratch_folder, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    needs_postgresql,
]

TASK = "decisions.tasks.apply_retention"


@pytest.fixture
def folder():
    with scratch_folder() as path:
        yield Path(path)


def blocked_update(table):
    """The backend waiting for a row lock to update ``table``, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [f'UPDATE "{table}"%'],
        )
        row = cursor.fetchone()
    return row and row[0]


def erased():
    return Comment.objects.filter(text_erased_at__isnull=False).count()


def test_a_worker_killed_inside_a_run_is_taken_up_by_the_next(
    channel, personas, folder
):
    old = timezone.now() - datetime.timedelta(days=10)
    for number in range(10):
        comment_ingest(
            channel=channel, external_id=f"old-{number}", author="someone",
            text=f"Commentaire {number}", posted_at=old,
        )  # fmt: skip
    Comment.objects.update(received_at=old)
    retention_set(
        actor=personas["privacy_officer"], days_by_category={"comment_text": 1}
    )
    ids = list(Comment.objects.order_by("pk").values_list("pk", flat=True))
    app.control.purge()
    worker = Worker(folder, RETENTION_BATCH="3")
    try:
        with transaction.atomic():
            # The second batch's comments are locked: the first batch commits,
            # the second waits inside its transaction, and is killed there.
            list(Comment.objects.filter(pk__in=ids[3:6]).select_for_update())
            app.send_task(TASK)
            wait_for(
                lambda: blocked_update(Comment._meta.db_table), message=worker.output
            )
            worker.kill()
    finally:
        worker.stop()
    run = RetentionRun.objects.get()
    assert run.finished_at is None
    assert run.done == {"comment_text": 3}
    assert run.cursor == {"comment_text": ids[2]}
    assert erased() == 3

    app.control.purge()  # the killed task's requeued message: run it below
    replacement = Worker(folder, RETENTION_BATCH="3")
    try:
        app.send_task(TASK)
        wait_for(
            lambda: RetentionRun.objects.filter(finished_at__isnull=False).exists(),
            message=replacement.output,
        )
    finally:
        replacement.stop()
    run = RetentionRun.objects.get()  # the same run, taken up
    assert run.done == {"comment_text": 10}
    assert erased() == 10
    assert set(Comment.objects.values_list("text", flat=True)) == {""}
