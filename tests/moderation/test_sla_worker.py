"""A real Celery worker and a real beat, through the configured broker (Redis in
CI): beat wakes the sweep up again and again, the breach is notified once."""

import datetime
import tempfile
import threading
import time
from pathlib import Path

import pytest
from celery.beat import Service
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from core.models import OutgoingMail
from governance.celery import app
from moderation.models import Event, Notification, SlaPolicy
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from tests.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_and_a_worker_notify_a_breach_exactly_once(channel, personas):
    channel.sla_policy = SlaPolicy.objects.create(
        slug="round-the-clock", name_fr="24/7", name_en="24/7", low_minutes=120
    )
    channel.save()
    comment, _ = comment_ingest(
        channel=channel,
        external_id="late-1",
        author="someone",
        text="Votre service est le pire",
        posted_at=timezone.now() - datetime.timedelta(hours=3),
    )
    comment_claim(comment=comment, actor=personas["responder"])
    mail.outbox.clear()

    schedule = {
        # Every second rather than every minute: several sweeps in a few seconds.
        "sla": {"task": "moderation.tasks.sweep_sla", "schedule": 1.0},
        "mail": {"task": "moderation.tasks.send_notifications", "schedule": 1.0},
    }
    saved = app.conf.beat_schedule, app.conf.task_always_eager
    app.conf.beat_schedule, app.conf.task_always_eager = schedule, False
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            start_worker(
                app, perform_ping_check=False, pool="solo", loglevel="WARNING"
            ),
        ):
            beat = Service(app, schedule_filename=str(Path(folder) / "beat"))
            thread = threading.Thread(target=beat.start, daemon=True)
            thread.start()
            try:
                wait_for(
                    lambda: (
                        Notification.objects.filter(
                            kind="sla_breach", sent_at__isnull=False
                        ).count()
                        == Notification.objects.filter(kind="sla_breach").count()
                        > 0
                        and not OutgoingMail.objects.exclude(status="sent").exists()
                    )
                )
                # Let beat send a few more sweeps: nothing more may happen.
                runs = Event.objects.filter(action="sla_breached").count()
                time.sleep(4)
            finally:
                beat.stop()
                thread.join(timeout=10)
    finally:
        app.conf.beat_schedule, app.conf.task_always_eager = saved
    assert runs == 1
    assert Event.objects.filter(action="sla_breached").count() == 1
    assert Event.objects.filter(action="sla_warned").count() == 1
    breach = Notification.objects.filter(kind="sla_breach")
    recipients = sorted(breach.values_list("recipient__username", flat=True))
    assert recipients == ["manager", "responder"]
    overdue = [m for m in mail.outbox if m.subject.startswith("Réponse en retard")]
    assert sorted(address for m in overdue for address in m.to) == [
        "manager@example.org",
        "responder@example.org",
    ]
