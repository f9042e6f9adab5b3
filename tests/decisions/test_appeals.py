"""Appeals: the link's holder, within six months, decided by someone else;
a reversal shows the comment again, here and on the platform."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from connectors.signed_webhook import post_signed
from decisions.models import Appeal
from decisions.references import link_secret
from decisions.services.appeals import (
    AppealRefused,
    add_months,
    appeal_decide,
    appeal_lodge,
)
from moderation import registry
from moderation.models import Comment, Event, OutboxMessage
from moderation.services.authors import author_act
from moderation.services.outbox import outbox_send
from moderation.services.transitions import Conflict
from tests.decisions.conftest import hidden, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def lodge(statement, **kw):
    return appeal_lodge(
        statement=statement,
        secret=link_secret(statement.reference),
        reasons=kw.pop("reasons", "It was irony, not an insult."),
        **kw,
    )


def test_only_the_links_holder_appeals_with_reasons(channel, personas):
    statement = hidden(channel, personas["responder"]).statements.get()
    with pytest.raises(PermissionDenied):
        appeal_lodge(statement=statement, secret="guess", reasons="x")
    with pytest.raises(ValidationError):
        lodge(statement, reasons="   ")
    appeal = lodge(statement)
    assert appeal.status == Appeal.Status.PENDING
    assert appeal.due_at == appeal.lodged_at + datetime.timedelta(days=7)
    with pytest.raises(AppealRefused, match="already waiting"):
        lodge(statement)


def test_six_months_to_appeal_one_minute_before_and_after(channel, personas):
    statement = hidden(channel, personas["responder"]).statements.get()
    deadline = add_months(statement.restricted_at, 6)
    with pytest.raises(AppealRefused, match="six months"):
        lodge(statement, now=deadline + datetime.timedelta(minutes=1))
    assert lodge(statement, now=deadline - datetime.timedelta(minutes=1))


def test_months_end_on_the_last_day_of_a_shorter_month():
    at = datetime.datetime(2026, 8, 31, 12, tzinfo=datetime.UTC)
    assert add_months(at, 6) == datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC)
    with pytest.raises(OverflowError):
        add_months(datetime.datetime(9999, 12, 1, tzinfo=datetime.UTC), 6)


def test_a_human_review_is_only_for_automated_decisions(channel, personas):
    statement = hidden(channel, personas["responder"]).statements.get()
    with pytest.raises(AppealRefused):
        lodge(statement, kind=Appeal.Kind.HUMAN_REVIEW)


def test_the_person_who_decided_may_not_decide_the_appeal(channel, personas):
    approver = personas["approver"]
    comment = hidden(channel, approver)
    appeal = lodge(comment.statements.get())
    with pytest.raises(PermissionDenied, match="Someone other"):
        appeal_decide(appeal=appeal, actor=approver, outcome="reversed", reasons="x")
    for persona in ("responder", "outsider", "counsel", "privacy_officer"):
        with pytest.raises(PermissionDenied):
            appeal_decide(
                appeal=appeal, actor=personas[persona], outcome="upheld", reasons="x"
            )
    assert Appeal.objects.get().status == Appeal.Status.PENDING


def test_upheld_is_recorded_and_shown(channel, personas, client):
    statement = hidden(channel, personas["responder"]).statements.get()
    appeal = lodge(statement)
    appeal_decide(
        appeal=appeal,
        actor=personas["approver"],
        outcome="upheld",
        reasons="The netiquette forbids insults.",
    )
    with pytest.raises(Conflict):
        appeal_decide(
            appeal=appeal, actor=personas["manager"], outcome="reversed", reasons="x"
        )
    with pytest.raises(AppealRefused, match="already reviewed"):
        lodge(statement)
    page = client.get(reverse("decisions:statement", args=[statement.reference]))
    assert "The netiquette forbids insults." in page.content.decode()


def test_a_reversal_shows_the_comment_again_through_the_connector(
    webhook_channel, personas, receiver
):
    comment = hidden(webhook_channel, personas["responder"])
    statement = comment.statements.get()
    appeal_decide(
        appeal=lodge(statement),
        actor=personas["approver"],
        outcome="reversed",
        reasons="Irony, not an insult.",
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    statement.refresh_from_db()
    assert statement.reversed_at is not None
    assert comment.events.filter(action="unhidden").get().actor == personas["approver"]
    unhide = OutboxMessage.objects.get(kind=registry.UNHIDE_KIND)
    assert outbox_send(message_id=unhide.pk) == OutboxMessage.Status.SENT
    kinds = [json.loads(body)["kind"] for _headers, body in receiver.received]
    assert registry.UNHIDE_KIND in kinds


class AuthorsOnLoopback(registry.Connector):
    """Acts on authors by POSTing, signed, to the channel's URL (the loopback
    receiver), as the signed webhook sends everything else."""

    name = "authors-loopback"
    abilities = frozenset({registry.Ability.ACT_ON_AUTHOR})
    author_actions = frozenset(registry.AuthorAction)
    author_undo = frozenset({registry.AuthorAction.MUTE, registry.AuthorAction.BLOCK})

    def deliver(self, message, *, now):
        return post_signed(message, now=now)


class AuthorsForever(AuthorsOnLoopback):
    """Acts on authors, and cannot lift anything it did."""

    name = "authors-forever"
    author_undo = frozenset()


@pytest.fixture
def authors_channel(webhook_channel):
    registry.register(AuthorsOnLoopback)
    registry.register(AuthorsForever)
    webhook_channel.connector = AuthorsOnLoopback.name
    webhook_channel.save()
    yield webhook_channel
    registry.unregister(AuthorsOnLoopback.name)
    registry.unregister(AuthorsForever.name)


def restricted_author(channel, manager, action):
    comment = ingest(channel)
    message = author_act(comment=comment, actor=manager, action=action, reason="Spam")
    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    return comment, comment.statements.get()


def reverse_appeal(statement, approver):
    return appeal_decide(
        appeal=lodge(statement),
        actor=approver,
        outcome="reversed",
        reasons="Not spam.",
    )


@pytest.mark.parametrize(
    ("action", "event"), [("mute", "author_unmuted"), ("block", "author_unblocked")]
)
def test_a_reversed_mute_or_block_is_lifted_through_the_connector(
    authors_channel, personas, receiver, action, event
):
    comment, statement = restricted_author(authors_channel, personas["manager"], action)
    reverse_appeal(statement, personas["approver"])
    lifted = Event.objects.get(comment=comment, action=event)
    assert lifted.actor == personas["approver"]
    assert statement.reference in lifted.reason
    undo = OutboxMessage.objects.get(kind=registry.AUTHOR_UNDO_KIND)
    assert undo.payload["action"] == action
    assert undo.payload["author"] == "jean.tremblay"
    assert outbox_send(message_id=undo.pk) == OutboxMessage.Status.SENT
    bodies = [json.loads(body) for _headers, body in receiver.received]
    assert [(b["kind"], b["action"]) for b in bodies] == [
        (registry.AUTHOR_KIND, action),
        (registry.AUTHOR_UNDO_KIND, action),
    ]
    statement.refresh_from_db()
    assert statement.reversed_at is not None


def test_a_reversed_report_stays_recorded_and_nothing_is_sent(
    authors_channel, personas
):
    comment, statement = restricted_author(
        authors_channel, personas["manager"], "report"
    )
    reverse_appeal(statement, personas["approver"])
    statement.refresh_from_db()
    assert statement.reversed_at is not None
    assert not OutboxMessage.objects.filter(kind=registry.AUTHOR_UNDO_KIND).exists()
    assert not comment.events.filter(action__startswith="author_un").exists()


def test_a_platform_that_cannot_lift_a_mute_records_it_here_only(
    authors_channel, personas
):
    authors_channel.connector = AuthorsForever.name
    authors_channel.save()
    comment, statement = restricted_author(authors_channel, personas["manager"], "mute")
    reverse_appeal(statement, personas["approver"])
    assert comment.events.filter(action="author_unmuted").count() == 1
    assert not OutboxMessage.objects.filter(kind=registry.AUTHOR_UNDO_KIND).exists()


def test_the_outcome_is_sent_to_the_author_in_their_language(
    webhook_channel, personas, receiver
):
    comment = hidden(webhook_channel, personas["responder"])  # in French
    statement = comment.statements.get()
    appeal_decide(
        appeal=lodge(statement),
        actor=personas["approver"],
        outcome="upheld",
        reasons="Une insulte",
    )
    told = OutboxMessage.objects.filter(
        kind=registry.STATEMENT_KIND, payload__outcome="upheld"
    ).get()
    assert outbox_send(message_id=told.pk) == OutboxMessage.Status.SENT
    [body] = [
        json.loads(body)
        for _headers, body in receiver.received
        if json.loads(body).get("outcome") == "upheld"
    ]
    assert body["author"] == "jean.tremblay"
    assert body["reference"] == statement.reference
    assert "Votre appel de la décision" in body["text"]
    assert "Une insulte" in body["text"]
    assert "key=" not in body["text"]


def test_no_outcome_message_where_the_platform_cannot_message(channel, personas):
    statement = hidden(channel, personas["responder"]).statements.get()
    appeal_decide(
        appeal=lodge(statement),
        actor=personas["approver"],
        outcome="upheld",
        reasons="x",
    )
    assert not OutboxMessage.objects.filter(payload__outcome="upheld").exists()


def test_the_appeal_form_on_the_page(channel, personas, client):
    statement = hidden(channel, personas["responder"]).statements.get()
    url = reverse("decisions:appeal-lodge", args=[statement.reference])
    refused = client.post(url, {"key": "wrong", "kind": "appeal", "reasons": "x"})
    assert refused.status_code == 403
    assert not Appeal.objects.exists()
    empty = client.post(
        url, {"key": link_secret(statement.reference), "kind": "appeal", "reasons": ""}
    )
    assert empty.status_code == 400
    done = client.post(
        url,
        {"key": link_secret(statement.reference), "kind": "appeal", "reasons": "Why?"},
    )
    assert done.status_code == 302
    assert Appeal.objects.get().reasons == "Why?"


def test_the_queue_and_the_decision_page_by_persona(channel, personas, client):
    statement = hidden(channel, personas["responder"]).statements.get()
    appeal = lodge(statement)
    for persona, status in [
        ("approver", 200),
        ("manager", 200),
        ("responder", 403),
        ("outsider", 403),
        ("privacy_officer", 403),
    ]:
        client.force_login(personas[persona])
        assert client.get(reverse("decisions:queue")).status_code == status, persona
        page = client.get(reverse("decisions:appeal", args=[appeal.pk]))
        assert page.status_code == status, persona
    client.force_login(personas["approver"])
    response = client.post(
        reverse("decisions:appeal", args=[appeal.pk]),
        {"outcome": "reversed", "reasons": "Irony."},
    )
    assert response.status_code == 302
    assert Appeal.objects.get().status == Appeal.Status.REVERSED


def test_a_reviewer_outside_the_channel_gets_a_404(channel, personas, client):
    statement = hidden(channel, personas["responder"]).statements.get()
    appeal = lodge(statement)
    approver = personas["approver"]
    approver.channels = ["elsewhere"]
    approver.save()
    client.force_login(approver)
    assert client.get(reverse("decisions:appeal", args=[appeal.pk])).status_code == 404
    assert (
        statement.reference
        not in client.get(reverse("decisions:queue")).content.decode()
    )


@time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC), tick=False)
def test_an_appeals_sla_policy_sets_the_due_time(channel, personas):
    from moderation.models import SlaPolicy
    from staffing.models import BusinessCalendar

    SlaPolicy.objects.create(
        slug="appeals",
        name_fr="Appels",
        name_en="Appeals",
        clock=SlaPolicy.Clock.WALL,
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        critical_minutes=60,
        high_minutes=60,
        medium_minutes=120,
        low_minutes=600,
    )
    appeal = lodge(hidden(channel, personas["responder"]).statements.get())
    assert appeal.due_at == appeal.lodged_at + datetime.timedelta(minutes=120)
