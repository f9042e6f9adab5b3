"""/metrics: Prometheus figures read from the database at scrape time,
open only to the bearer token or the allowed addresses."""

import datetime
import ipaddress

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from moderation.models import ChannelState, OutboxMessage
from moderation.services.ingest import comment_ingest
from moderation.tasks import sweep_sla

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-scrape-token"
NOW = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


def scrape(client):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    figures = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            figures[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return figures


def test_figures_change_when_a_comment_is_ingested_and_breached(
    client, channel, metrics_on
):
    with time_machine.travel(NOW, tick=False):
        before = scrape(client)
        assert before.get(("governance_sla_breaches_total", ()), 0) == 0
        comment_ingest(
            channel=channel, external_id="m-1", author="a",
            text="Votre service est le pire", posted_at=NOW,
        )  # fmt: skip
        ingested = scrape(client)
    key = (("channel", "facebook-main"),)
    assert ingested[("governance_comments_ingested_total", key)] == 1
    assert ingested[("governance_comments_open", key)] == 1
    assert ingested[("governance_queue_depth", (("status", "new"),))] == 1
    assert ingested[("governance_sla_breaches_total", ())] == 0

    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        sweep_sla()
        breached = scrape(client)
    assert breached[("governance_sla_breaches_total", ())] == 1
    assert breached[("governance_sla_warnings_total", ())] == 1
    assert breached[("governance_sla_breached_open", ())] == 1
    sweep = (("sweep", "sweep_sla"),)
    assert breached[("governance_sweep_last_duration_seconds", sweep)] >= 0
    assert breached[("governance_sweep_last_run_timestamp_seconds", sweep)] > 0


def test_outbox_and_connector_figures(client, channel, metrics_on):
    ChannelState.objects.update_or_create(
        channel=channel,
        defaults={
            "last_success_at": NOW - datetime.timedelta(minutes=5),
            "failures": 3,
        },
    )
    with time_machine.travel(NOW, tick=False):
        figures = scrape(client)
    key = (("channel", "facebook-main"),)
    assert figures[("governance_connector_lag_seconds", key)] == 300
    assert figures[("governance_connector_failures", key)] == 3
    assert (
        figures[("governance_outbox_backlog", ())]
        == OutboxMessage.objects.filter(status="pending").count()
    )
    assert ("governance_notification_failures", (("kind", "sla_breach"),)) in figures


@pytest.mark.parametrize(
    "header", ["", "Bearer wrong", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
)
def test_without_the_token_it_is_not_found(client, metrics_on, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/metrics", **extra).status_code == 404


def test_closed_when_not_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics").status_code == 404


def test_allowed_addresses_scrape_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="not-an-address").status_code == 404


def test_a_bad_allowed_address_stops_start_up():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import governance.settings"],
        env={"METRICS_ALLOWED_ADDRESSES": "10.0.0.0/33", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "METRICS_ALLOWED_ADDRESSES" in result.stderr
