"""Processes killed for real: a Celery worker SIGKILLed in the middle of the SLA
sweep's transaction and in the middle of posting to a platform, gunicorn's
database connections terminated by PostgreSQL, the broker gone from under a
running gunicorn and worker. Each time the product finishes the work on its
own, and nothing is lost or notified twice."""

import datetime
import json
import os
import signal
import statistics
import threading
import time
from email import message_from_string
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from connectors import signed_webhook
from core import retry
from core.models import OutgoingMail
from governance.celery import app
from governance.models import Heartbeat
from moderation.models import (
    Comment,
    Event,
    Notification,
    OutboxMessage,
    SlaPolicy,
)
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from staffing.models import Shift
from tests.conftest import make_token
from tests.processes import (
    Gunicorn,
    SilentServer,
    TcpProxy,
    Worker,
    needs_postgresql,
    scratch_folder,
    wait_for,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    # Tasks are sent to the real worker, whatever the in-process setting says.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture
def folder():
    with scratch_folder() as path:
        yield Path(path)


@pytest.fixture
def worker(folder):
    app.control.purge()  # nothing left over from another test
    process = Worker(folder)
    yield process
    process.stop()


@pytest.fixture
def webhook_channel(channel, receiver):
    channel.connector = "webhook"
    channel.publish_url = receiver.url
    channel.sla_policy = SlaPolicy.objects.create(
        slug="round-the-clock", name_fr="24/7", name_en="24/7", low_minutes=120
    )
    channel.save()
    return channel


def run_and_wait(worker, task):
    """Send ``task`` as beat would, then a heartbeat; the pool runs one task
    at a time in order, so once the heartbeat is seen the task has run."""
    before = timezone.now()
    app.send_task(task)
    app.send_task("governance.tasks.heartbeat")
    wait_for(
        lambda: Heartbeat.objects.filter(name="worker", seen_at__gte=before).exists(),
        message=worker.output,
    )


def blocked_insert(table):
    """The backend waiting for a lock to insert into ``table``, if any."""
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL shows the same snapshot of activity
        # until told to look again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [f'INSERT INTO "{table}"%'],
        )
        row = cursor.fetchone()
    return row and row[0]


