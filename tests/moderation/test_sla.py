"""The SLA clock: due times, the sweep (once), notifications, approvals,
outcomes, reports. Time is frozen and walked past each deadline."""

import datetime
import json
import threading
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import moderation.sla.sweep
from core.mail import mails_send_due
from core.roles import Role
from moderation.models import Event, Notification, RuleMatch, SlaPolicy
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.escalation import comment_escalate, comment_take
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim, comment_close
from moderation.sla import reports
from moderation.sla.notifications import notifications_send
from moderation.sla.sweep import approvals_sweep, sla_sweep
from moderation.views import reports as report_pages
from staffing.models import BusinessCalendar, Shift
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TZ = zoneinfo.ZoneInfo("America/Toronto")
MINUTE = datetime.timedelta(minutes=1)


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def ingest(channel, posted_at, text="Votre service est le pire", external_id="c-1"):
    with time_machine.travel(posted_at, tick=False):
        return comment_ingest(
            channel=channel,
            external_id=external_id,
            author="someone",
            text=text,
            posted_at=posted_at,
        )[0]


def sweep(at):
    with time_machine.travel(at, tick=False):
        return sla_sweep()


@pytest.fixture
def wall(channel):
    """The channel on a wall-clock policy: low 2 h, warned 30 min before."""
    channel.sla_policy = SlaPolicy.objects.create(
        slug="round-the-clock", name_fr="24/7", name_en="24/7", low_minutes=120
    )
    channel.save()
    return channel


@pytest.fixture
def business(channel):
    """The channel on the Québec business calendar, default medium 8 h."""
    channel.sla_policy = SlaPolicy.objects.create(
        slug="office",
        name_fr="Bureau",
        name_en="Office",
        clock=SlaPolicy.Clock.BUSINESS,
        calendar=BusinessCalendar.objects.get(slug="qc-business"),
    )
    channel.calendar = BusinessCalendar.objects.get(slug="qc-business")
    channel.save()
    return channel


def test_due_and_warning_times_come_from_the_channels_policy(wall):
    posted = local(2026, 11, 25, 10, 0)  # Wednesday
    comment = ingest(wall, posted)
    assert comment.severity == "low"
    assert comment.first_response_due_at == posted + datetime.timedelta(hours=2)
    assert comment.warn_at == posted + datetime.timedelta(minutes=90)
    assert comment.sla_policy.slug == "round-the-clock"
    assert comment.sla_policy_version == 1
    assert comment.posted_period == "weekday"


def test_business_time_skips_the_weekend_and_a_holiday(business):
    # Friday 16:30; medium, 8 business hours of 9:00-17:00 days: 30 min on
    # Friday, then 7 h 30 on Monday.
    comment = ingest(business, local(2026, 11, 27, 16, 30), text="Espèce de crétin")
    assert comment.severity == "medium"
    assert comment.first_response_due_at == local(2026, 11, 30, 16, 30)
    assert comment.warn_at == local(2026, 11, 30, 16, 0)
    # Posted on Saint-Jean-Baptiste (Wednesday 24 June 2026): the holiday is
    # not business time, and the report files it under holidays.
    holiday = ingest(
        business, local(2026, 6, 24, 10), text="Espèce de crétin", external_id="c-2"
    )
    assert holiday.posted_period == "holiday"
    assert holiday.first_response_due_at == local(2026, 6, 25, 17)


def test_wall_clock_counts_real_minutes_across_the_dst_change(wall):
    # 1 November 2026, 01:30 EDT; one real hour later the clocks say 01:30 EST.
    posted = datetime.datetime(2026, 11, 1, 5, 30, tzinfo=datetime.UTC)
    comment = ingest(wall, posted, text="Je vais te tuer")
    assert comment.severity == "critical"
    due = comment.first_response_due_at
    assert due - posted == datetime.timedelta(hours=1)
    assert due.astimezone(TZ).strftime("%H:%M %Z") == "01:30 EST"


