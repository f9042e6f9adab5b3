"""The SLA report's figures against a straightforward computation.

The report counts comments by minutes in the database (grouping sets on
PostgreSQL, one grouping after the other elsewhere) and draws percentiles out of
those counts; here every figure is computed again from the comments
themselves, one by one, on a varied quarter: several channels, responders and
rules, weeks across a DST change and in a zone half an hour off UTC, weekends
and holidays, targets met and missed, comments still waiting past their due
time or not yet due, and comments just outside the period.
"""

import datetime
import random
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.models import Channel, Comment, RuleMatch
from moderation.sla import reports
from staffing.models import BusinessCalendar
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
RULES = ["insult", "threat", "spam", "doxxing"]


def build(seed=11):
    """Comments from mid-October to mid-December 2026, in UTC instants chosen
    to fall on both sides of local Monday midnights in both zones."""
    rng = random.Random(seed)
    calendar = BusinessCalendar.objects.get(slug="24-7")
    channels = [
        Channel.objects.create(
            slug=f"channel-{index}",
            platform="facebook",
            handle=f"org{index}",
            languages=["fr", "en"],
            calendar=calendar,
        )
        for index in range(3)
    ]
    people = [
        make_user(f"responder{index}", [], first_name=f"Person {index}")
        for index in range(5)
    ]
    first = datetime.datetime(2026, 10, 12, tzinfo=datetime.UTC)
    instants = [
        first + datetime.timedelta(minutes=rng.randrange(64 * 1440)) for _ in range(700)
    ]
    # Around each Monday midnight, in each zone: a minute before and after.
    for days in range(0, 63, 7):
        for zone in (TORONTO, KOLKATA):
            monday = datetime.datetime(2026, 10, 12, tzinfo=zone) + datetime.timedelta(
                days=days
            )
            for shift in (-1, 0, 1):
                instants.append(monday + datetime.timedelta(minutes=shift))
    comments = []
    for index, posted in enumerate(instants):
        kind = rng.random()
        local = posted.astimezone(TORONTO)
        period = (
            "holiday"
            if local.date() == datetime.date(2026, 11, 11)
            else "weekend"
            if local.isoweekday() >= 6
            else "weekday"
        )
        # Few distinct values in some channels (ties), many in others.
        wall = rng.randrange(30) * 10 if index % 3 else rng.randrange(3000)
        fields = {
            "channel": channels[index % 3],
            "external_id": f"c-{index}",
            "author": f"author-{index % 40}",
            "text": "texte",
            "language": "fr",
            "posted_at": posted,
            "status": "answered",
            "policy_version": 1,
            "first_response_due_at": posted + datetime.timedelta(hours=4),
            "posted_period": period,
            "assignee": rng.choice([*people, None]),
            "approval_wait_minutes": rng.choice([None, rng.randrange(120)]),
        }
        if kind < 0.75:  # answered
            fields |= {
                "first_responded_at": posted + datetime.timedelta(minutes=wall),
                "response_minutes": wall,
                "response_business_minutes": wall // rng.choice([1, 2, 3]),
                "sla_met": None if kind < 0.05 else wall <= 240,
                "breached_at": posted + datetime.timedelta(hours=4)
                if wall > 240
                else None,
            }
        elif kind < 0.9:  # still waiting, past its due time
            fields |= {
                "status": "new",
                "breached_at": posted + datetime.timedelta(hours=4),
            }
        else:  # not due yet: not in the report
            fields |= {"status": "new"}
        comments.append(Comment(**fields))
    comments = Comment.objects.bulk_create(comments)
    matches = []
    for comment in comments:
        if rng.random() < 0.4:
            for rule in rng.sample(RULES, rng.choice([1, 1, 2, 3])):
                # A rule may find several words in one comment.
                for start in range(rng.choice([1, 1, 2])):
                    matches.append(
                        RuleMatch(
                            comment=comment,
                            policy_version=1,
                            rule=rule,
                            category="offensive",
                            severity="high",
                            pattern="x",
                            start=start,
                            end=start + 1,
                            excerpt="x",
                        )
                    )
    RuleMatch.objects.bulk_create(matches)
    return channels, people


def figures(rows):
    """A group's figures, straight from its comments."""
    walls = sorted(c.response_minutes for c in rows if c.response_minutes is not None)
    business = sorted(
        c.response_business_minutes
        for c in rows
        if c.response_business_minutes is not None
    )
    breached = sum(
        1
        for c in rows
        if c.sla_met is False or (c.sla_met is None and c.breached_at is not None)
    )

    def spread(values):
        return {
            name: None
            if reports.percentile(values, fraction) is None
            else round(reports.percentile(values, fraction), 1)
            for name, fraction in (("p50", 0.5), ("p90", 0.9))
        }

    return {
        "count": len(rows),
        "met": sum(1 for c in rows if c.sla_met is True),
        "breached": breached,
        "breach_rate": round(breached / len(rows), 4) if rows else None,
        "first_response_minutes": spread(walls),
        "business_minutes": spread(business),
    }


