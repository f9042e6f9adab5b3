"""The signed webhook connector through ``core.outbound``: internal addresses
refused when a channel is saved and again when a message is sent, redirects
not followed, a trickling receiver given up on before the lease ends, generic
errors on the page, and sending on a queue and worker of its own."""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from core import outbound, retry
from governance.celery import app
from moderation.models import Channel, OutboxMessage
from moderation.services.outbox import outbox_send
from tests.core.test_outbound import PUBLIC_V4, Trickler, public_dns
from tests.moderation.test_outbox import published_answer

pytestmark = [pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
INTERNAL_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:6379/",
    "http://[::1]:22/",
    "http://10.0.0.1/",
    "http://localhost/hooks",
]


@pytest.fixture
def no_private(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False


@pytest.fixture
def webhook_channel(channel, receiver):
    channel.connector = "webhook"
    channel.publish_url = receiver.url
    channel.save()
    return channel


def pending_message(channel, personas):
    """A published answer's message, its first attempt not made yet."""
    answer = published_answer(channel, personas)
    message = OutboxMessage.objects.get(answer=answer)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=0, status="pending")
    return message


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_publishing_url_is_refused_by_the_api(
    url, channel, manager, api_client, no_private
):
    api_client.force_authenticate(manager)
    response = api_client.patch(
        f"/api/v1/channels/{channel.slug}/",
        {"connector": "webhook", "publish_url": url},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "publish_url": [
            "Cette adresse est privée, locale ou réservée\u00a0: le destinataire "
            "doit être joignable sur Internet."
        ]
    }
    channel.refresh_from_db()
    assert (channel.connector, channel.publish_url) == ("outbox", "")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_publishing_url_is_refused_by_the_admin_form(
    url, channel, manager, no_private
):
    model_admin = admin.site._registry[Channel]
    request = RequestFactory().post("/")
    request.user = manager
    form_class = model_admin.get_form(request, channel)
    data = {
        **{f: getattr(channel, f) for f in ("slug", "platform", "handle")},
        "languages": '["fr"]',
        "calendar": channel.calendar_id,
        "connector": "webhook",
        "publish_url": url,
        "webhook_secret": channel.webhook_secret,
        "active": "on",
    }
    form = form_class(data, instance=channel)
    assert not form.is_valid()
    assert form.errors["publish_url"] == [
        "This address is private, local or reserved: the receiver must be "
        "reachable on the public Internet."
    ]