def test_the_sweep_warns_then_breaches_once_each(wall, personas):
    posted = local(2026, 11, 25, 10, 0)
    comment = ingest(wall, posted)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    warn, due = comment.warn_at, comment.first_response_due_at

    assert sweep(warn - MINUTE) == {
        "warned": 0,
        "breached": 0,
        "approvals": 0,
        "escalations": 0,
    }
    assert sweep(warn) == {"warned": 1, "breached": 0, "approvals": 0, "escalations": 0}
    assert sweep(warn + MINUTE)["warned"] == 0
    comment.refresh_from_db()
    assert comment.warned_at == warn
    assert sweep(due - MINUTE)["breached"] == 0
    assert sweep(due)["breached"] == 1
    assert sweep(due + MINUTE) == {
        "warned": 0,
        "breached": 0,
        "approvals": 0,
        "escalations": 0,
    }
    comment.refresh_from_db()
    assert comment.breached_at == due
    actions = list(comment.events.values_list("action", flat=True))
    assert actions.count("sla_warned") == 1
    assert actions.count("sla_breached") == 1
    kinds = sorted(
        Notification.objects.filter(recipient=responder).values_list("kind", flat=True)
    )
    assert kinds == ["sla_breach", "sla_warning"]
    # The breach also reaches the managers (nobody is on shift: all of them).
    assert Notification.objects.filter(
        kind="sla_breach", recipient=personas["manager"]
    ).exists()


def test_an_answered_comment_is_neither_warned_nor_breached(wall, personas):
    comment = ingest(wall, local(2026, 11, 25, 10, 0))
    comment_close(comment=comment, actor=personas["responder"], reason="Nothing to do")
    assert sweep(comment.first_response_due_at + MINUTE) == {
        "warned": 0,
        "breached": 0,
        "approvals": 0,
        "escalations": 0,
    }


def test_a_weekend_without_coverage_waits_for_the_next_shift_unless_critical(
    wall, personas
):
    responder = personas["responder"]
    monday_shift = Shift.objects.create(
        responder=responder,
        starts_at=local(2026, 11, 30, 9),
        ends_at=local(2026, 11, 30, 17),
    )
    saturday = local(2026, 11, 28, 11, 0)
    low = ingest(wall, saturday)
    critical = ingest(wall, saturday, text="Je vais te tuer", external_id="c-2")
    for comment in (low, critical):
        comment_claim(comment=comment, actor=responder)
    assert low.posted_period == "weekend"
    sweep(saturday + datetime.timedelta(hours=3))
    waiting = Notification.objects.get(
        comment=low, kind="sla_breach", recipient=responder
    )
    assert waiting.deliver_after == monday_shift.starts_at
    urgent = Notification.objects.get(
        comment=critical, kind="sla_breach", recipient=responder
    )
    assert urgent.deliver_after == saturday + datetime.timedelta(hours=3)
    # E-mails go out when their time comes, once: the critical comment's
    # warning and breach at once, the other's on Monday morning.
    with time_machine.travel(saturday + datetime.timedelta(hours=3), tick=False):
        assert notifications_send() >= 2
        assert notifications_send() == 0
        mails_send_due()  # the outgoing mail's minute sweep
    subjects = sorted(m.subject for m in mail.outbox if responder.email in m.to)
    assert subjects == [
        "Réponse bientôt due sur Facebook @organisation",
        "Réponse en retard sur Facebook @organisation",
    ]
    with time_machine.travel(monday_shift.starts_at, tick=False):
        assert notifications_send() >= 2
        mails_send_due()  # the outgoing mail's minute sweep
    subjects = [m.subject for m in mail.outbox if responder.email in m.to]
    assert subjects.count("Réponse en retard sur Facebook @organisation") == 2
    assert subjects.count("Réponse bientôt due sur Facebook @organisation") == 2


