"""A Celery worker SIGKILLed in the middle of a poll, for real: its comments
were inserted but not committed, so nothing of them remains and the cursor
has not moved; the next worker polls the same mentions again once the lease
has run out, and stores each once, with one event each."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from connectors.polling import poll_once
from governance.celery import app
from moderation.models import ChannelState, Comment, Event
from tests.moderation.test_killed_processes import (  # noqa: F401 (fixtures)
    blocked_insert,
    folder,
    tables_written,
    worker,
)
from tests.processes import Worker, needs_postgresql, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def mentions(mastodon, count):
    bob = mastodon.client("bob")
    return [
        bob.status_post(f"@alice réponse numéro {n}, espèce d'idiot")
        for n in range(count)
    ]


@needs_postgresql
def test_a_worker_killed_inside_a_poll_loses_and_duplicates_nothing(
    mastodon,
    mastodon_channel,
    worker,  # noqa: F811 (the fixture imported above)
    folder,  # noqa: F811 (the fixture imported above)
):
    # The first poll notes where the account's mentions stand.
    assert poll_once(mastodon_channel, force=True).error == ""
    start = ChannelState.objects.get(pk=mastodon_channel.pk).cursor
    posted = mentions(mastodon, 3)
    ChannelState.objects.filter(pk=mastodon_channel.pk).update(
        poll_due_at=timezone.now()
    )

    events = Event._meta.db_table
    with transaction.atomic():
        # Hold the events table: the poll inserts the comments and their
        # matches, then waits here with all of it uncommitted.
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{events}" IN EXCLUSIVE MODE')  # noqa: S608
        app.send_task("connectors.tasks.poll_channel", [mastodon_channel.pk])
        backend = wait_for(lambda: blocked_insert(events), message=worker.output)
        assert Comment._meta.db_table in tables_written(backend)
        worker.kill()  # the whole worker, mid-transaction
    # PostgreSQL rolls the dead worker's transaction back.
    wait_for(lambda: not blocked_insert(events), message=worker.output)

    state = ChannelState.objects.get(pk=mastodon_channel.pk)
    assert not Comment.objects.filter(channel=mastodon_channel).exists()
    assert state.cursor == start
    assert state.lease_until > timezone.now()  # the killed poll's lease

    replacement = Worker(folder)
    try:
        # While the lease lasts nobody polls the channel; once it has run out
        # (time passing), the next poll reads the same mentions again.
        ChannelState.objects.filter(pk=mastodon_channel.pk).update(
            lease_until=timezone.now() - datetime.timedelta(seconds=1),
            poll_due_at=timezone.now(),
        )
        app.send_task("connectors.tasks.poll_channel", [mastodon_channel.pk])
        wait_for(
            lambda: Comment.objects.filter(channel=mastodon_channel).count() == 3,
            message=replacement.output,
        )
        # A poll sent again (beat's sweep, a duplicate) changes nothing.
        ChannelState.objects.filter(pk=mastodon_channel.pk).update(
            poll_due_at=timezone.now()
        )
        app.send_task("connectors.tasks.poll_channel", [mastodon_channel.pk])
        wait_for(
            lambda: (
                ChannelState.objects.get(pk=mastodon_channel.pk).poll_due_at
                > timezone.now()
            ),
            message=replacement.output,
        )
    finally:
        replacement.stop()

    stored = Comment.objects.filter(channel=mastodon_channel)
    assert sorted(stored.values_list("external_id", flat=True)) == sorted(
        str(status.id) for status in posted
    )
    assert Event.objects.filter(comment__in=stored, action="ingested").count() == 3
    assert ChannelState.objects.get(pk=mastodon_channel.pk).cursor != start