def tables_written(pid):
    """The tables a backend's open transaction has written to."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT relation::regclass::text FROM pg_locks"
            " WHERE pid = %s AND mode = 'RowExclusiveLock' AND locktype = 'relation'",
            [pid],
        )
        return {row[0] for row in cursor.fetchall()}


def mails(folder):
    messages = []
    for path in sorted((folder / "mail").glob("*")):
        for part in path.read_text().split("-" * 79):
            if part.strip():
                messages.append(message_from_string(part.strip()))
    return messages


def overdue_comments(channel, personas, count=3):
    """``count`` claimed comments past their warning and due times; the
    responder on shift, so that every notification is e-mailed at once."""
    now = timezone.now()
    for number in range(count):
        comment, _ = comment_ingest(
            channel=channel,
            external_id=f"late-{number}",
            author="someone",
            text="Votre service est le pire",
            posted_at=now - datetime.timedelta(hours=3),
        )
        comment_claim(comment=comment, actor=personas["responder"])
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=now - datetime.timedelta(hours=4),
        ends_at=now + datetime.timedelta(hours=4),
    )


def kill_inside_the_sweep(worker, victim):
    """Run the sweep on ``worker`` and SIGKILL ``victim`` while the sweep's
    transaction has marked comments and written events and notifications."""
    outbox = OutboxMessage._meta.db_table
    with transaction.atomic():
        # Hold the outbox table: the sweep writes everything else, then
        # waits here with all of it uncommitted.
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{outbox}" IN EXCLUSIVE MODE')  # noqa: S608
        app.send_task("moderation.tasks.sweep_sla")
        backend = wait_for(lambda: blocked_insert(outbox), message=worker.output)
        assert {
            Comment._meta.db_table,
            Event._meta.db_table,
            Notification._meta.db_table,
        } <= tables_written(backend)
        victim()


def sweep_settled(receiver, count=3):
    notifications = Notification.objects.all()
    return (
        Event.objects.filter(action="sla_breached").count() == count
        and len(receiver.received) == 2 * count
        and notifications.exists()
        and not notifications.filter(sent_at__isnull=True).exists()
        and not OutgoingMail.objects.exclude(status="sent").exists()
    )


def assert_notified_once(receiver, folder, count=3):
    assert Event.objects.filter(action="sla_warned").count() == count
    assert Event.objects.filter(action="sla_breached").count() == count
    posted = [json.loads(body) for _, body in receiver.received]
    kinds = sorted((p["comment"], p["kind"]) for p in posted)
    assert kinds == sorted(
        (f"late-{n}", kind)
        for n in range(count)
        for kind in ("sla.breach", "sla.warning")
    )
    deliveries = [h[signed_webhook.DELIVERY_HEADER] for h, _ in receiver.received]
    assert len(set(deliveries)) == 2 * count
    assert OutboxMessage.objects.filter(status="sent").count() == 2 * count
    notifications = Notification.objects.values_list(
        "recipient__email", "kind", "comment__external_id"
    )
    assert len(notifications) == len(set(notifications)) > 0
    sent = mails(folder)
    assert len(sent) == len(notifications)
    assert {m["To"] for m in sent} == {email for email, _, _ in notifications}


@needs_postgresql
def test_a_pool_process_killed_inside_the_sla_sweep_is_replaced_and_notifies_once(
    webhook_channel, personas, receiver, worker, folder
):
    overdue_comments(webhook_channel, personas)
    pool = worker.pool()

    def oom_killer():
        os.kill(pool, signal.SIGKILL)
        wait_for(lambda: "SIGKILL" in worker.output(), message=worker.output)

    kill_inside_the_sweep(worker, oom_killer)
    # The worker forks a new pool process and runs the requeued sweep again
    # (acks late, reject on worker lost); what the killed one wrote is gone.
    wait_for(lambda: sweep_settled(receiver), message=worker.output)
    assert worker.pool() != pool
    run_and_wait(worker, "moderation.tasks.sweep_sla")  # and beat's next minute
    assert_notified_once(receiver, folder)


@needs_postgresql
def test_a_whole_worker_killed_inside_the_sla_sweep_is_caught_up_by_the_next_one(
    webhook_channel, personas, receiver, worker, folder
):
    overdue_comments(webhook_channel, personas)
    kill_inside_the_sweep(worker, worker.kill)
    assert not Event.objects.filter(action__startswith="sla_").exists()
    assert not Notification.objects.exists()

    # Its sweep is lost with it; beat sends the next one a minute later, and a
    # worker started again (by the supervisor) does it all.
    replacement = Worker(folder)
    try:
        run_and_wait(replacement, "moderation.tasks.sweep_sla")
        wait_for(lambda: sweep_settled(receiver), message=replacement.output)
        run_and_wait(replacement, "moderation.tasks.sweep_sla")
    finally:
        replacement.stop()
    assert_notified_once(receiver, folder)


def test_a_worker_killed_while_posting_an_answer_is_redelivered_once_the_lease_ends(
    webhook_channel, personas, receiver, worker, folder
):
    comment, _ = comment_ingest(
        channel=webhook_channel,
        external_id="c-1",
        author="x",
        text="Votre service est le pire",
        posted_at=timezone.now(),
    )
    comment_claim(comment=comment, actor=personas["responder"])
    answer = answer_submit(
        comment=comment, actor=personas["responder"], body="Merci, écrivez-nous."
    )
    receiver.hold = True
    app.conf.task_always_eager = False  # publishing queues the send for the worker
    try:
        answer_approve(answer=answer, actor=personas["approver"])
    finally:
        app.conf.task_always_eager = True
    wait_for(lambda: receiver.received, message=worker.output)
    worker.kill()  # the whole worker, mid-request: nothing acknowledged
    receiver.release.set()
    receiver.hold = False

    message = OutboxMessage.objects.get(answer=answer)
    assert (message.status, message.attempts, message.sent_at) == ("pending", 1, None)
    assert message.next_attempt_at > timezone.now()  # leased

    replacement = Worker(folder)
    try:
        # While the lease lasts, beat's minute sweep leaves the message alone:
        # the killed attempt may still be on its way.
        run_and_wait(replacement, "moderation.tasks.send_outbox_due")
        assert len(receiver.received) == 1
        # Two minutes later the lease is over and the sweep sends it again.
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=F("next_attempt_at") - retry.LEASE
        )
        run_and_wait(replacement, "moderation.tasks.send_outbox_due")
        wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent",
            message=replacement.output,
        )
    finally:
        replacement.stop()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert OutboxMessage.objects.filter(answer=answer).count() == 1
    # At least once: the platform saw the same delivery twice, with the same
    # delivery id and body, and keeps one.
    [(first, body), (second, again)] = receiver.received
    assert (
        first[signed_webhook.DELIVERY_HEADER] == second[signed_webhook.DELIVERY_HEADER]
    )
    assert first[signed_webhook.DELIVERY_HEADER] == str(message.pk)
    assert body == again
    assert json.loads(body)["body"] == "Merci, écrivez-nous."


def web_backends():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@needs_postgresql
def test_gunicorn_recovers_when_postgresql_drops_its_connections(
    channel, personas, folder
):
    token = make_token(personas["api_reader"])
    auth = {"Authorization": f"Token {token}"}
    web = Gunicorn(folder, workers=2)
    try:

        def rules():
            return web.request("GET", "/api/v1/rules/", headers=auth)[0]

        assert [rules() for _ in range(10)] == [200] * 10
        before = wait_for(web_backends)  # each worker keeps its connection
        # A restart, a failover, an administrator's pg_terminate_backend.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE pid = ANY(%s)",
                [list(before)],
            )
            assert all(row[0] for row in cursor.fetchall())
        wait_for(lambda: not web_backends() & before)

        statuses = []
        for number in range(10):
            item = {
                "channel": channel.slug,
                "external_id": f"after-{number}",
                "author": "someone",
                "text": "Bonjour",
                "posted_at": "2026-11-27T21:00:00Z",
            }
            headers = {**auth, "Content-Type": "application/json"}
            body = json.dumps(item)
            statuses.append(rules())
            statuses.append(web.request("POST", "/api/v1/comments/", body, headers)[0])
            statuses.append(web.request("GET", "/healthz")[0])
        assert statuses == [200, 201, 200] * 10, web.output()
        assert web_backends()
        assert not web_backends() & before
    finally:
        web.stop()
    assert Comment.objects.filter(external_id__startswith="after-").count() == 10


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs a broker over the network (Redis, as CI runs it)",
)
def test_ingest_goes_on_while_the_broker_is_away_and_routing_catches_up(
    channel, personas, folder
):
    broker = urlsplit(settings.CELERY_BROKER_URL)
    proxy = TcpProxy((broker.hostname, broker.port or 6379))
    url = broker._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    app.control.purge()
    now = timezone.now()
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    token = make_token(personas["api_reader"])
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    worker = Worker(folder, CELERY_BROKER_URL=url)
    web = Gunicorn(folder, workers=1, CELERY_BROKER_URL=url)

    def post(external_id):
        item = {
            "channel": channel.slug,
            "external_id": external_id,
            "author": "someone",
            "text": "Votre service est le pire",
            "posted_at": "2026-11-27T21:00:00Z",
        }
        return web.request("POST", "/api/v1/comments/", json.dumps(item), headers)[0]

    def routed(*external_ids):
        return Comment.objects.filter(
            external_id__in=external_ids, assignee__isnull=False
        ).count() == len(external_ids)

    try:
        assert post("before") == 201
        wait_for(lambda: routed("before"), message=worker.output)

        proxy.stop()  # every connection dropped, new ones refused
        during = [f"during-{n}" for n in range(5)]
        assert [post(external_id) for external_id in during] == [201] * 5
        assert Comment.objects.filter(external_id__in=during).count() == 5
        assert not Comment.objects.filter(
            external_id__in=during, assignee__isnull=False
        ).exists()
        assert web.request("GET", "/healthz")[0] == 503

        proxy.start()
        # The worker reconnects by itself; beat's minute sweep routes what
        # waited, and new comments are routed as they come again.
        app.send_task("moderation.tasks.route_waiting")
        wait_for(lambda: routed(*during), seconds=90, message=worker.output)
        assert post("after") == 201
        wait_for(lambda: routed("after"), message=worker.output)
        assert web.request("GET", "/healthz")[0] == 200
    finally:
        web.stop()
        worker.stop()
        proxy.stop()
    assert "Connection to broker lost" in worker.output()
    assert "Error calling queue_routing" in web.output()  # logged, not raised
    assert Comment.objects.count() == 7
    assert Event.objects.filter(action="routed").count() == 7


def test_a_broker_that_never_answers_holds_neither_ingest_nor_healthz(
    channel, personas, folder
):
    """Two sync workers, six clients polling /healthz and one posting comments,
    all against a Redis broker that accepts connections and never answers."""
    broker = SilentServer()
    token = make_token(personas["api_reader"])
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    web = Gunicorn(folder, workers=2, CELERY_BROKER_URL=broker.url())
    polls, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            started = time.monotonic()
            status = web.request("GET", "/healthz")[0]
            polls.append((status, time.monotonic() - started))

    def post(external_id):
        item = {
            "channel": channel.slug,
            "external_id": external_id,
            "author": "someone",
            "text": "Je vais te tuer",  # critical: routing and an alert to queue
            "posted_at": "2026-11-27T21:00:00Z",
        }
        started = time.monotonic()
        status = web.request("POST", "/api/v1/comments/", json.dumps(item), headers)[0]
        return status, time.monotonic() - started

    pollers = [threading.Thread(target=poll, daemon=True) for _ in range(6)]
    try:
        for poller in pollers:
            poller.start()
        posts = []
        # Long enough to outlast a pause (5 s): publishes and probes time out
        # again once it is over.
        for number in range(30):
            posts.append(post(f"hung-{number}"))
            time.sleep(0.25)
        stop.set()
        for poller in pollers:
            poller.join(timeout=30)
    finally:
        stop.set()
        web.stop()
        broker.close()
    ingest = [elapsed for _status, elapsed in posts]
    health = [elapsed for _status, elapsed in polls]
    print(
        f"ingest: median {statistics.median(ingest):.3f} s, max {max(ingest):.3f} s;"
        f" healthz ({len(polls)} polls): median {statistics.median(health):.3f} s,"
        f" max {max(health):.3f} s"
    )
    assert [status for status, _elapsed in posts] == [201] * 30, web.output()
    assert {status for status, _elapsed in polls} == {503}
    assert broker.accepted >= 4  # probes and publishes reached it, pause after pause
    assert max(ingest) < 1.0, ingest
    assert statistics.median(ingest) < 0.5, ingest  # the pause spares the rest
    assert max(health) < 2.0, health
    assert Comment.objects.filter(external_id__startswith="hung-").count() == 30
    assert "Error calling queue_routing" in web.output()  # logged, not raised