def test_a_weekend_with_coverage_tells_the_people_on_shift_at_once(wall, personas):
    responder = personas["responder"]
    Shift.objects.create(
        responder=responder,
        starts_at=local(2026, 11, 28, 9),
        ends_at=local(2026, 11, 28, 17),
    )
    backup = personas["approver"]
    Shift.objects.create(
        responder=backup,
        role=Shift.Role.BACKUP,
        starts_at=local(2026, 11, 28, 9),
        ends_at=local(2026, 11, 28, 17),
    )
    saturday = local(2026, 11, 28, 10, 0)
    comment = ingest(wall, saturday)
    sweep(comment.warn_at)
    # Unassigned: the warning goes to those on shift who triage.
    warned = set(
        Notification.objects.filter(kind="sla_warning").values_list(
            "recipient__username", flat=True
        )
    )
    assert warned == {"responder", "approver"}
    sweep(comment.first_response_due_at)
    breach = Notification.objects.filter(kind="sla_breach")
    assert set(breach.values_list("recipient__username", flat=True)) == {
        "responder",
        "approver",
        "manager",
    }
    assert {
        n.deliver_after for n in breach if n.recipient_id != personas["manager"].pk
    } == {comment.first_response_due_at}


def test_the_escalation_chain_follows_the_policy(wall, personas):
    policy = wall.sla_policy
    policy.escalate_to_manager = False
    policy.save()
    comment = ingest(wall, local(2026, 11, 25, 10, 0))
    comment_claim(comment=comment, actor=personas["responder"])
    sweep(comment.first_response_due_at)
    assert set(
        Notification.objects.filter(kind="sla_breach").values_list(
            "recipient__username", flat=True
        )
    ) == {"responder"}


def test_a_sweep_catches_up_in_batches_after_an_outage(wall):
    posted = local(2026, 11, 25, 10, 0)
    for index in range(25):
        ingest(wall, posted + index * MINUTE, external_id=f"c-{index}")
    with time_machine.travel(posted + datetime.timedelta(hours=3), tick=False):
        assert sla_sweep(batch=10) == {
            "warned": 25,
            "breached": 25,
            "approvals": 0,
            "escalations": 0,
        }
        assert sla_sweep(batch=10) == {
            "warned": 0,
            "breached": 0,
            "approvals": 0,
            "escalations": 0,
        }
    assert Event.objects.filter(action="sla_breached").count() == 25


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_notify_each_breach_once(wall, personas):
    posted = local(2026, 11, 25, 10, 0)
    for index in range(40):
        ingest(wall, posted, external_id=f"c-{index}")
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sla_sweep(now=posted + datetime.timedelta(hours=3), batch=7))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["breached"] for r in results) == 40
    assert sum(r["warned"] for r in results) == 40
    assert Event.objects.filter(action="sla_breached").count() == 40
    assert Notification.objects.filter(kind="sla_breach").count() == 40 * len(
        {personas["manager"].pk}
    )


def test_a_sweep_that_dies_before_committing_leaves_the_work_to_the_next(
    wall, monkeypatch
):
    comment = ingest(wall, local(2026, 11, 25, 10, 0))
    at = comment.first_response_due_at

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(moderation.sla.sweep, "_notify", dies)
    with pytest.raises(SystemExit):
        sla_sweep(now=at)
    comment.refresh_from_db()
    assert (comment.warned_at, comment.breached_at) == (None, None)
    monkeypatch.undo()
    assert sla_sweep(now=at)["breached"] == 1


def test_approvals_have_their_own_clock(wall, personas):
    comment = ingest(wall, local(2026, 11, 25, 10, 0))
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    with time_machine.travel(local(2026, 11, 25, 10, 5), tick=False):
        answer = answer_submit(comment=comment, actor=responder, body="Merci.")
    assert answer.status == "pending_approval"
    target = local(2026, 11, 25, 10, 5) + datetime.timedelta(minutes=60)
    assert approvals_sweep(now=target - MINUTE) == 0
    assert approvals_sweep(now=target) == 1
    assert approvals_sweep(now=target + MINUTE) == 0
    told = set(
        Notification.objects.filter(kind="approval_overdue").values_list(
            "recipient__username", flat=True
        )
    )
    # The approvers, the author excepted (managers approve too).
    assert told == {"approver", "manager"}
    assert comment.events.filter(action="approval_overdue").count() == 1


