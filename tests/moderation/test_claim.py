"""Claiming: one winner, a clear answer for the others, an audit row."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.roles import Role
from moderation.models import Comment, Event
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import Conflict
from moderation.services.triage import comment_claim
from tests.conftest import make_user

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


@pytest.fixture
def comment(channel):
    comment, _created = comment_ingest(
        channel=channel,
        external_id="c-1",
        author="x",
        text="Quel crétin",
        posted_at=POSTED,
    )
    return comment


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_claim_then_conflict(comment, personas):
    claimed = comment_claim(comment=comment, actor=personas["responder"])
    assert (claimed.status, claimed.assignee) == ("assigned", personas["responder"])
    event = Event.objects.get(action="claimed")
    assert (event.actor, event.before, event.after) == (
        personas["responder"],
        "new",
        "assigned",
    )
    with pytest.raises(Conflict, match="Already taken by responder"):
        comment_claim(comment=comment, actor=personas["approver"])
    # Claiming again what one already holds is harmless.
    assert comment_claim(comment=comment, actor=personas["responder"]).pk == comment.pk
    assert Event.objects.filter(action="claimed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["api_reader", "outsider"])
def test_only_responders_claim(comment, personas, persona):
    with pytest.raises(PermissionDenied):
        comment_claim(comment=comment, actor=personas[persona])
    comment.refresh_from_db()
    assert comment.status == "new"


@pytest.mark.django_db(transaction=True)
def test_racing_claims_have_exactly_one_winner(comment):
    people = [make_user(f"r{i}", [Role.RESPONDER]) for i in range(5)]
    barrier = threading.Barrier(len(people))
    wins, conflicts, errors = [], [], []

    def claim(person):
        try:
            barrier.wait()
            comment_claim(comment=Comment.objects.get(pk=comment.pk), actor=person)
            wins.append(person.username)
        except Conflict:
            conflicts.append(person.username)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(wins) == 1
    assert len(conflicts) == 4
    comment.refresh_from_db()
    assert comment.assignee.username == wins[0]
    assert Event.objects.filter(action="claimed").count() == 1
