"""Ingest: matched, prioritised, due, audited, once per channel and external id."""

import datetime
import threading

import pytest
from django.db import connection

from moderation import services
from moderation.models import Comment, Event, RuleMatch

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def ingest(
    channel, external_id="c-1", text="Espèce de crétin, je vais te tuer", **extra
):
    return services.comment_ingest(
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
    assert comment.priority == 42  # critical, two rules
    assert comment.language == "fr"
    assert comment.policy_version == 1
    # 24/7 channel: a critical comment is due one hour after it was posted.
    assert comment.first_response_due_at == POSTED + datetime.timedelta(hours=1)
    assert sorted(RuleMatch.objects.values_list("rule", "excerpt")) == [
        ("offensive-content", "crétin"),
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