def test_the_outcome_is_stored_at_the_first_response(business, personas):
    # Friday 16:30, medium: due Monday 16:30; answered Monday 10:00 after an
    # approval that took 20 minutes.
    comment = ingest(business, local(2026, 11, 27, 16, 30), text="Espèce de crétin")
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    with time_machine.travel(local(2026, 11, 30, 9, 40), tick=False):
        answer = answer_submit(comment=comment, actor=responder, body="Ok.")
    with time_machine.travel(local(2026, 11, 30, 10, 0), tick=False):
        answer_approve(answer=answer, actor=approver)
    comment.refresh_from_db()
    assert comment.response_minutes == 2 * 24 * 60 + 17 * 60 + 30  # wall-clock
    assert comment.response_business_minutes == 30 + 60  # Fri 30 + Mon 60
    assert comment.sla_met is True
    assert comment.posted_period == "weekday"
    assert comment.approval_wait_minutes == 20


def test_changing_a_policy_recomputes_open_comments_only(
    wall, personas, django_capture_on_commit_callbacks
):
    posted = local(2026, 11, 25, 10, 0)
    open_one = ingest(wall, posted)
    closed = ingest(wall, posted, external_id="c-2")
    comment_close(comment=closed, actor=personas["responder"], reason="Nothing to do")
    with django_capture_on_commit_callbacks(execute=True):
        policy = wall.sla_policy
        policy.low_minutes = 240
        policy.save()
    open_one.refresh_from_db()
    closed.refresh_from_db()
    assert open_one.first_response_due_at == posted + datetime.timedelta(hours=4)
    assert open_one.sla_policy_version == 2
    assert closed.first_response_due_at == posted + datetime.timedelta(hours=2)


def test_a_new_clock_on_a_channel_recomputes_and_nothing_else_does(
    wall, personas, django_capture_on_commit_callbacks
):
    posted = local(2026, 11, 25, 10, 0)
    comment = ingest(wall, posted)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        wall.handle = "renamed"
        wall.active = False
        wall.save()
    assert callbacks == []
    slower = SlaPolicy.objects.create(
        slug="slower", name_fr="Lent", name_en="Slow", low_minutes=480
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        wall.sla_policy = slower
        wall.save()
    assert len(callbacks) == 1
    comment.refresh_from_db()
    assert comment.first_response_due_at == posted + datetime.timedelta(hours=8)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        wall.save()  # saved again, nothing changed
    assert callbacks == []


def test_percentiles_match_postgresqls_percentile_cont():
    values = [1, 2, 3, 4, 10]
    assert reports.percentile(values, 0.5) == 3
    assert reports.percentile(values, 0.9) == pytest.approx(7.6)
    assert reports.percentile([5], 0.9) == 5
    assert reports.percentile([], 0.5) is None


def answered_at(channel, personas, posted, answered, external_id, text="Merci"):
    comment = ingest(channel, posted, text=text, external_id=external_id)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    with time_machine.travel(answered, tick=False):
        answer = answer_submit(comment=comment, actor=responder, body="Ok.")
    if answer.status == "pending_approval":
        with time_machine.travel(answered, tick=False):
            answer_approve(answer=answer, actor=personas["approver"])
    return comment


def test_the_report_splits_weekdays_weekends_and_holidays(wall, personas, api_client):
    # Wall-clock 2 h target: two weekday answers in 30 and 90 minutes, one
    # weekend answer in 5 hours (a breach), one overdue comment never answered.
    answered_at(
        wall, personas, local(2026, 11, 25, 10), local(2026, 11, 25, 10, 30), "a"
    )
    answered_at(
        wall, personas, local(2026, 11, 26, 10), local(2026, 11, 26, 11, 30), "b"
    )
    answered_at(wall, personas, local(2026, 11, 28, 10), local(2026, 11, 28, 15), "c")
    waiting = ingest(wall, local(2026, 11, 29, 10), external_id="d")
    sweep(waiting.first_response_due_at)
    api_client.force_authenticate(personas["manager"])
    body = api_client.get(
        "/api/v1/sla/report/", {"from": "2026-11-23", "to": "2026-11-29"}
    ).json()
    assert (body["count"], body["met"], body["breached"]) == (4, 2, 2)
    assert body["breach_rate"] == 0.5
    assert body["first_response_minutes"] == {"p50": 90.0, "p90": 258.0}
    assert body["by_period"]["weekday"]["count"] == 2
    assert body["by_period"]["weekday"]["breach_rate"] == 0.0
    assert body["by_period"]["weekend"]["breached"] == 2
    assert body["by_period"]["weekend"]["first_response_minutes"]["p50"] == 300.0
    assert body["by_period"]["holiday"]["count"] == 0
    assert body["approval_wait_minutes"] == {"p50": 0.0, "p90": 0.0}
    # Nobody had a shift that week on a 24/7 channel: 7 days uncovered.
    assert body["uncovered_hours"] == 168.0
    assert body["longest_uncovered_hours"] == 168.0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "non_field_errors"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "non_field_errors"),
        ({"channel": "nowhere"}, "channel"),
        ({"form": "2026-11-01"}, "form"),
        ({"from": "9999-01-01"}, "from"),
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2026-02-30"}, "from"),
    ],
)
def test_the_report_refuses_bad_parameters(api_client, personas, channel, query, field):
    api_client.force_authenticate(personas["manager"])
    response = api_client.get("/api/v1/sla/report/", query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("persona", "code"),
    [("manager", 200), ("approver", 200), ("responder", 403), ("api_reader", 403)],
)
def test_the_report_is_for_managers_and_approvers(
    api_client, personas, channel, persona, code
):
    api_client.force_authenticate(personas[persona])
    assert api_client.get("/api/v1/sla/report/").status_code == code


