"""The Graph API client's reading of errors and usage headers."""

import datetime
import json

import pytest
from django.utils import timezone

from connectors.meta import graph
from connectors.meta.connector import parse_time
from moderation.registry import AuthFailed, ConnectorError, RateLimited
from tests.connectors.meta import graph_server as gs

NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)


def test_business_use_case_usage_gives_the_most_used_share_and_its_reset():
    header = json.dumps(
        {
            "1000": [
                {
                    "type": "pages",
                    "call_count": 40,
                    "total_cputime": 92,
                    "total_time": 10,
                    "estimated_time_to_regain_access": 12,
                }
            ]
        }
    )
    limit = graph.usage_of({"X-Business-Use-Case-Usage": header}, now=NOW)
    assert (limit.limit, limit.remaining) == (100, 8)
    assert limit.reset_at == NOW + datetime.timedelta(minutes=12)
    assert graph.wait_for(limit.as_json(), now=NOW) == 12 * 60


def test_unreadable_or_missing_usage_headers_say_nothing():
    assert graph.usage_of({}, now=NOW) is None
    assert graph.usage_of({"X-App-Usage": "{not json"}, now=NOW) is None
    assert graph.usage_of({"X-App-Usage": '{"call_count": "lots"}'}, now=NOW) is None
    assert graph.wait_for({"remaining": 50, "reset_at": NOW.isoformat()}, now=NOW) == 0
    assert graph.wait_for({"remaining": 0, "reset_at": "soon"}, now=NOW) == 0


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("190", AuthFailed),
        ("4", RateLimited),
        ("17", RateLimited),
        ("613", RateLimited),
    ],
)
def test_documented_error_codes(code, kind):
    error = graph.error_of("GET x", 400, gs.payload("errors")[code])
    assert type(error) is kind
    assert "fbtrace_id" in str(error)


@pytest.mark.parametrize("code", ["100", "200"])
def test_other_errors_are_refusals_with_a_generic_text(code):
    error = graph.error_of("POST x", 400, gs.payload("errors")[code])
    assert type(error) is ConnectorError
    assert error.public == graph.REFUSED
    assert type(graph.error_of("GET x", 502, None)) is ConnectorError


def test_a_wrong_appsecret_proof_is_refused_by_the_server(graph_settings):
    graph_settings.META_APP_SECRET = "not-the-app-secret"
    with pytest.raises(ConnectorError):
        graph.call("GET", gs.PAGE_ID, token=gs.PAGE_TOKEN)


def test_dates_the_platform_cannot_have_meant_are_now():
    now = timezone.now()
    assert parse_time(253402300799, now=now) == now
    assert parse_time("9999-12-31T23:59:59+0000", now=now) == now
    assert parse_time("garbage", now=now) == now
    assert parse_time("2026-12-01T14:00:00+0000", now=now).hour == 14


@pytest.fixture
def graph_settings(graph, settings):
    return settings
