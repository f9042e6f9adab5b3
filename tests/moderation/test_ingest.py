"""Ingest: matched, prioritised, due, audited, once per channel and external id."""

import datetime
import threading

import pytest
from django.db import connection

from moderation.models import Comment, Event, RuleMatch
from moderation.services import ingest as ingest_service
from moderation.services.ingest import comment_ingest, comments_ingest

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def ingest(
    channel, external_id="c-1", text="Espèce de crétin, je vais te tuer", **extra
):
    return comment_ingest(
        channel=channel,
        external_id=external_id,
        author="someone",
        text=text,
        posted_at=POSTED,
        **extra,
    )


@pytest.mark.django_db
def test_a_comment_is_stored_with_matches_priority_due_time_and_event(channel):
    comment, created = ingest(channel)
    assert created
    assert comment.status == Comment.Status.NEW
    assert comment.severity == "critical"
    assert comment.categories == ["offensive", "threat"]
    assert comment.priority == 432  # critical, a grammar's sure match, two rules
    assert comment.language == "fr"
    assert comment.policy_version == 1
    # 24/7 channel: a critical comment is due one hour after it was posted.
    assert comment.first_response_due_at == POSTED + datetime.timedelta(hours=1)
    assert sorted(RuleMatch.objects.values_list("rule", "excerpt")) == [
        ("offensive-content", "Espèce de crétin"),  # a directed insult
        ("threats", "je vais te tuer"),
    ]
    (event,) = Event.objects.filter(comment=comment)
    assert (event.action, event.after) == ("ingested", "new")


@pytest.mark.django_db
def test_an_unflagged_comment_is_due_in_a_day_of_business_time(channel, framework):
    from staffing.models import BusinessCalendar

    channel.calendar = BusinessCalendar.objects.get(slug="qc-business")
    channel.save()
    comment, _created = ingest(channel, text="Merci pour votre aide!")
    assert comment.severity == ""
    assert comment.priority == 0
    # Friday 16:00 in Montréal + 24 business hours (3 days of 8 h) = Wednesday 16:00.
    local = comment.first_response_due_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert (local.weekday(), local.hour) == (2, 16)


@pytest.mark.django_db
def test_the_same_external_id_gives_the_same_comment(channel):
    first, created = ingest(channel)
    again, created_again = ingest(channel, text="another text")
    assert created and not created_again
    assert again.pk == first.pk
    assert Comment.objects.count() == 1
    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_deliveries_store_one_comment(channel):
    barrier = threading.Barrier(6)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait()
            results.append(ingest(channel, external_id="race-1"))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({comment.pk for comment, _created in results}) == 1
    assert sum(created for _comment, created in results) == 1
    assert Comment.objects.filter(external_id="race-1").count() == 1
    assert Event.objects.filter(action="ingested").count() == 1


def batch(channel, prefix, count, **extra):
    return [
        {
            "channel": channel, "external_id": f"{prefix}-{index}",
            "author": "someone", "text": "Quel crétin", "posted_at": POSTED, **extra,
        }
        for index in range(count)
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_racing_overlapping_batches_store_each_comment_once(channel):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def deliver(offset):
        items = batch(channel, "b", 60)[offset : offset + 40]
        try:
            barrier.wait()
            results.append(comments_ingest(items=items))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(o,)) for o in (0, 10, 20, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Comment.objects.count() == 60
    assert Event.objects.filter(action="ingested").count() == 60
    by_id = {}
    for stored in results:
        for comment, _created in stored:
            by_id.setdefault(comment.external_id, set()).add(comment.pk)
    assert all(len(pks) == 1 for pks in by_id.values())
    created = sum(created for stored in results for _comment, created in stored)
    assert created == 60


@pytest.mark.django_db
def test_a_batch_that_loses_a_race_is_stored_one_by_one(channel, monkeypatch):
    [(winner, _)] = comments_ingest(items=batch(channel, "b", 1))
    # As if a concurrent delivery stored b-0 after this batch looked.
    monkeypatch.setattr(ingest_service, "_stored_comments", lambda items: {})
    results = comments_ingest(items=batch(channel, "b", 3))
    assert [(c.external_id, created) for c, created in results] == [
        ("b-0", False), ("b-1", True), ("b-2", True),
    ]  # fmt: skip
    assert results[0][0].pk == winner.pk
    assert Comment.objects.count() == 3
    assert Event.objects.filter(action="ingested").count() == 3


@pytest.mark.django_db
def test_the_same_comment_twice_in_a_batch_is_stored_once(channel):
    items = batch(channel, "b", 2) + batch(channel, "b", 1)
    results = comments_ingest(items=items)
    assert [created for _c, created in results] == [True, True, False]
    assert results[2][0] is results[0][0]
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_the_audit_trail_cannot_change_through_the_orm(channel):
    comment, _created = ingest(channel)
    event = Event.objects.get(comment=comment)
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "ingested"


@pytest.mark.django_db
def test_the_audit_trail_cannot_change_in_sql_on_postgresql(channel):
    comment, _created = ingest(channel)
    event = Event.objects.get(comment=comment)
    if connection.vendor != "postgresql":
        # The trigger exists on PostgreSQL only; SQLite has the ORM guard.
        assert connection.vendor == "sqlite"
        return
    from django.db import DatabaseError, transaction

    for statement in (
        "UPDATE moderation_event SET action = 'forged' WHERE id = %s",
        "DELETE FROM moderation_event WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.action == "ingested"


@pytest.mark.django_db
def test_the_audit_trail_cannot_be_truncated_on_postgresql(channel):
    comment, _created = ingest(channel)
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE.
        assert connection.vendor == "sqlite"
        return
    from django.db import DatabaseError, transaction

    for statement in (
        "TRUNCATE moderation_event",
        "TRUNCATE moderation_comment CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # The test's own inserts leave deferred foreign-key checks pending,
            # which TRUNCATE refuses for a reason of its own.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement)
    assert Event.objects.filter(comment=comment).exists()


@pytest.mark.django_db(transaction=True)
def test_a_deliberate_flush_empties_the_audit_trail(channel):
    from django.core.management import call_command

    ingest(channel)
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('governance.flushing', true)")
            # The permission ends with the flush.
            assert cursor.fetchone()[0] in ("", None)


@pytest.mark.django_db
def test_history_can_be_loaded_without_routing(
    channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        ingest(channel, external_id="old-1", route=False)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        ingest(channel, external_id="new-1")
    assert len(callbacks) == 1


def test_priority_orders_by_severity_then_confidence_then_rules():
    from moderation.services.ingest import priority_for
    from policies.matcher import Match

    def match(rule, severity, confidence):
        return Match(rule, "threat", severity, "p", "keyword", 0, 1, "x", confidence)

    sure = priority_for([match("threats", "critical", "high")])
    lone = priority_for([match("threats", "critical", "medium")])
    quoted = priority_for([match("threats", "critical", "low")])
    high = priority_for([match("defamation", "high", "high")])
    assert sure > lone > quoted > high > 0
    # A surer match of a lower severity does not raise the priority.
    assert priority_for(
        [match("threats", "critical", "medium"), match("insult", "low", "high")]
    ) == priority_for(
        [match("threats", "critical", "medium"), match("insult", "low", "low")]
    )
