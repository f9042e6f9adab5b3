"""Bad days: the broker down during ingest, the database connection dropped
under a running process. Nothing is lost, and the product recovers by itself."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from governance.celery import app
from governance.models import OutgoingMail
from governance.services import mail_send
from moderation import services
from moderation.models import Comment
from staffing.models import Shift
from tests.processes import needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def forget_broker_connections():
    # Celery keeps a pool of broker connections per app; drop it so that the
    # next publish connects to whatever the configuration now says.
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def broker_down(monkeypatch):
    saved = app.conf.broker_url, app.conf.task_always_eager
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)
    app.conf.broker_url, app.conf.task_always_eager = DEAD_BROKER, False
    forget_broker_connections()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_broker_connections()


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
    assert services.comments_alert_waiting() == 4
    assert services.comments_alert_waiting() == 0
    waiting = OutgoingMail.objects.filter(kind="critical_alert", status="pending")
    assert waiting.count() == 4
    assert mail.outbox == []
    for mail_id in list(waiting.values_list("pk", flat=True)):  # the worker's part
        assert mail_send(mail_id=mail_id) == "sent"
        assert mail_send(mail_id=mail_id) is None
    assert len(mail.outbox) == 4


def test_the_minute_sweep_routes_what_waited_once_the_broker_is_back(personas, channel):
    comment, _ = services.comment_ingest(
        channel=channel, external_id="late-route", author="x",
        text="Votre service est le pire", posted_at=timezone.now(), route=False,
    )  # fmt: skip
    now = timezone.now()
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    assert services.comments_route_waiting() == 1
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