def ranked(groups):
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))


def reference(*, start, end, channels=None):
    """The report, computed comment by comment in Python."""
    rows = [
        c
        for c in Comment.objects.select_related("assignee").order_by("pk")
        if start <= c.posted_at < end
        and (c.first_responded_at is not None or c.breached_at is not None)
        and (channels is None or c.channel_id in {ch.pk for ch in channels})
    ]
    zone = start.tzinfo
    weeks, responders, rules, periods = {}, {}, {}, {}
    flagging = {}
    for match in RuleMatch.objects.all():
        flagging.setdefault(match.comment_id, set()).add(match.rule)
    for c in rows:
        day = c.posted_at.astimezone(zone).date()
        weeks.setdefault(day - datetime.timedelta(days=day.weekday()), []).append(c)
        responders.setdefault(c.assignee, []).append(c)
        periods.setdefault(c.posted_period, []).append(c)
        for rule in flagging.get(c.pk, ()):
            rules.setdefault(rule, []).append(c)
    waits = sorted(
        c.approval_wait_minutes for c in rows if c.approval_wait_minutes is not None
    )
    return {
        **figures(rows),
        "by_period": {
            period: figures(periods.get(period, []))
            for period in ("weekday", "weekend", "holiday")
        },
        "approval_wait_minutes": {
            name: None
            if reports.percentile(waits, fraction) is None
            else round(reports.percentile(waits, fraction), 1)
            for name, fraction in (("p50", 0.5), ("p90", 0.9))
        },
        "by_responder": [
            {
                "responder": person.username if person else None,
                "name": person.get_full_name() if person else None,
                **figures(group),
            }
            for person, group in sorted(
                responders.items(),
                key=lambda kv: (-len(kv[1]), str(kv[0].pk if kv[0] else None)),
            )
        ],
        "by_rule": [
            {"rule": rule, "name": rule, **figures(group)}
            for rule, group in ranked(rules)
        ],
        "by_week": [
            {"week": monday.isoformat(), **figures(group)}
            for monday, group in sorted(weeks.items())
        ],
    }


PERIODS = {
    # Across the end of DST (1 November), weeks cut in the middle.
    "toronto": (
        datetime.datetime(2026, 10, 14, tzinfo=TORONTO),
        datetime.datetime(2026, 12, 10, tzinfo=TORONTO),
    ),
    # Local Mondays at 18:30 UTC.
    "kolkata": (
        datetime.datetime(2026, 10, 19, tzinfo=KOLKATA),
        datetime.datetime(2026, 11, 30, tzinfo=KOLKATA),
    ),
    "one day": (
        datetime.datetime(2026, 11, 11, tzinfo=TORONTO),
        datetime.datetime(2026, 11, 12, tzinfo=TORONTO),
    ),
}


@pytest.mark.parametrize(
    "grouping_sets",
    [True, False],
    ids=["grouping sets", "one grouping after the other"],
)
@pytest.mark.parametrize("period", list(PERIODS))
def test_the_report_gives_the_figures_computed_comment_by_comment(
    framework, monkeypatch, grouping_sets, period
):
    if grouping_sets and connection.vendor != "postgresql":
        pytest.skip("GROUPING SETS is PostgreSQL's")
    monkeypatch.setattr(reports, "grouping_sets", lambda: grouping_sets)
    channels, _people = build()
    start, end = PERIODS[period]
    expected = reference(start=start, end=end)
    assert expected["count"] > (3 if period == "one day" else 200)
    assert len(expected["by_rule"]) == len(RULES) or period == "one day"
    report = reports.sla_report(start=start, end=end, weeks=[])
    for key, value in expected.items():
        assert report[key] == value, key

    scoped = channels[:2]
    report = reports.sla_report(start=start, end=end, channels=scoped, weeks=[])
    for key, value in reference(start=start, end=end, channels=scoped).items():
        assert report[key] == value, key


def test_the_report_reads_the_comments_in_a_fixed_number_of_statements(framework):
    build()
    with CaptureQueriesContext(connection) as few:
        start, end = PERIODS["one day"]
        reports.sla_report(start=start, end=end, weeks=[])
    with CaptureQueriesContext(connection) as many:
        start, end = PERIODS["toronto"]
        reports.sla_report(start=start, end=end, weeks=[])
    assert len(many) == len(few)
    reading = [q for q in many if "moderation_comment" in q["sql"]]
    # The counts by minutes, and the rules' counts.
    assert len(reading) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_the_report_leaves_the_callers_transaction_as_it_found_it(framework):
    build()
    start, end = PERIODS["toronto"]

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            return cursor.fetchone()

    before = settings()
    with CaptureQueriesContext(connection) as queries:
        reports.sla_report(start=start, end=end, weeks=[])
    assert any("set_config('work_mem'" in q["sql"] for q in queries)
    assert settings() == before
