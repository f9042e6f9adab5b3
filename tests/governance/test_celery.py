"""The Celery app: configuration from settings, and a real worker round trip."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from governance import tasks
from governance.celery import app
from governance.models import Heartbeat


def test_celery_is_configured_from_django_settings():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    assert conf.broker_url == settings.CELERY_BROKER_URL
    assert conf.enable_utc is True


def test_every_task_acks_late_from_the_setting():
    """No task says so itself: the setting covers every app's tasks."""
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 16
    assert all(task.acks_late for task in ours)


def test_every_broker_and_result_connection_has_deadlines():
    conf = app.conf
    # A publish is tried once, its connection included: no retry multiplies
    # the timeouts below while a request waits.
    assert conf.task_publish_retry is True
    assert conf.task_publish_retry_policy == {"max_retries": 0}
    assert 0 < conf.broker_connection_timeout <= 0.5
    assert 0 < conf.redis_socket_connect_timeout <= 0.5
    assert 0 < conf.redis_socket_timeout <= 0.5
    assert conf.redis_retry_on_timeout is False
    # Whatever the configured transport: a URL given later keeps them.
    options = conf.broker_transport_options
    assert 0 < options["socket_connect_timeout"] <= 0.5
    assert 0 < options["socket_timeout"] <= 0.5
    assert options["retry_on_timeout"] is False


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_heartbeat_task_moves_the_worker_beat_to_now():
    stale = timezone.now() - datetime.timedelta(hours=1)
    Heartbeat.objects.create(name="worker", seen_at=stale)
    before = timezone.now()
    tasks.heartbeat.delay()
    # One row per process name, moved forward, not a row per beat.
    (beat,) = Heartbeat.objects.all()
    assert beat.name == "worker"
    assert before <= beat.seen_at <= timezone.now()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker():
    """Send through the configured broker (Redis in CI) and wait for the row."""
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="WARNING"
        ):
            tasks.heartbeat.delay()
            deadline = time.monotonic() + 30
            while not Heartbeat.objects.filter(name="worker").exists():
                assert time.monotonic() < deadline, "the worker never ran the task"
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
