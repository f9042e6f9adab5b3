"""The transparency report: figures computed from the records, page, CSV, API."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from decisions.references import link_secret
from decisions.selectors import quarter_bounds, transparency_report
from decisions.services.appeals import appeal_decide, appeal_lodge
from decisions.services.notices import notice_submit
from tests.decisions.conftest import hidden, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime.datetime(2026, 11, 28, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def events(channel, personas):
    with time_machine.travel(NOW, tick=False):
        comment = hidden(channel, personas["responder"])
        ingest(channel, external_id="c-2", text="Merci pour votre aide")
        statement = comment.statements.get()
        appeal = appeal_lodge(
            statement=statement,
            secret=link_secret(statement.reference),
            reasons="Irony",
        )
        appeal_decide(
            appeal=appeal, actor=personas["approver"], outcome="reversed", reasons="ok"
        )
        notice_submit(
            url=comment.url,
            reasons="Insult",
            name="M",
            email="m@example.org",
            language="fr",
        )


def test_the_quarters_figures(events):
    report = transparency_report(year=2026, quarter=4)
    assert report["comments_received"] == 2
    assert report["decisions"]["total"] == 1
    assert report["decisions"]["by_type"] == {"hidden": 1}
    assert report["decisions"]["automated"] == 0
    assert report["decisions"]["reversed"] == 1
    assert report["appeals"]["total"] == 1
    assert report["appeals"]["reversed"] == 1
    assert report["notices"]["total"] == 1
    assert report["notices"]["pending"] == 1
    assert report["median_minutes_to_decision"] == 0
    assert {"rule": "offensive-content", "comments": 1} in report["flagged_by_rule"]
    empty = transparency_report(year=2026, quarter=3)
    assert empty["comments_received"] == 0
    assert empty["median_minutes_to_decision"] is None


def test_quarters_follow_the_organisations_time_zone():
    start, end = quarter_bounds(2026, 1)
    assert start.isoformat() == "2026-01-01T00:00:00-05:00"
    assert end.isoformat() == "2026-04-01T00:00:00-04:00"  # after the DST change
    for year, quarter in [(2026, 0), (2026, 5), (1999, 1), (9999, 1)]:
        with pytest.raises(ValueError):
            quarter_bounds(year, quarter)


def test_the_page_csv_and_api_are_public_and_check_their_input(
    events, client, api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("decisions:transparency"), {"year": 2026, "quarter": 4}
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="comments">2<' in html
    assert 'data-figure="reversed">1<' in html
    assert "jean.tremblay" not in html
    csv = client.get(
        reverse("decisions:transparency-csv"), {"year": 2026, "quarter": 4}
    )
    assert "comments_received,2" in csv.content.decode()
    assert (
        client.get(reverse("decisions:transparency"), {"quarter": "x"}).status_code
        == 400
    )
    assert (
        client.get(reverse("decisions:transparency"), {"year": "9999"}).status_code
        == 400
    )
    api = api_client.get("/api/v1/transparency/", {"year": 2026, "quarter": 4})
    assert api.status_code == 200
    assert api.json()["appeals"]["reversed"] == 1
    bad = api_client.get("/api/v1/transparency/", {"quarter": 5, "yaer": 1})
    assert bad.status_code == 400
    assert set(bad.json()) >= {"yaer"}
    assert api_client.get("/api/v1/transparency/", {"quarter": 5}).status_code == 400
