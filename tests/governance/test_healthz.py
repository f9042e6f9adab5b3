"""/healthz reports the database and the broker, and fails when either is down."""

import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from governance import celery
from governance.celery import app as celery_app
from governance.services import heartbeat_record
from tests.processes import SilentServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_reports_a_recent_worker_heartbeat(client):
    assert client.get("/healthz").json()["worker"] == {"ok": False, "last_seen": None}
    heartbeat_record(name="worker")
    assert client.get("/healthz").json()["worker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    # Nothing listens on port 1: a real connection failure, not a mock. Celery
    # reads CELERY_BROKER_URL from the environment before its configuration.
    # Patch the configuration before the environment, so that the value
    # restored afterwards is the configured one.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.fixture
def hung_broker(monkeypatch):
    """A Redis broker that accepts connections and never answers."""
    server = SilentServer()
    monkeypatch.setattr(celery_app.conf, "broker_url", server.url())
    monkeypatch.setenv("CELERY_BROKER_URL", server.url())
    yield server
    celery.broker_pauses_clear()
    server.close()


@pytest.mark.django_db
def test_healthz_answers_503_within_two_seconds_when_the_broker_never_answers(
    client, hung_broker, monkeypatch
):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "detail": "OperationalError"}
    assert response.json()["database"]["ok"] is True
    assert hung_broker.accepted == 1
    # Pollers within the pause are told at once, without a new probe...
    for _ in range(5):
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 0.5
        assert response.status_code == 503
        assert response.json()["broker"] == {"ok": False, "detail": "BrokerPaused"}
    assert hung_broker.accepted == 1
    # ...and once it is over, the broker is probed again.
    later = time.monotonic() + celery.BROKER_PAUSE_SECONDS
    monkeypatch.setattr(celery, "_clock", lambda: later)
    assert client.get("/healthz").status_code == 503
    assert hung_broker.accepted == 2


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    script = (
        "import django, json; django.setup();"
        "from django.test.utils import setup_test_environment;"
        "setup_test_environment();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "VAR_DIR": str(tmp_path),
            "SECRET_KEY": "x" * 50,
            "CONNECTOR_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 503
    assert outcome["body"]["database"]["ok"] is False
    assert outcome["body"]["broker"]["ok"] is True
    assert outcome["body"]["worker"] == {"ok": False}


@pytest.mark.django_db
def test_healthz_warns_of_silent_and_failing_channels_without_a_503(
    client, fake_platform
):
    from django.utils import timezone

    from moderation.models import Channel, ChannelState
    from staffing.models import BusinessCalendar

    calendar = BusinessCalendar.objects.get(slug="24-7")
    assert client.get("/healthz").json()["channels"] == {
        "ok": True,
        "silent": [],
        "failing": [],
    }
    now = timezone.now()
    for slug, state in [
        ("healthy", {"last_success_at": now}),
        ("quiet", {"last_success_at": now - datetime.timedelta(hours=1)}),
        ("broken", {"last_error": "x", "last_error_at": now}),
        ("switched-off", {"last_error": "x", "last_error_at": now}),
    ]:
        channel = Channel.objects.create(
            slug=slug,
            platform="bluesky",
            handle=slug,
            calendar=calendar,
            connector="fake-test",
            active=slug != "switched-off",
        )
        ChannelState.objects.create(channel=channel, **state)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["channels"] == {"ok": False, "silent": ["quiet"], "failing": ["broken"]}
