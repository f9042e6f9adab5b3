"""Bulk ingest, signed webhooks, channels and the CSV import."""

import io
import json
import math
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

from moderation.models import Channel, Comment, Event, RuleMatch, WebhookDelivery
from moderation.webhooks import sign

pytestmark = pytest.mark.django_db

ITEM = {
    "channel": "facebook-main",
    "author": "someone",
    "text": "Quel crétin",
    "posted_at": "2026-11-27T21:00:00Z",
}


@pytest.fixture
def ingester(api_client, personas, channel):
    api_client.force_authenticate(personas["api_reader"])
    return api_client


def test_bulk_ingest_saves_valid_items_and_reports_the_others(ingester):
    items = [
        {**ITEM, "external_id": "b-1"},
        {**ITEM, "external_id": "b-2", "posted_at": "not a date"},
        {**ITEM, "external_id": "b-1"},
        {**ITEM, "external_id": "b-3", "channel": "nowhere"},
    ]
    response = ingester.post("/api/v1/comments/bulk/", items, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["existing"], body["invalid"]) == (1, 1, 2)
    assert [r["result"] for r in body["results"]] == [
        "created",
        "invalid",
        "existing",
        "invalid",
    ]
    assert "posted_at" in body["results"][1]["errors"]
    assert "channel" in body["results"][3]["errors"]
    assert Comment.objects.count() == 1


def test_a_bulk_item_out_of_range_is_invalid_and_the_others_are_stored(ingester):
    items = [
        {**ITEM, "external_id": "far", "posted_at": "9999-12-31T23:00:00Z"},
        {**ITEM, "external_id": "fine"},
    ]
    response = ingester.post("/api/v1/comments/bulk/", items, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["invalid"]) == (1, 1)
    assert body["results"][0] == {
        "index": 0,
        "result": "invalid",
        "errors": {"posted_at": ["Saisissez une date du 1970-01-01 au 2100-12-31."]},
    }
    assert body["results"][1]["result"] == "created"
    assert list(Comment.objects.values_list("external_id", flat=True)) == ["fine"]