@pytest.mark.usefixtures("english")
def test_credentials_in_the_publishing_url_are_refused(channel, manager, api_client):
    channel.connector = "webhook"
    channel.publish_url = "https://user:secret@example.org/hooks"
    with pytest.raises(ValidationError) as error, public_dns():
        channel.full_clean()
    assert error.value.message_dict == {
        "publish_url": ["Enter a URL without a user name or password."]
    }
    api_client.force_authenticate(manager)
    with public_dns():
        response = api_client.patch(
            f"/api/v1/channels/{channel.slug}/",
            {"connector": "webhook", "publish_url": channel.publish_url},
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == {
        "publish_url": ["Saisissez une URL sans nom d’utilisateur ni mot de passe."]
    }


def test_a_public_publishing_url_is_accepted(channel, manager, api_client, no_private):
    api_client.force_authenticate(manager)
    with public_dns({"hooks.example": PUBLIC_V4}):
        response = api_client.patch(
            f"/api/v1/channels/{channel.slug}/",
            {"connector": "webhook", "publish_url": "https://hooks.example/in"},
            format="json",
        )
    assert response.status_code == 200
    channel.refresh_from_db()
    assert channel.publish_url == "https://hooks.example/in"


def test_a_receiver_that_redirects_is_a_failed_attempt_not_followed(
    webhook_channel, personas, receiver, caplog
):
    message = pending_message(webhook_channel, personas)
    receiver.requests.clear()
    receiver.received.clear()
    receiver.statuses = [302]
    receiver.answer_headers = {"Location": "/elsewhere"}
    now = message.next_attempt_at
    assert outbox_send(message_id=message.pk, now=now) == "pending"
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("pending", None)
    assert message.last_error == outbound.REFUSED
    # One POST, no GET to the redirect target: the signature went nowhere else.
    assert receiver.requests == [("POST", "/hooks/answers")]
    assert "HTTP 302" in caplog.text
    assert "/elsewhere" in caplog.text


def test_a_dns_answer_turned_internal_after_saving_is_refused_when_sending(
    channel,
    personas,
    receiver,
    api_client,
    caplog,
    no_private,
    django_capture_on_commit_callbacks,
):
    """DNS rebinding: public when the channel is saved, loopback on sending."""
    port = receiver.server_address[1]
    url = f"http://rebind.example:{port}/hooks"
    api_client.force_authenticate(personas["manager"])
    with public_dns({"rebind.example": [PUBLIC_V4, "127.0.0.1", "127.0.0.1"]}):
        response = api_client.patch(
            f"/api/v1/channels/{channel.slug}/",
            {"connector": "webhook", "publish_url": url},
            format="json",
        )
        assert response.status_code == 200
        channel.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            published_answer(channel, personas)  # sends on commit: refused
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error == outbound.UNREACHABLE
    assert receiver.requests == []
    assert "rebind.example resolves to 127.0.0.1 (loopback)" in caplog.text


def test_a_trickling_receiver_is_given_up_on_within_the_total_deadline(
    webhook_channel, personas, monkeypatch
):
    monkeypatch.setattr(outbound, "READ_TIMEOUT", 1.0)
    monkeypatch.setattr(outbound, "TOTAL_TIMEOUT", 1.5)
    server = Trickler(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 500 + b"\r\n\r\n")
    Channel.objects.filter(pk=webhook_channel.pk).update(publish_url=server.url)
    message = pending_message(Channel.objects.get(pk=webhook_channel.pk), personas)
    started = time.monotonic()
    try:
        status = outbox_send(message_id=message.pk, now=message.next_attempt_at)
    finally:
        server.stop()
    assert status == "pending"
    assert time.monotonic() - started < 2.5
    message.refresh_from_db()
    assert message.last_error == outbound.UNREACHABLE


def test_the_lease_outlasts_the_total_deadline():
    assert datetime.timedelta(seconds=outbound.TOTAL_TIMEOUT) < retry.LEASE
    assert outbound.TOTAL_TIMEOUT <= 15


def test_the_page_and_the_admin_show_a_generic_error(webhook_channel, personas, client):
    answer = published_answer(webhook_channel, personas)
    OutboxMessage.objects.filter(answer=answer).update(
        status="failed", last_error=outbound.UNREACHABLE
    )
    client.force_login(personas["approver"])
    page = client.get(reverse("moderation:comment", args=[answer.comment_id]))
    assert "Le destinataire n’a pas pu être joint." in page.content.decode()
    client.force_login(personas["manager"])
    listing = client.get(reverse("admin:moderation_outboxmessage_changelist"))
    assert "Le destinataire n’a pas pu être joint." in listing.content.decode()


# -- its own queue and worker ---------------------------------------------------


def route(task):
    return app.amqp.router.route({}, task)["queue"].name


def test_sending_goes_to_the_outbound_queue_and_nothing_else_does():
    assert route("moderation.tasks.send_outbox") == "outbound"
    for task in (
        "governance.tasks.heartbeat",
        "moderation.tasks.sweep_sla",
        "moderation.tasks.route_waiting",
        "moderation.tasks.alert_waiting",
        "moderation.tasks.send_outbox_due",
    ):
        assert route(task) == "celery", task


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_each_queue_receives_only_what_is_routed_to_it():
    """Sent through the configured broker: a queue bound to the default key
    would get every task as well."""

    def waiting(channel):
        return {
            name: queue(channel).queue_declare().message_count
            for name, queue in app.amqp.queues.items()
        }

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in app.amqp.queues.values():
            queue(channel).declare()
            queue(channel).purge()
        try:
            with app.producer_or_acquire() as producer:
                app.send_task("governance.tasks.heartbeat", producer=producer)
            assert waiting(channel) == {"celery": 1, "outbound": 0}
            with app.producer_or_acquire() as producer:
                app.send_task("moderation.tasks.send_outbox", [0], producer=producer)
            assert waiting(channel) == {"celery": 1, "outbound": 1}
        finally:
            for queue in app.amqp.queues.values():
                queue(channel).purge()


def queues(command):
    return re.search(r"--queues[ ,\"]+([\w,]+)", command).group(1).split(",")


def test_make_run_and_docker_compose_start_a_worker_for_each_queue():
    procfile = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip()
    )
    assert queues(procfile["worker"]) == ["celery"]
    assert queues(procfile["outbound"]) == ["outbound"]
    compose = (ROOT / "docker-compose.yml").read_text()
    commands = re.findall(
        r'command: \["celery", "-A", "governance", "worker".*', compose
    )
    assert sorted(queues(c)[0] for c in commands) == ["celery", "outbound"]
