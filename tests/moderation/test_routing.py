"""Routing: to an on-shift responder who may answer, least loaded first."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.roles import Role
from moderation.models import Comment, Event
from moderation.services.alerts import comment_alert_critical, comments_alert_waiting
from moderation.services.ingest import comment_ingest
from moderation.services.routing import (
    comment_route,
    comments_route,
    comments_route_waiting,
)
from moderation.services.triage import comment_claim, comment_close, comment_release
from staffing.models import Shift, TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def on_shift(user):
    now = timezone.now()
    Shift.objects.create(
        responder=user,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )


def ingest(channel, external_id, text="Votre service est le pire"):
    return comment_ingest(
        channel=channel, external_id=external_id, author="x", text=text,
        posted_at=timezone.now(),
    )[0]  # fmt: skip


def test_ingest_queues_routing_after_commit(
    channel, django_capture_on_commit_callbacks
):
    responder = make_user("alice", [Role.RESPONDER])
    on_shift(responder)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = ingest(channel, "c-1")
    assert len(callbacks) == 1
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", responder)
    assert Event.objects.filter(comment=comment, action="routed").exists()


def test_nobody_on_shift_leaves_the_comment_queued_and_records_the_gap(channel):
    make_user("alice", [Role.RESPONDER])  # not on shift
    comment = ingest(channel, "c-1")
    assert comment_route(comment=comment) is None
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("new", None)
    assert Event.objects.filter(comment=comment, action="routing_gap").exists()


def test_the_gap_is_recorded_once_per_wait_however_often_the_sweep_runs(
    channel, personas
):
    comment = ingest(channel, "c-1")
    for _ in range(3):
        assert comments_route_waiting() == 0
    gaps = Event.objects.filter(comment=comment, action="routing_gap")
    assert gaps.count() == 1
    # Taken, then given back: a new wait, a new gap.
    comment_claim(comment=comment, actor=personas["responder"])
    comment_release(comment=comment, actor=personas["responder"])
    comments_route_waiting()
    comments_route_waiting()
    assert gaps.count() == 2


def test_with_nobody_on_shift_the_sweep_costs_a_few_queries(
    channel, personas, django_assert_num_queries
):
    for number in range(10):
        ingest(channel, f"c-{number}")
    # The waiting comments, who is on shift, those whose wait begins, the gaps
    # (and the audit chain's head, locked then moved).
    with django_assert_num_queries(6):
        assert comments_route_waiting() == 0
    with django_assert_num_queries(3):
        assert comments_route_waiting() == 0
    assert Event.objects.filter(action="routing_gap").count() == 10


def test_the_sweep_reads_who_is_on_shift_once(
    channel, personas, django_assert_max_num_queries
):
    for number in range(10):
        ingest(channel, f"c-{number}", text="Hello, my bill is wrong")
    on_shift(make_user("francine", [Role.RESPONDER], languages=["fr"]))
    comments_route_waiting()  # nobody speaks English: gaps recorded
    # Then each minute: the waiting comments, who is on shift (with its
    # prefetches and their roles), and per comment its reload and last event.
    with django_assert_max_num_queries(6 + 2 * 10):
        assert comments_route_waiting() == 0
    assert Event.objects.filter(action="routing_gap").count() == 10


def test_language_and_channel_decide_who_may_take_it(channel):
    english_only = make_user("bob", [Role.RESPONDER], languages=["en"])
    other_channel = make_user("carl", [Role.RESPONDER], channels=["x-main"])
    on_shift(english_only)
    on_shift(other_channel)
    comment = ingest(channel, "c-1")  # French, on facebook-main
    assert comment_route(comment=comment) is None
    french = make_user("dina", [Role.RESPONDER], languages=["fr"])
    on_shift(french)
    assert comment_route(comment=comment) == french


def test_delegated_then_least_loaded_first(channel, manager):
    busy = make_user("busy", [Role.RESPONDER])
    idle = make_user("idle", [Role.RESPONDER])
    delegated = make_user("deleg", [Role.RESPONDER])
    for person in (busy, idle, delegated):
        on_shift(person)
    program = TrainingProgram.objects.create(slug="p", name_fr="P", name_en="P")
    accreditation_grant(
        actor=manager, responder=delegated, program=program,
        granted_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    grant_create(
        actor=manager, responder=delegated, required_program=program,
        valid_from=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    first = ingest(channel, "c-1")
    assert comment_route(comment=first) == delegated
    # Without the delegated responder, the one with less open work wins.
    Shift.objects.filter(responder=delegated).delete()
    Comment.objects.filter(pk=first.pk).update(assignee=busy)
    second = ingest(channel, "c-2")
    assert comment_route(comment=second) == idle


def test_a_batch_is_spread_over_the_least_loaded_as_it_is_assigned(channel):
    people = [make_user(name, [Role.RESPONDER]) for name in ("ann", "bob", "cat")]
    for person in people:
        on_shift(person)
    comments = [ingest(channel, f"c-{i}") for i in range(6)]

    chosen = comments_route(comment_ids=[c.pk for c in comments])

    assert sorted(person.username for person in chosen) == [
        "ann", "ann", "bob", "bob", "cat", "cat",
    ]  # fmt: skip
    assert Event.objects.filter(action="routed").count() == 6


def test_a_batch_costs_one_statement_per_comment_and_a_few_more(
    channel, django_assert_max_num_queries
):
    for name in ("ann", "bob", "cat"):
        on_shift(make_user(name, [Role.RESPONDER]))
    comments = [ingest(channel, f"c-{i}") for i in range(30)]

    with django_assert_max_num_queries(30 + 12):
        comments_route(comment_ids=[c.pk for c in comments])

    assert Comment.objects.filter(status="assigned").count() == 30


def test_a_batch_leaves_a_comment_claimed_meanwhile_to_its_claimer(channel, responder):
    other = make_user("other", [Role.RESPONDER])
    on_shift(other)
    on_shift(responder)
    taken, free = ingest(channel, "c-1"), ingest(channel, "c-2")
    comment_claim(comment=taken, actor=responder)

    chosen = comments_route(comment_ids=[taken.pk, free.pk])

    assert chosen[0] is None
    assert Comment.objects.get(pk=taken.pk).assignee == responder
    assert Comment.objects.get(pk=free.pk).assignee is not None


def test_the_sweep_routes_what_is_still_waiting(channel):
    comments = [ingest(channel, f"c-{i}") for i in range(3)]
    responder = make_user("alice", [Role.RESPONDER])
    on_shift(responder)
    assert comments_route_waiting() == 3
    assert {
        c.assignee for c in Comment.objects.filter(pk__in=[c.pk for c in comments])
    } == {responder}
    assert comments_route_waiting() == 0


def test_a_claimed_comment_is_not_routed(channel, personas):
    comment = ingest(channel, "c-1")
    comment_claim(comment=comment, actor=personas["approver"])
    responder = make_user("alice", [Role.RESPONDER])
    on_shift(responder)
    assert comment_route(comment=comment) == personas["approver"]
    comment.refresh_from_db()
    assert comment.assignee == personas["approver"]


def test_a_critical_comment_alerts_the_people_on_duty_once(
    channel, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    on_duty = make_user("nightowl", [Role.RESPONDER])
    on_shift(on_duty)
    with django_capture_on_commit_callbacks(execute=True):
        comment = ingest(channel, "c-1", text="Je vais te tuer")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nightowl@example.org"]
    assert "Je vais te tuer" in mail.outbox[0].body
    assert comment_alert_critical(comment=comment) == []
    assert len(mail.outbox) == 1
    assert Event.objects.filter(comment=comment, action="alerted").count() == 1


def test_without_anyone_on_shift_managers_are_alerted(
    channel, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    comment = ingest(channel, "c-1", text="Je vais te tuer")
    with django_capture_on_commit_callbacks(execute=True):
        recipients = comment_alert_critical(comment=comment)
    assert recipients == ["manager@example.org"]
    assert mail.outbox[0].to == ["manager@example.org"]


def test_other_comments_alert_nobody(channel, personas):
    comment = ingest(channel, "c-1", text="Quel crétin")
    assert comment_alert_critical(comment=comment) == []


def test_a_failed_mail_server_leaves_the_alert_to_be_sent_again(
    channel, personas, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from core.mail import mails_send_due
    from core.models import OutgoingMail

    comment = ingest(channel, "c-1", text="Je vais te tuer")
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert comment_alert_critical(comment=comment) == ["manager@example.org"]
    # The alert is recorded once; its e-mail waits for its next attempt.
    comment.refresh_from_db()
    assert comment.alerted_at is not None
    assert Event.objects.filter(comment=comment, action="alerted").count() == 1
    alert = OutgoingMail.objects.get(kind="critical_alert")
    assert (alert.status, alert.attempts) == ("pending", 1)
    assert "mail server down" in alert.last_error
    assert comment_alert_critical(comment=comment) == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mails_send_due() == 0  # not before its backoff ends
    with time_machine.travel(alert.next_attempt_at, tick=False):
        assert mails_send_due() == 1
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]


def test_the_minute_sweep_writes_the_alerts_whose_task_never_ran(
    channel, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    # Ingested while the broker was away: no alert task ever ran.
    waiting = ingest(channel, "c-1", text="Je vais te tuer")
    other = ingest(channel, "c-2", text="Je vais te tuer")
    closed = ingest(channel, "c-3", text="Je vais te tuer")
    comment_claim(comment=closed, actor=personas["responder"])
    comment_close(comment=closed, actor=personas["responder"], reason="Nothing to do")
    old = ingest(channel, "c-4", text="Je vais te tuer")
    Comment.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(hours=25)
    )
    ingest(channel, "c-5")  # not critical
    comment_alert_critical(comment=other)  # its task did run
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert comments_alert_waiting() == 1
    assert comments_alert_waiting() == 0
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    alerted = Comment.objects.filter(alerted_at__isnull=False)
    assert set(alerted.values_list("pk", flat=True)) == {waiting.pk, other.pk}


def test_other_events_during_a_wait_do_not_record_the_gap_again(channel, personas):
    comment = ingest(channel, "c-1", text="Je vais te tuer")
    comments_route_waiting()
    # Something else happens to the comment while it waits: its alert, and
    # the SLA sweep's warning and breach.
    comment_alert_critical(comment=comment)
    comments_route_waiting()
    from moderation.sla.sweep import sla_sweep

    sla_sweep(now=timezone.now() + datetime.timedelta(hours=2))
    comments_route_waiting()
    comment_route(comment=comment)
    actions = list(comment.events.values_list("action", flat=True))
    assert actions.count("routing_gap") == 1
    assert "alerted" in actions and "sla_breached" in actions
    comment.refresh_from_db()
    assert comment.routing_gap_since is not None
    # Routed at last: the wait is over.
    on_shift(personas["responder"])
    assert comment_route(comment=comment) == personas["responder"]
    comment.refresh_from_db()
    assert comment.routing_gap_since is None


def test_the_people_on_shift_answer_what_they_may_do_without_a_query(
    channel, django_assert_num_queries
):
    from staffing.selectors import on_shift as people_on_shift

    for name in ("alice", "bob", "carl"):
        on_shift(make_user(name, [Role.RESPONDER]))
    people = people_on_shift(timezone.now())
    with django_assert_num_queries(0):
        assert [person.can("triage") for person in people] == [True] * 3


def test_deleting_a_user_returns_their_comments_to_the_queue(
    channel, personas, django_capture_on_commit_callbacks
):
    leaving = make_user("leaving", [Role.RESPONDER])
    on_shift(leaving)
    comment = ingest(channel, "c-1")
    closed = ingest(channel, "c-2")
    assert comment_route(comment=comment) == leaving
    assert comment_route(comment=closed) == leaving
    comment_close(comment=closed, actor=personas["manager"], reason="Rien")
    staying = make_user("staying", [Role.RESPONDER])
    on_shift(staying)
    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
    comment.refresh_from_db()
    # Back in the queue with its event, then routed again after commit.
    assert (comment.status, comment.assignee) == ("assigned", staying)
    assert list(comment.events.values_list("action", "before", "after")) == [
        ("ingested", "", "new"),
        ("routed", "new", "assigned"),
        ("released", "assigned", "new"),
        ("routed", "new", "assigned"),
    ]
    released = comment.events.get(action="released")
    assert (released.actor, released.reason) == (
        None,
        "the assignee's account was deleted",
    )
    closed.refresh_from_db()
    assert (closed.status, closed.assignee) == ("closed", None)
    assert not closed.events.filter(action="released").exists()
