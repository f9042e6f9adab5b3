"""Bad days: the broker down or hung during ingest, the database connection
dropped under a running process. Nothing is lost, nothing waits long, and the
product recovers by itself."""

import datetime
import logging
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.mail import mail_send
from core.models import OutgoingMail
from governance import celery
from governance.celery import app
from moderation.models import Comment
from moderation.services.alerts import comments_alert_waiting
from moderation.services.ingest import comment_ingest
from moderation.services.routing import comments_route_waiting
from staffing.models import Shift
from tests.processes import SilentServer, needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def forget_broker_connections():
    # Celery keeps a pool of broker connections per app; drop it so that the
    # next publish connects to whatever the configuration now says.
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


def use_broker(monkeypatch, url):
    saved = app.conf.broker_url, app.conf.task_always_eager
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    forget_broker_connections()
    return saved


@pytest.fixture
def broker_down(monkeypatch):
    saved = use_broker(monkeypatch, DEAD_BROKER)
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_broker_connections()


@pytest.fixture
def broker_hung(monkeypatch):
    """A Redis broker that accepts connections and never answers."""
    server = SilentServer()
    saved = use_broker(monkeypatch, server.url())
    yield server
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_broker_connections()
    celery.broker_pauses_clear()
    server.close()


def test_ingest_succeeds_with_the_broker_down_and_routing_and_alerts_catch_up(
    api_client, personas, channel, broker_down
):
    api_client.force_authenticate(personas["api_reader"])
    item = {
        "channel": channel.slug,
        "external_id": "outage-1",
        "author": "someone",
        "text": "Je vais te tuer",
        "posted_at": "2026-11-27T21:00:00Z",
    }
    response = api_client.post("/api/v1/comments/", item, format="json")
    assert response.status_code == 201
    bulk = api_client.post(
        "/api/v1/comments/bulk/",
        [{**item, "external_id": f"outage-{i}"} for i in range(2, 5)],
        format="json",
    )
    assert bulk.json()["created"] == 3
    assert Comment.objects.count() == 4
    assert not Comment.objects.filter(assignee__isnull=False).exists()
    # No alert could be queued for these threats; the minute sweep writes
    # them, once each, and their e-mails wait for a worker to send them.
    assert mail.outbox == []
    assert comments_alert_waiting() == 4
    assert comments_alert_waiting() == 0
    waiting = OutgoingMail.objects.filter(kind="critical_alert", status="pending")
    assert waiting.count() == 4
    assert mail.outbox == []
    for mail_id in list(waiting.values_list("pk", flat=True)):  # the worker's part
        assert mail_send(mail_id=mail_id) == "sent"
        assert mail_send(mail_id=mail_id) is None
    assert len(mail.outbox) == 4


def test_ingest_answers_within_a_second_when_the_broker_never_answers(
    api_client, personas, channel, broker_hung, caplog, monkeypatch
):
    api_client.force_authenticate(personas["api_reader"])
    item = {
        "channel": channel.slug,
        "external_id": "hung-1",
        "author": "someone",
        "text": "Je vais te tuer",  # critical: routing and an alert to queue
        "posted_at": "2026-11-27T21:00:00Z",
    }
    timings = []
    for number in range(1, 4):
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
            response = api_client.post(
                "/api/v1/comments/",
                {**item, "external_id": f"hung-{number}"},
                format="json",
            )
        timings.append(time.monotonic() - started)
        assert response.status_code == 201
    started = time.monotonic()
    bulk = api_client.post(
        "/api/v1/comments/bulk/",
        [{**item, "external_id": f"hung-bulk-{i}"} for i in range(5)],
        format="json",
    )
    timings.append(time.monotonic() - started)
    assert bulk.json()["created"] == 5
    assert max(timings) < 1.0, timings
    # The first publish reached the broker and timed out there; the next ones,
    # within the pause, did not wait for it again.
    assert broker_hung.accepted == 1
    later = time.monotonic() + celery.BROKER_PAUSE_SECONDS
    monkeypatch.setattr(celery, "_clock", lambda: later)
    response = api_client.post(
        "/api/v1/comments/", {**item, "external_id": "hung-after"}, format="json"
    )
    assert response.status_code == 201
    assert broker_hung.accepted == 2  # tried again once the pause is over
    assert "Error calling queue_routing" in caplog.text
    assert Comment.objects.count() == 9
    assert not Comment.objects.filter(assignee__isnull=False).exists()
    # The sweeps that run every minute do what the broker did not carry.
    assert comments_alert_waiting() == 9
    # Their e-mails wait in the outgoing mail until a worker can send them.
    waiting = OutgoingMail.objects.filter(kind="critical_alert", status="pending")
    assert waiting.count() == 9
    for mail_id in waiting.values_list("pk", flat=True):
        assert mail_send(mail_id=mail_id) == "sent"
    assert len(mail.outbox) == 9


def test_the_minute_sweep_routes_what_waited_once_the_broker_is_back(personas, channel):
    comment, _ = comment_ingest(
        channel=channel, external_id="late-route", author="x",
        text="Votre service est le pire", posted_at=timezone.now(), route=False,
    )  # fmt: skip
    now = timezone.now()
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    assert comments_route_waiting() == 1
    comment.refresh_from_db()
    assert comment.assignee == personas["responder"]


@needs_postgresql  # an embedded SQLite file has no connection to lose
def test_a_dropped_database_connection_is_reopened_on_the_next_request(
    client, personas, channel
):
    client.force_login(personas["responder"])
    assert client.get("/inbox/").status_code == 200
    # The server side of the connection goes away (a restart, a failover).
    connection.connection.close()
    # The request on the dead connection is told to try again in a moment...
    response = client.get("/inbox/")
    assert response.status_code == 503
    assert response["Retry-After"]
    # ...and at its end Django closes the unusable connection (the test client
    # skips that step, so it is done here as request_finished does it); the
    # next request opens a new one.
    connection.close_if_unusable_or_obsolete()
    assert client.get("/inbox/").status_code == 200
