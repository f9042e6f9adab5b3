"""The demonstration data of `make run`: an inbox to triage and a month of SLA
history that shows the weekend silence."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from moderation import tasks
from moderation.models import Answer, Comment
from moderation.selectors import inbox, pending_approvals_count
from moderation.services.routing import comments_route_waiting
from moderation.sla import reports

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_inbox_and_a_month_of_history(capsys):
    call_command("bootstrap", "--demo")
    open_comments = Comment.objects.filter(status__in=Comment.OPEN_STATUSES)
    assert open_comments.count() == 10
    assert set(open_comments.values_list("language", flat=True)) == {"fr", "en"}
    # Something to claim for the responders, something to approve for carole.
    assert open_comments.filter(status="new", assignee=None).count() == 6
    [waiting] = Answer.objects.filter(status="pending_approval")
    assert waiting.author.username == "eve"
    history = Comment.objects.filter(external_id__startswith="hist-")
    assert history.count() > 150
    assert not history.exclude(status="answered").exists()

    end = timezone.now()
    start = end - datetime.timedelta(days=28)
    report = reports.sla_report(start=start, end=end)
    weekday, weekend = report["by_period"]["weekday"], report["by_period"]["weekend"]
    # Answers within the hour on weekdays, on Monday morning at the weekend.
    assert weekend["breach_rate"] > 0.5 > weekday["breach_rate"]
    assert weekend["first_response_minutes"]["p50"] > 10 * 60
    assert report["approval_wait_minutes"]["p50"] >= 10
    # Before this week's rota, nobody was on duty from Friday 17:00 to Monday
    # 9:00 on the round-the-clock channel.
    assert report["longest_uncovered_hours"] >= 64

    call_command("demo_history")  # a second run changes nothing
    assert Comment.objects.filter(external_id__startswith="hist-").count() == (
        history.count()
    )


def test_each_persona_still_finds_something_after_beat_has_run():
    """A minute after start-up beat has routed the waiting comments to whoever
    is on shift and swept the SLAs: every responder persona still has a comment
    to answer, the approver an answer to approve. Routed at any hour of the
    week, as a later start would route them."""
    call_command("bootstrap", "--demo")
    tasks.route_waiting()
    tasks.alert_waiting()
    tasks.sweep_sla()
    now = timezone.now()
    for hours in range(0, 7 * 24, 3):
        comments_route_waiting(now=now + datetime.timedelta(hours=hours))
    tasks.sweep_sla()
    users = get_user_model().objects.in_bulk(
        ["alice", "bob", "eve", "carole"], field_name="username"
    )
    for name in ("alice", "bob", "eve"):
        own = [
            comment
            for comment in inbox(user=users[name])
            if comment.assignee_id == users[name].pk
            and comment.status == Comment.Status.ASSIGNED
        ]
        assert own, name
    assert pending_approvals_count(user=users["carole"]) == "1"
