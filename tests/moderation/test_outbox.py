"""The signed webhook connector: delivery, retries with backoff, failure, retry.

A real HTTP server on loopback plays the platform (``receiver``, in this
folder's conftest); it answers with the status codes a test queues and records
what it received.
"""

import datetime
import json
import threading
import time

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from connectors import signed_webhook
from core import outbound, retry
from moderation import webhooks
from moderation.admin import OutboxMessageAdmin
from moderation.models import Answer, OutboxMessage
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.outbox import outbox_retry, outbox_send, outbox_send_due
from moderation.services.triage import comment_claim
from tests.core.test_outbound import public_dns

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


@pytest.fixture
def webhook_channel(channel, receiver):
    channel.connector = "webhook"
    channel.publish_url = receiver.url
    channel.save()
    return channel


def published_answer(channel, personas, *, external_id="c-1"):
    """Walk a comment through claim, answer and approval; return the answer."""
    comment, _ = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="x",
        text="Votre service est le pire",
        posted_at=POSTED,
    )
    comment_claim(comment=comment, actor=personas["responder"])
    answer = answer_submit(
        comment=comment, actor=personas["responder"], body="Merci, écrivez-nous."
    )
    return answer_approve(answer=answer, actor=personas["approver"])


def test_a_published_answer_is_posted_signed_after_commit(
    webhook_channel, personas, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None
    [(headers, body)] = receiver.received
    # The receiver can check the signature exactly as incoming webhooks are.
    webhooks.verify(
        webhook_channel.webhook_secret,
        headers[webhooks.TIMESTAMP_HEADER],
        headers[webhooks.SIGNATURE_HEADER],
        body,
        now=int(time.time()),
    )
    assert headers[signed_webhook.DELIVERY_HEADER] == str(message.pk)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    payload = json.loads(body)
    assert payload["id"] == message.pk
    assert payload["kind"] == "answer.published"
    assert payload["comment"] == "c-1"
    assert payload["body"] == "Merci, écrivez-nous."
    assert payload["answer"] == answer.pk


def test_an_outbox_only_channel_keeps_the_message_without_sending(
    channel, personas, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = published_answer(channel, personas)
    assert OutboxMessage.objects.get(answer=answer).status == "kept"
    assert receiver.received == []
    assert outbox_send_due() == 0


def test_failures_are_retried_with_doubling_waits_until_delivered(
    webhook_channel, personas, receiver, caplog
):
    receiver.statuses = [503, 500]
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    now = message.next_attempt_at

    assert outbox_send(message_id=message.pk, now=now) == "pending"
    message.refresh_from_db()
    assert message.attempts == 1
    # People see a generic message; the receiver's answer goes to the log.
    assert message.last_error == outbound.REFUSED
    assert "HTTP 503 Service Unavailable" in caplog.text
    assert message.next_attempt_at == now + datetime.timedelta(minutes=1)
    # Not due yet: nothing is sent, nothing is counted.
    early = now + datetime.timedelta(seconds=59)
    assert outbox_send(message_id=message.pk, now=early) is None

    now += datetime.timedelta(minutes=1)
    assert outbox_send(message_id=message.pk, now=now) == "pending"
    message.refresh_from_db()
    assert message.next_attempt_at == now + datetime.timedelta(minutes=2)

    now += datetime.timedelta(minutes=2)
    assert outbox_send(message_id=message.pk, now=now) == "sent"
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (3, "")
    assert len(receiver.received) == 3
    # The same delivery id on every attempt, so that the receiver can deduplicate.
    assert {h[signed_webhook.DELIVERY_HEADER] for h, _ in receiver.received} == {
        str(message.pk)
    }


def test_backoff_doubles_from_a_minute_and_stops_at_an_hour():
    waits = [retry.backoff(n) for n in range(1, 10)]
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_unreachable_receiver_fails_visibly_after_the_last_attempt_and_is_retried(
    webhook_channel, personas, receiver, client, caplog
):
    webhook_channel.publish_url = "http://127.0.0.1:9/closed"  # discard port
    webhook_channel.save()
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    now = message.next_attempt_at
    statuses = []
    for _ in range(retry.MAX_ATTEMPTS):
        statuses.append(outbox_send(message_id=message.pk, now=now))
        now += datetime.timedelta(hours=2)
    assert statuses == ["pending"] * (retry.MAX_ATTEMPTS - 1) + ["failed"]
    message.refresh_from_db()
    assert message.attempts == retry.MAX_ATTEMPTS
    assert message.last_error == outbound.UNREACHABLE
    assert "Connection refused" in caplog.text
    # Failed messages are no longer picked up by the sweep, but are never lost.
    assert outbox_send_due(now=now) == 0

    # Visible on the comment page, with a retry button for approvers.
    client.force_login(personas["approver"])
    page = client.get(reverse("moderation:comment", args=[answer.comment_id]))
    assert "Échec, à relancer à la main" in page.content.decode()
    assert "Le destinataire n’a pas pu être joint." in page.content.decode()
    assert b"Connection refused" not in page.content

    # Once the receiver is back, a retry from the page delivers it.
    webhook_channel.publish_url = receiver.url
    webhook_channel.save()
    response = client.post(reverse("moderation:delivery-retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert outbox_send(message_id=message.pk) == "sent"
    assert len(receiver.received) == 1


def test_only_approvers_retry_and_only_failed_deliveries(
    webhook_channel, personas, client
):
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    with pytest.raises(PermissionDenied):
        outbox_retry(message=message, actor=personas["responder"])
    assert outbox_retry(message=message, actor=personas["approver"]) is False
    client.force_login(personas["responder"])
    url = reverse("moderation:delivery-retry", args=[message.pk])
    assert client.post(url).status_code == 403


def test_the_admin_action_retries_failed_deliveries(webhook_channel, personas):
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=10)
    request = RequestFactory().post("/")
    request.user = personas["manager"]

    class Storage(list):  # where message_user writes
        def add(self, level, message, extra_tags=""):
            self.append(str(message))

    request._messages = Storage()
    model_admin = OutboxMessageAdmin(OutboxMessage, admin.site)
    model_admin.retry(request, OutboxMessage.objects.all())
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert request._messages == ["1 delivery put back in line."]


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_post_the_message_once(webhook_channel, personas, receiver):
    receiver.delay = 0.3  # the first request is still in flight
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    # Sent once already on commit; put it back in line to race two senders.
    assert len(receiver.received) == 1
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="pending", next_attempt_at=timezone.now()
    )
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(outbox_send(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, "sent"]
    assert len(receiver.received) == 2


def test_a_sender_killed_mid_request_leaves_the_message_due_after_the_lease(
    webhook_channel, personas, receiver
):
    answer = published_answer(webhook_channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    now = timezone.now()

    def dies(message, *, now):
        raise SystemExit("worker killed")

    with pytest.raises(SystemExit):
        outbox_send(message_id=message.pk, now=now, post=dies)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert outbox_send_due(now=now + datetime.timedelta(minutes=1)) == 0
    with time_machine.travel(now + retry.LEASE):
        assert outbox_send_due() == 1  # queued, then sent by the task
    message.refresh_from_db()
    assert message.status == "sent"


def test_the_webhook_connector_needs_a_url(channel, manager, api_client):
    channel.connector = "webhook"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "publish_url" in error.value.message_dict
    api_client.force_authenticate(manager)
    url = f"/api/v1/channels/{channel.slug}/"
    response = api_client.patch(url, {"connector": "webhook"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "publish_url": ["Le connecteur webhook signé a besoin d’une URL."]
    }
    response = api_client.patch(
        url, {"connector": "webhook", "publish_url": "ftp://example.org/x"}
    )
    assert response.status_code == 400
    assert "publish_url" in response.json()
    with public_dns():
        response = api_client.patch(
            url, {"connector": "webhook", "publish_url": "https://example.org/hooks"}
        )
    assert response.status_code == 200
    assert Answer.objects.count() == 0