@pytest.mark.parametrize(
    "query",
    [
        {"from": "9999-01-01"},
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"from": "9999-12-31", "to": "9999-12-31"},
    ],
)
def test_the_dashboard_and_its_csv_refuse_dates_out_of_range(
    client, personas, channel, query
):
    client.force_login(personas["manager"])
    page = client.get(reverse("moderation:sla"), query)
    assert page.status_code == 200
    field = "start" if "from" in query else "end"
    # The page speaks French (the site's default language).
    assert page.context["form"].errors[field] == [
        "Saisissez une date du 1970-01-01 au 2100-12-31."
    ]
    export = client.get(reverse("moderation:sla-export"), {**query, "rows": "coverage"})
    assert export.status_code == 400
    name = "from" if "from" in query else "to"
    assert f"{name}: Saisissez une date du 1970-01-01" in export.content.decode()


def test_the_dashboard_and_its_csv(client, wall, personas):
    answered_at(
        wall, personas, local(2026, 11, 28, 10), local(2026, 11, 28, 15), "=cmd"
    )
    client.force_login(personas["manager"])
    page = client.get(
        reverse("moderation:sla"), {"from": "2026-11-23", "to": "2026-11-29"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fin de semaine" in html
    assert "7 j 0 h" in html  # 168 hours, written as a duration
    csv_rows = client.get(
        reverse("moderation:sla-export"),
        {"from": "2026-11-23", "to": "2026-11-29", "rows": "breaches"},
    )
    assert csv_rows["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_rows.content.decode().splitlines()
    assert lines[0].startswith("channel,external_id,severity,posted_at,posted_on")
    assert lines[1].startswith("facebook-main,'=cmd,")  # no formula injection
    assert ",weekend," in lines[1]
    weeks = client.get(
        reverse("moderation:sla-export"),
        {"from": "2026-11-23", "to": "2026-11-29", "rows": "coverage"},
    ).content.decode()
    assert "facebook-main,2026-11-23,168.0,168.0" in weeks
    assert (
        client.get(reverse("moderation:sla-export"), {"rows": "x"}).status_code == 400
    )
    client.force_login(personas["responder"])
    assert client.get(reverse("moderation:sla")).status_code == 403


def test_the_dashboard_lists_the_latest_breaches_in_one_order_and_says_so(
    client, wall, personas, monkeypatch
):
    monkeypatch.setattr(report_pages, "BREACHES_SHOWN", 3)
    posted = local(2026, 11, 24, 10)
    ingested = [ingest(wall, posted, external_id=f"tie-{index}") for index in range(5)]
    sweep(local(2026, 11, 25, 10))
    listed = [comment.pk for comment in reports.breaches(
        start=datetime.date(2026, 11, 23), end=datetime.date(2026, 11, 29)
    )]  # fmt: skip
    # The same posting time: the latest ingested first, never a shuffle.
    assert listed == [comment.pk for comment in reversed(ingested)]
    client.force_login(personas["manager"])
    page = client.get(
        reverse("moderation:sla"), {"from": "2026-11-23", "to": "2026-11-29"}
    )
    assert [comment.pk for comment in page.context["breaches"]] == listed[:3]
    assert (
        "Seuls les 3 derniers dépassements sont listés\u00a0; le CSV les contient tous."
        in page.content.decode()
    )


@pytest.mark.parametrize(
    ("clock", "posted", "text"),
    [
        # Weekday, wall-clock.
        ("wall", local(2026, 11, 25, 10, 0), "Votre service est le pire"),
        # Saturday, wall-clock: the weekend counts.
        ("wall", local(2026, 11, 28, 22, 0), "Votre service est le pire"),
        # The night the clocks go back (1 November 2026), critical.
        ("wall", local(2026, 11, 1, 1, 30), "Je vais te tuer"),
        # Friday evening on business time: due on Monday.
        ("business", local(2026, 11, 27, 16, 30), "Espèce de crétin"),
        # Saint-Jean-Baptiste on business time: due the next day.
        ("business", local(2026, 6, 24, 10, 0), "Espèce de crétin"),
    ],
)  # fmt: skip
def test_each_deadline_is_marked_at_its_minute_not_before(request, clock, posted, text):
    channel = request.getfixturevalue(clock)
    comment = ingest(channel, posted, text=text)
    for mark, at in (
        ("warned", comment.warn_at),
        ("breached", comment.first_response_due_at),
    ):
        assert sla_sweep(now=at - MINUTE)[mark] == 0
        assert sla_sweep(now=at)[mark] == 1
        assert sla_sweep(now=at + MINUTE)[mark] == 0
    assert comment.events.filter(action="sla_breached").count() == 1


def test_a_closure_moves_open_due_times_and_records_the_calendar_version(
    business, django_capture_on_commit_callbacks
):
    from staffing.models import Closure

    calendar = business.sla_policy.calendar
    comment = ingest(business, local(2026, 11, 27, 16, 30), text="Espèce de crétin")
    assert comment.sla_calendar_version == calendar.version
    assert comment.first_response_due_at == local(2026, 11, 30, 16, 30)
    # Closed all Monday (a storm): the deadline moves to Tuesday.
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.create(
            calendar=calendar,
            starts_at=local(2026, 11, 30, 0),
            ends_at=local(2026, 12, 1, 0),
            reason="Tempête",
        )
    comment.refresh_from_db()
    calendar.refresh_from_db()
    assert comment.first_response_due_at == local(2026, 12, 1, 16, 30)
    assert comment.sla_calendar_version == calendar.version > 1


def test_loading_channels_with_deferred_fields_costs_no_query(
    wall, django_assert_num_queries
):
    from moderation.models import Channel

    with django_assert_num_queries(1):
        assert [c.slug for c in Channel.objects.only("slug")] == [wall.slug]


# -- escalations ------------------------------------------------------------------

LEGAL = "Vous êtes des escrocs"  # defamation: escalated to counsel


def escalate(comment, actor, at):
    with time_machine.travel(at, tick=False):
        return comment_escalate(
            comment=comment, actor=actor, reason="Menace de poursuite"
        )


def test_an_escalation_has_its_own_clock_and_is_overdue_once(wall, personas):
    wall.sla_policy.escalation_minutes = 60
    wall.sla_policy.save()
    posted = local(2026, 11, 25, 10, 0)
    comment = ingest(wall, posted, text=LEGAL)
    comment = escalate(comment, personas["responder"], posted + 10 * MINUTE)
    due = posted + 70 * MINUTE
    assert comment.escalation_due_at == due
    assert sweep(due - MINUTE)["escalations"] == 0
    assert sweep(due)["escalations"] == 1
    assert sweep(due + MINUTE)["escalations"] == 0
    comment.refresh_from_db()
    assert comment.escalation_breached_at == due
    [event] = comment.events.filter(action="escalation_overdue")
    assert (event.at, event.reason) == (due, "counsel")
    overdue = Notification.objects.filter(kind="escalation_overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {
        "counsel",
        "manager",
    }
    notifications_send(now=due)
    mails_send_due()  # the outgoing mail's minute sweep
    subjects = [m.subject for m in mail.outbox if m.to == ["counsel@example.org"]]
    assert subjects == [
        "Un commentaire sur Facebook @organisation vous est transmis",
        "Une transmission sur Facebook @organisation est en retard",
    ]


def test_a_taken_escalation_is_not_overdue(wall, personas):
    posted = local(2026, 11, 25, 10, 0)
    comment = escalate(ingest(wall, posted, text=LEGAL), personas["responder"], posted)
    with time_machine.travel(posted + MINUTE, tick=False):
        comment_take(comment=comment, actor=personas["counsel"])
    assert sweep(comment.escalation_due_at + MINUTE)["escalations"] == 0
    assert not Notification.objects.filter(kind="escalation_overdue").exists()


def test_the_escalation_clock_counts_business_time(business, personas):
    friday = local(2026, 11, 27, 16, 0)
    comment = escalate(
        ingest(business, friday, text=LEGAL), personas["responder"], friday
    )
    # 4 h of business time: one hour on Friday, three on Monday morning.
    assert comment.escalation_due_at == local(2026, 11, 30, 12, 0)


def test_while_escalated_the_response_clock_runs_and_tells_the_escalatee(
    wall, personas
):
    """The first-response clock is what the public sees: it keeps running
    while a comment is escalated, and its warning and breach go to the person
    it is escalated to rather than to responders who can no longer act."""
    responder = personas["responder"]
    posted = local(2026, 11, 28, 10, 0)
    Shift.objects.create(
        responder=responder, starts_at=posted, ends_at=posted + 8 * 60 * MINUTE
    )
    comment = ingest(wall, posted, text=LEGAL)
    due = comment.first_response_due_at
    comment = escalate(comment, responder, posted + MINUTE)
    assert comment.first_response_due_at == due  # unchanged
    assert sweep(comment.warn_at)["warned"] == 1
    assert sweep(comment.first_response_due_at)["breached"] == 1
    told = Notification.objects.filter(kind__in=["sla_warning", "sla_breach"])
    assert set(told.values_list("kind", "recipient__username")) == {
        ("sla_warning", "counsel"),
        ("sla_breach", "counsel"),
        ("sla_breach", "manager"),
    }


def test_the_report_gives_the_figures_per_responder_rule_and_week(
    wall, personas, api_client
):
    # The responder answers in 90 min the week before, in 30 min on a
    # weekday and in 5 h on the weekend; an insulting comment nobody claimed
    # stays overdue. The rule that flags "pire" twice in one comment counts
    # that comment once.
    responder = personas["responder"]
    responder.first_name, responder.last_name = "Rosalie", "Lebrun"
    responder.save()
    answered_at(
        wall, personas, local(2026, 11, 18, 9), local(2026, 11, 18, 10, 30), "e"
    )
    answered_at(
        wall, personas, local(2026, 11, 25, 10), local(2026, 11, 25, 10, 30), "a"
    )
    answered_at(
        wall, personas, local(2026, 11, 28, 10), local(2026, 11, 28, 15), "c",
        text="Le pire service, vraiment le pire",
    )  # fmt: skip
    waiting = ingest(wall, local(2026, 11, 29, 10), external_id="d")
    sweep(waiting.first_response_due_at)
    api_client.force_authenticate(personas["manager"])
    body = api_client.get(
        "/api/v1/sla/report/", {"from": "2026-11-16", "to": "2026-11-29"}
    ).json()

    people = {row["responder"]: row for row in body["by_responder"]}
    assert people["responder"]["name"] == "Rosalie Lebrun"
    assert (people["responder"]["count"], people["responder"]["breached"]) == (3, 1)
    assert people["responder"]["first_response_minutes"] == {"p50": 90.0, "p90": 258.0}
    assert people[None]["count"] == people[None]["breached"] == 1
    assert people[None]["first_response_minutes"] == {"p50": None, "p90": None}
    assert [row["responder"] for row in body["by_responder"]] == ["responder", None]

    flagging = set(
        RuleMatch.objects.filter(comment__external_id="c").values_list(
            "rule", flat=True
        )
    )
    assert flagging
    assert RuleMatch.objects.filter(comment__external_id="c").count() > len(flagging)
    rules = {row["rule"]: row for row in body["by_rule"]}
    assert set(rules) == flagging | set(
        RuleMatch.objects.filter(comment__external_id="d").values_list(
            "rule", flat=True
        )
    )
    for slug in flagging:
        assert rules[slug]["name"] != slug
        assert (rules[slug]["count"], rules[slug]["breached"]) == (2, 2)
        assert rules[slug]["first_response_minutes"]["p50"] == 300.0

    assert [
        (w["week"], w["count"], w["met"], w["breached"]) for w in body["by_week"]
    ] == [("2026-11-16", 1, 1, 0), ("2026-11-23", 3, 1, 2)]
    assert body["by_week"][1]["first_response_minutes"]["p50"] == 165.0
    assert body["by_week"][1]["breach_rate"] == pytest.approx(0.6667)


def test_the_report_gives_the_same_figures_without_postgresql(
    wall, personas, monkeypatch
):
    answered_at(
        wall, personas, local(2026, 11, 18, 9), local(2026, 11, 18, 10, 30), "e"
    )
    answered_at(
        wall, personas, local(2026, 11, 28, 10), local(2026, 11, 28, 15), "c",
        text="Le pire service, vraiment le pire",
    )  # fmt: skip
    ingest(wall, local(2026, 11, 29, 10), external_id="d")
    sweep(local(2026, 11, 30, 10))
    period = {"start": local(2026, 11, 16), "end": local(2026, 11, 30)}
    on_postgresql = reports.sla_report(**period)
    assert on_postgresql["by_rule"] and len(on_postgresql["by_week"]) == 2
    # Elsewhere (SQLite) each grouping is a statement of its own: the same ones.
    monkeypatch.setattr(reports, "grouping_sets", lambda: False)
    assert reports.sla_report(**period) == on_postgresql


def test_the_dashboard_reads_a_fixed_number_of_queries(client, wall, personas):
    query = {"from": "2026-11-16", "to": "2026-11-29"}
    client.force_login(personas["manager"])

    def counted():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("moderation:sla"), query)
        assert page.status_code == 200
        return page, len(queries)

    answered_at(
        wall, personas, local(2026, 11, 25, 10), local(2026, 11, 25, 10, 30), "a",
        text="Le pire service",
    )  # fmt: skip
    _page, few = counted()
    other = make_user("other", [Role.RESPONDER], first_name="Omar")
    for day in range(16, 29):
        answered_at(
            wall, {**personas, "responder": other}, local(2026, 11, day, 10),
            local(2026, 11, day, 14), f"m-{day}", text="Le pire service",
        )  # fmt: skip
    page, many = counted()
    assert many == few
    html = page.content.decode()
    assert "Omar" in html
    # Two weekly trend charts, drawn on the server, each with its words.
    assert html.count('<svg class="trend') == 2
    assert "<desc" in html and "Semaine du 2026-11-16" in html


@pytest.mark.parametrize("scoped", [False, True])
def test_the_dashboard_shows_the_figures_of_the_api(
    client, api_client, wall, personas, scoped
):
    answered_at(
        wall, personas, local(2026, 11, 18, 9), local(2026, 11, 18, 10, 30), "e"
    )
    answered_at(
        wall, personas, local(2026, 11, 28, 10), local(2026, 11, 28, 15), "c",
        text="Le pire service, vraiment le pire",
    )  # fmt: skip
    ingest(wall, local(2026, 11, 29, 10), external_id="d")
    sweep(local(2026, 11, 30, 10))
    query = {"from": "2026-11-16", "to": "2026-11-29"}
    if scoped:
        query["channel"] = wall.slug
    client.force_login(personas["manager"])
    api_client.force_authenticate(personas["manager"])
    page = client.get(reverse("moderation:sla"), query)
    body = api_client.get("/api/v1/sla/report/", query).json()
    assert page.status_code == 200
    assert body["count"] == 3 and body["by_rule"]
    assert json.loads(json.dumps(page.context["report"])) == body