def inserts(model, rows):
    """Return how many INSERT statements the database needs for ``rows`` rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def test_bulk_ingest_stores_a_batch_in_a_few_queries_not_one_per_comment(
    ingester, django_assert_max_num_queries
):
    items = [{**ITEM, "external_id": f"b-{i}"} for i in range(500)]
    # Channels, stored comments, calendar, rulebook, then one insert per table;
    # SQLite splits a long insert in as many as its variable limit needs (the
    # more columns, the more), PostgreSQL takes each in one.
    with django_assert_max_num_queries(
        15 + inserts(Comment, 500) + inserts(RuleMatch, 500) + inserts(Event, 500)
    ):
        response = ingester.post("/api/v1/comments/bulk/", items, format="json")
    assert response.json()["created"] == 500
    assert Comment.objects.count() == 500
    assert Event.objects.filter(action="ingested").count() == 500


def test_bulk_ingest_refuses_inactive_channels_and_odd_items(ingester, channel):
    Channel.objects.create(
        slug="retired", platform="x", handle="old", calendar=channel.calendar,
        active=False,
    )  # fmt: skip
    items = [
        {**ITEM, "external_id": "a", "channel": "retired"},
        "text",
        {**ITEM},
        None,
    ]
    body = ingester.post("/api/v1/comments/bulk/", items, format="json").json()
    assert [r["result"] for r in body["results"]] == ["invalid"] * 4
    assert body["results"][0]["errors"] == {
        "channel": ["L’objet avec slug=retired n’existe pas."]
    }
    assert "non_field_errors" in body["results"][1]["errors"]
    assert body["results"][2]["errors"] == {
        "external_id": ["Ce champ est obligatoire."]
    }
    assert body["results"][3]["errors"] == {
        "non_field_errors": ["Ce champ ne peut être nul."]
    }
    assert not Comment.objects.exists()


def test_a_bulk_of_the_documented_maximum_is_accepted(ingester):
    # 500 comments of 20,000 characters, written as json.dumps writes them
    # (every "é" a six-byte escape): about 60 MB.
    items = [
        {**ITEM, "external_id": f"max-{i}", "text": "é" * 20_000} for i in range(500)
    ]
    body = json.dumps(items)
    assert len(body) > 60_000_000
    response = ingester.post(
        "/api/v1/comments/bulk/", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["created"] == 500
    assert Comment.objects.count() == 500
    assert {len(text) for text in Comment.objects.values_list("text", flat=True)} == {
        20_000
    }


def test_a_bulk_body_over_its_limit_is_a_json_413(ingester, monkeypatch):
    from moderation.api.ingest import BulkIngestView

    monkeypatch.setattr(BulkIngestView, "max_body_bytes", 1_000)
    items = [{**ITEM, "external_id": f"x-{i}"} for i in range(20)]
    response = ingester.post("/api/v1/comments/bulk/", items, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Le corps de la requête est trop volumineux."}
    assert not Comment.objects.exists()


def test_other_endpoints_keep_the_default_body_limit(ingester, settings):
    single = {**ITEM, "external_id": "big", "text": "x", "padding": "x" * 2_700_000}
    response = ingester.post("/api/v1/comments/", single, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert not Comment.objects.exists()


NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path", ["/api/v1/comments/", "/api/v1/comments/bulk/", "/api/v1/classify/"]
)
@pytest.mark.parametrize(
    "body",
    [NESTED, '{"text": ' + "[" * 40 + "]" * 40 + "}", "[" * 100_000],
    ids=["100000-arrays", "40-in-a-field", "unclosed"],
)
def test_json_nested_too_deeply_is_a_400(ingester, path, body):
    response = ingester.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON imbriqué trop profondément."}
    assert not Comment.objects.exists()


def test_a_body_that_is_not_utf8_is_a_400(ingester):
    response = ingester.post(
        "/api/v1/comments/", data=b'{"text": "\xff"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Erreur d’analyse du JSON")


def test_brackets_inside_a_comment_text_are_only_text(ingester):
    text = '"\\"' + "[" * 9_990 + "]" * 4
    response = ingester.post(
        "/api/v1/comments/", {**ITEM, "external_id": "brackets", "text": text},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert Comment.objects.get().text == text


@pytest.mark.parametrize("payload", [{}, [], [ITEM] * 501])
def test_bulk_ingest_refuses_bad_batches(ingester, payload):
    response = ingester.post("/api/v1/comments/bulk/", payload, format="json")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def post_webhook(
    client, channel, payload, *, secret=None, timestamp=None, offset=0, signature=None
):
    body = json.dumps(payload).encode()
    timestamp = int(time.time()) + offset if timestamp is None else timestamp
    if signature is None:
        signature = sign(secret or channel.webhook_secret, timestamp, body)
    return client.post(
        f"/api/v1/channels/{channel.slug}/webhook/",
        data=body,
        content_type="application/json",
        headers={
            "X-Governance-Timestamp": str(timestamp),
            "X-Governance-Signature": signature,
        },
    )


WEBHOOK_ITEM = {key: value for key, value in ITEM.items() if key != "channel"}


def test_a_signed_webhook_ingests(client, channel):
    response = post_webhook(client, channel, {**WEBHOOK_ITEM, "external_id": "w-1"})
    assert response.status_code == 201
    assert Comment.objects.get().external_id == "w-1"


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "not-the-secret"},
        {"offset": -301},
        {"offset": 301},
        {"signature": "sha256=" + "0" * 64},
        {"signature": ""},
    ],
)
def test_bad_or_stale_signatures_are_refused_and_nothing_is_stored(
    client, channel, tamper
):
    response = post_webhook(
        client, channel, {**WEBHOOK_ITEM, "external_id": "w-2"}, **tamper
    )
    assert response.status_code == 401
    assert not Comment.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_replayed_request_is_refused(client, channel):
    timestamp = int(time.time())
    payload = {**WEBHOOK_ITEM, "external_id": "w-3"}
    assert (
        post_webhook(client, channel, payload, timestamp=timestamp).status_code == 201
    )
    replay = post_webhook(client, channel, payload, timestamp=timestamp)
    assert replay.status_code == 401
    assert replay.json()["detail"] == "replayed request"
    assert Comment.objects.count() == 1


def signed(channel, payload):
    """Return one signed request (body and headers), to send more than once."""
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    return {
        "path": f"/api/v1/channels/{channel.slug}/webhook/",
        "data": body,
        "content_type": "application/json",
        "headers": {
            "X-Governance-Timestamp": str(timestamp),
            "X-Governance-Signature": sign(channel.webhook_secret, timestamp, body),
        },
    }


def test_a_retry_after_no_published_version_is_accepted(client, channel, monkeypatch):
    from moderation.services import ingest
    from policies.classify import NoPublishedVersion

    request = signed(channel, {**WEBHOOK_ITEM, "external_id": "w-409"})
    classify = ingest.classify_text

    def unpublished(**kwargs):
        raise NoPublishedVersion

    monkeypatch.setattr(ingest, "classify_text", unpublished)
    refused = client.post(**request)
    assert refused.status_code == 409
    assert refused.json() == {"detail": "No policy version is published yet."}
    assert not WebhookDelivery.objects.exists()
    monkeypatch.setattr(ingest, "classify_text", classify)  # published now
    assert client.post(**request).status_code == 201
    assert Comment.objects.get().external_id == "w-409"
    assert WebhookDelivery.objects.count() == 1
    assert client.post(**request).status_code == 401  # now it is a replay
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (OperationalError("the database system is shutting down"), 503),
        (RuntimeError("a bug"), 500),
    ],
)
def test_a_retry_after_a_failed_ingest_stores_the_comment_once(
    client, channel, monkeypatch, failure, status
):
    from moderation.services import ingest

    request = signed(channel, {**WEBHOOK_ITEM, "external_id": "w-retry"})
    insert = ingest._insert_comments
    calls = []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise failure
        return insert(*args, **kwargs)

    monkeypatch.setattr(ingest, "_insert_comments", fail_once)
    client.raise_request_exception = False
    assert client.post(**request).status_code == status
    assert not Comment.objects.exists()
    assert not WebhookDelivery.objects.exists()
    retry = client.post(**request)
    assert retry.status_code == 201
    assert Comment.objects.get().external_id == "w-retry"
    assert Event.objects.filter(action="ingested").count() == 1
    assert client.post(**request).status_code == 401
    assert Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_copies_of_one_request_at_once_store_one_comment(channel):
    import threading

    from django.db import connection
    from django.test import Client

    request = signed(channel, {**WEBHOOK_ITEM, "external_id": "w-race"})
    barrier = threading.Barrier(4)
    statuses, errors = [], []

    def deliver():
        try:
            barrier.wait()
            statuses.append(Client().post(**request).status_code)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == [201, 401, 401, 401]
    assert Comment.objects.filter(external_id="w-race").count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_old_deliveries_are_purged_and_recent_ones_kept(channel):
    import datetime

    from django.utils import timezone

    from moderation import tasks, webhooks

    now = timezone.now()
    old = WebhookDelivery.objects.create(
        channel=channel,
        signature="a" * 64,
        received_at=now - webhooks.REPLAY_WINDOW - datetime.timedelta(seconds=1),
    )
    recent = WebhookDelivery.objects.create(
        channel=channel,
        signature="b" * 64,
        received_at=now - webhooks.REPLAY_WINDOW + datetime.timedelta(minutes=1),
    )
    assert tasks.purge_webhook_deliveries.delay().get() == 1
    assert list(WebhookDelivery.objects.all()) == [recent]
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()


def test_the_purge_runs_from_beat():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "moderation.tasks.purge_webhook_deliveries" in tasks


def test_the_replay_window_outlasts_the_signature_window():
    from moderation import webhooks

    assert webhooks.REPLAY_WINDOW.total_seconds() >= 2 * webhooks.TOLERANCE_SECONDS


def test_webhook_for_an_unknown_channel_is_404(client, channel):
    channel.slug = "other"
    assert post_webhook(client, channel, WEBHOOK_ITEM).status_code == 404


def test_channels_api(api_client, personas, channel):
    api_client.force_authenticate(personas["responder"])
    listing = api_client.get("/api/v1/channels/").json()
    assert listing["results"][0] == {
        "slug": "facebook-main",
        "platform": "facebook",
        "handle": "organisation",
        "languages": ["fr", "en"],
        "calendar": "24-7",
        "connector": "outbox",
        "publish_url": "",
        "active": True,
        "poll_interval": None,
        "credentials_set_at": None,
        "health": {
            "state": "push",
            "last_success_at": None,
            "last_error": "",
            "last_error_at": None,
            "lag_seconds": None,
            "next_poll_at": None,
            "items_last_hour": 0,
            "rate_limit": None,
        },
    }
    assert "webhook_secret" not in listing["results"][0]
    new = {
        "slug": "x-main",
        "platform": "x",
        "handle": "org",
        "calendar": "qc-business",
    }
    assert api_client.post("/api/v1/channels/", new, format="json").status_code == 403
    api_client.force_authenticate(personas["manager"])
    assert api_client.post("/api/v1/channels/", new, format="json").status_code == 201
    wrong = {**new, "slug": "y", "calendar": "mars", "platform": "myspace"}
    bad = api_client.post("/api/v1/channels/", wrong, format="json")
    assert bad.status_code == 400
    assert {"calendar", "platform"} <= set(bad.json())
    assert Channel.objects.count() == 2


def test_csv_import(channel, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "external_id,author,text,posted_at,url\n"
        "c-1,alice,Quel crétin,2026-11-27T21:00:00Z,\n"
        "c-2,bob,Merci beaucoup,2026-11-27T21:05:00Z,https://facebook.example/2\n"
        "c-1,alice,Quel crétin,2026-11-27T21:00:00Z,\n",
        encoding="utf-8",
    )
    call_command("import_comments", str(path), "--channel", "facebook-main")
    assert "2 created, 1 already known, 0 invalid." in capsys.readouterr().out
    assert Comment.objects.count() == 2


def test_csv_import_reports_invalid_rows_and_fails(channel, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "external_id,author,text,posted_at\n"
        "c-1,alice,Quel crétin,2026-11-27T21:00:00Z\n"
        "c-2,bob,,yesterday\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 created, 0 already known, 1 invalid"):
        call_command("import_comments", str(path), "--channel", "facebook-main")
    assert "line 3: text" in capsys.readouterr().err
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "nowhere"], "Unknown channel"),
        (["--channel", "facebook-main"], "lacks the column"),
    ],
)
def test_csv_import_refuses_bad_arguments(channel, tmp_path, args, message):
    path = tmp_path / "export.csv"
    path.write_text("id,words\n1,hello\n", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_comments", str(path), *args)


def test_api_schema_has_no_warnings(tmp_path):
    out = io.StringIO()
    schema = str(tmp_path / "s.yml")
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", schema,
        stdout=out, stderr=out,
    )  # fmt: skip
    assert (tmp_path / "s.yml").read_text().startswith("openapi:")


def test_bulk_items_with_a_channel_that_is_not_a_slug_are_invalid(ingester):
    items = [{**ITEM, "external_id": "odd", "channel": {}}, {**ITEM, "channel": 7}]
    response = ingester.post("/api/v1/comments/bulk/", items, format="json")
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["invalid"] * 2
    assert not Comment.objects.exists()


@pytest.mark.parametrize("pk", ["null", "1,2", "-1", "9" * 25])
def test_ids_that_are_not_ids_are_not_found(api_client, personas, pk):
    api_client.force_authenticate(personas["manager"])
    assert api_client.post(f"/api/v1/comments/{pk}/claim/").status_code == 404
    assert api_client.post(f"/api/v1/answers/{pk}/approve/").status_code == 404
