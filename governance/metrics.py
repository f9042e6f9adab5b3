"""``/metrics`` in Prometheus' text format, for operators.

Every figure is read from the database (or the shared cache, for sweep
durations) when scraped, in a registry of its own: any web process answers
the same, with no per-process counters to merge (Prometheus' multiprocess mode
is not needed). Counters are counts of rows that only grow, such as comments
received or breaches noticed.
"""

import hmac
import ipaddress

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core import sweeps
from core.models import OutgoingMail
from moderation.models import ChannelState, Comment, OutboxMessage


class DatabaseCollector:
    """Collect the figures of comments, queues, SLAs, outbox, mail, connectors."""

    def collect(self):
        now = timezone.now()
        ingested = CounterMetricFamily(
            "governance_comments_ingested",
            "Comments received, by channel.",
            labels=["channel"],
        )
        open_ = GaugeMetricFamily(
            "governance_comments_open",
            "Comments still waiting for an outcome, by channel.",
            labels=["channel"],
        )
        rows = Comment.objects.values("channel__slug", "status").annotate(n=Count("pk"))
        per_channel, open_per_channel, per_status = {}, {}, {}
        for row in rows:
            slug = row["channel__slug"]
            per_channel[slug] = per_channel.get(slug, 0) + row["n"]
            per_status[row["status"]] = per_status.get(row["status"], 0) + row["n"]
            if row["status"] in Comment.OPEN_STATUSES:
                open_per_channel[slug] = open_per_channel.get(slug, 0) + row["n"]
        for slug, count in sorted(per_channel.items()):
            ingested.add_metric([slug], count)
            open_.add_metric([slug], open_per_channel.get(slug, 0))
        yield ingested
        yield open_

        depth = GaugeMetricFamily(
            "governance_queue_depth", "Comments by status.", labels=["status"]
        )
        for status in Comment.Status.values:
            depth.add_metric([status], per_status.get(status, 0))
        yield depth

        sla = Comment.objects.aggregate(
            warnings=Count("pk", filter=_not_null("warned_at")),
            breaches=Count("pk", filter=_not_null("breached_at")),
            open_breached=Count(
                "pk",
                filter=_not_null("breached_at") & _in("status", Comment.OPEN_STATUSES),
            ),
        )
        yield _counter("governance_sla_warnings", "SLA warnings sent.", sla["warnings"])
        yield _counter(
            "governance_sla_breaches", "SLA breaches noticed.", sla["breaches"]
        )
        yield _gauge(
            "governance_sla_breached_open",
            "Open comments past their response target.",
            sla["open_breached"],
        )

        duration = GaugeMetricFamily(
            "governance_sweep_last_duration_seconds",
            "How long the last run of each periodic sweep took.",
            labels=["sweep"],
        )
        finished = GaugeMetricFamily(
            "governance_sweep_last_run_timestamp_seconds",
            "When the last run of each periodic sweep ended (Unix time).",
            labels=["sweep"],
        )
        for name, run in sorted(sweeps.last_runs().items()):
            duration.add_metric([name], run["seconds"])
            finished.add_metric([name], run["finished_at"])
        yield duration
        yield finished

        outbox = dict(
            OutboxMessage.objects.values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        yield _gauge(
            "governance_outbox_backlog",
            "Outbox messages waiting to be sent to a platform.",
            outbox.get(OutboxMessage.Status.PENDING, 0),
        )
        yield _gauge(
            "governance_outbox_failed",
            "Outbox messages that failed and wait for a person.",
            outbox.get(OutboxMessage.Status.FAILED, 0),
        )
        mail = GaugeMetricFamily(
            "governance_notification_failures",
            "E-mails (alerts, reminders) that could not be sent, by kind.",
            labels=["kind"],
        )
        failed = dict(
            OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        for kind in OutgoingMail.Kind.values:
            mail.add_metric([kind], failed.get(kind, 0))
        yield mail
        yield _gauge(
            "governance_mail_backlog",
            "E-mails waiting to be sent.",
            OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING).count(),
        )

        lag = GaugeMetricFamily(
            "governance_connector_lag_seconds",
            "Seconds since each channel's connector last succeeded.",
            labels=["channel"],
        )
        failures = GaugeMetricFamily(
            "governance_connector_failures",
            "Failures in a row of each channel's connector.",
            labels=["channel"],
        )
        for state in ChannelState.objects.select_related("channel").order_by(
            "channel__slug"
        ):
            if state.last_success_at:
                seconds = (now - state.last_success_at).total_seconds()
                lag.add_metric([state.channel.slug], max(0.0, seconds))
            failures.add_metric([state.channel.slug], state.failures)
        yield lag
        yield failures


def _not_null(field):
    return Q(**{f"{field}__isnull": False})


def _in(field, values):
    return Q(**{f"{field}__in": list(values)})


def _counter(name, documentation, value):
    family = CounterMetricFamily(name, documentation)
    family.add_metric([], value)
    return family


def _gauge(name, documentation, value):
    return GaugeMetricFamily(name, documentation, value=value)


def _allowed(request):
    """Return whether the scrape shows the bearer token or comes from an
    allowed address; either setting alone opens the endpoint."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if (
        token
        and header.startswith("Bearer ")
        and hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    ):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
def metrics(request):
    """Serve the figures to Prometheus; 404 to anyone not allowed, or when the
    endpoint is not configured, so that it does not announce itself."""
    if not _allowed(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
