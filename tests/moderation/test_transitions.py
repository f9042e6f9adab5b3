"""Every transition: who may do it, what it changes, the audit row it writes."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.roles import Role
from moderation.models import Answer, Comment, Event, Notification, OutboxMessage
from moderation.services import answers, triage
from moderation.services.answers import answer_approve, answer_reject, answer_submit
from moderation.services.escalation import (
    comment_escalate,
    comment_send_back,
    comment_take,
)
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import Conflict, transition
from moderation.services.triage import (
    comment_claim,
    comment_close,
    comment_hide,
    comment_reassign,
    comment_release,
    comments_bulk,
)
from staffing.models import TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.conftest import make_user
from tests.processes import needs_postgresql, wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def new_comment(channel, text="Votre service est le pire", external_id="c-1"):
    comment, _created = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="x",
        text=text,
        posted_at=POSTED,
    )
    return comment


@pytest.fixture
def delegated(personas):
    """Give the responder a delegation up to high severity, all categories."""
    manager, responder = personas["manager"], personas["responder"]
    program = TrainingProgram.objects.create(slug="p", name_fr="P", name_en="P")
    accreditation_grant(
        actor=manager, responder=responder, program=program,
        granted_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    grant_create(
        actor=manager, responder=responder, required_program=program,
        max_severity="high", valid_from=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    return responder


TRANSITIONS = {
    "escalate": lambda c, a: comment_escalate(comment=c, actor=a, reason="legal"),
    "hide": lambda c, a: comment_hide(comment=c, actor=a, reason="spam"),
    "close": lambda c, a: comment_close(comment=c, actor=a, reason="fine"),
}
EXPECTED_STATUS = {"escalate": "escalated", "hide": "hidden", "close": "closed"}


@pytest.mark.parametrize("transition", sorted(TRANSITIONS))
@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("manager", True),
        ("approver", True),
        ("responder", True),
        ("api_reader", False),
        # Counsel works on what is escalated to them, not on the queue.
        ("counsel", False),
        ("outsider", False),
    ],
)
def test_transitions_by_role(channel, personas, transition, persona, allowed):
    comment = new_comment(channel)
    actor = personas[persona]
    if not allowed:
        with pytest.raises(PermissionDenied):
            TRANSITIONS[transition](comment, actor)
        assert Comment.objects.get(pk=comment.pk).status == "new"
        assert Event.objects.filter(comment=comment).count() == 1
        return
    TRANSITIONS[transition](comment, actor)
    comment.refresh_from_db()
    assert comment.status == EXPECTED_STATUS[transition]
    event = Event.objects.filter(comment=comment).last()
    assert (event.actor, event.before, event.after) == (actor, "new", comment.status)


def test_a_closed_comment_cannot_be_hidden(channel, personas):
    comment = new_comment(channel)
    comment_close(comment=comment, actor=personas["responder"], reason="ok")
    with pytest.raises(Conflict, match="Closed, no action needed"):
        comment_hide(comment=comment, actor=personas["responder"], reason="spam")


def test_escalation_needs_a_reason(channel, personas):
    comment = new_comment(channel)
    with pytest.raises(ValidationError):
        comment_escalate(comment=comment, actor=personas["responder"], reason=" ")


def test_release_and_reassign(channel, personas):
    comment = new_comment(channel)
    responder, approver, manager = (
        personas[n] for n in ("responder", "approver", "manager")
    )
    comment_claim(comment=comment, actor=responder)
    with pytest.raises(PermissionDenied):
        comment_release(comment=comment, actor=approver)
    comment_release(comment=comment, actor=responder)
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("new", None)
    with pytest.raises(PermissionDenied):
        comment_reassign(comment=comment, actor=responder, to=approver)
    with pytest.raises(ValidationError):
        comment_reassign(comment=comment, actor=manager, to=personas["outsider"])
    comment_reassign(comment=comment, actor=manager, to=approver)
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", approver)
    assert [e.action for e in Event.objects.filter(comment=comment)] == [
        "ingested", "claimed", "released", "reassigned",
    ]  # fmt: skip


def test_a_delegated_responder_answers_at_once(channel, delegated):
    comment = new_comment(channel)  # denigration: low severity, no approval rule
    comment_claim(comment=comment, actor=delegated)
    answer = answer_submit(
        comment=comment, actor=delegated, body="Merci, écrivez-nous."
    )
    comment.refresh_from_db()
    assert answer.status == Answer.Status.PUBLISHED
    assert comment.status == "answered"
    assert comment.first_responded_at == answer.published_at
    outbox = OutboxMessage.objects.get()
    assert outbox.payload["body"] == "Merci, écrivez-nous."
    assert outbox.channel == channel


def test_without_delegation_the_answer_waits_for_approval_and_is_approved(
    channel, personas
):
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Merci.")
    comment.refresh_from_db()
    assert answer.status == Answer.Status.PENDING_APPROVAL
    assert answer.needs_approval_because == "no_grant"
    assert comment.status == "pending_approval"
    assert not OutboxMessage.objects.exists()
    with pytest.raises(PermissionDenied):
        answer_approve(answer=answer, actor=personas["responder"])
    answer_approve(answer=answer, actor=approver)
    answer.refresh_from_db()
    comment.refresh_from_db()
    assert (answer.status, answer.approver) == ("published", approver)
    assert comment.status == "answered"
    assert comment.first_responded_at == answer.published_at
    assert OutboxMessage.objects.count() == 1
    with pytest.raises(Conflict):
        answer_approve(answer=answer, actor=approver)


def test_an_approval_judges_the_target_on_the_due_time_stored_then(
    channel, personas, monkeypatch
):
    """A policy change recomputes due times while an approval is under way:
    the outcome is judged against the due time in the row it updates, not the
    one read before."""
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Merci.")
    comment.refresh_from_db()
    approved_at = comment.first_response_due_at - datetime.timedelta(minutes=5)
    read_before = answers.outcome_fields

    def recomputed_meanwhile(comment, *, now):
        fields = read_before(comment, now=now)
        Comment.objects.filter(pk=comment.pk).update(
            first_response_due_at=now - datetime.timedelta(minutes=1)
        )
        return fields

    monkeypatch.setattr(answers, "outcome_fields", recomputed_meanwhile)
    approved = answer_approve(answer=answer, actor=approver, now=approved_at)
    comment.refresh_from_db()
    assert comment.status == "answered"
    assert comment.sla_met is False
    # The instance the service hands back reads the stored outcome too.
    assert approved.comment.sla_met is False


def test_approving_an_answer_costs_ten_queries(
    channel, personas, django_assert_num_queries
):
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    minutes = datetime.timedelta(minutes=1)
    comment_claim(comment=comment, actor=responder, now=POSTED + 10 * minutes)
    answer = answer_submit(
        comment=comment, actor=responder, body="Merci.", now=POSTED + 30 * minutes
    )
    answer = Answer.objects.get(pk=answer.pk)  # as a page or the API loads it
    approver.can("approve")  # the page or the API asked already
    approved_at = POSTED + 95 * minutes
    # Eight, and the audit chain's head: locked, then moved.
    with django_assert_num_queries(10):
        answer_approve(answer=answer, actor=approver, now=approved_at)
    assert (answer.status, answer.approver) == ("published", approver)
    assert answer.decided_at == answer.published_at == approved_at
    comment.refresh_from_db()
    assert (comment.status, comment.first_responded_at) == ("answered", approved_at)
    assert (comment.response_minutes, comment.response_business_minutes) == (95, 95)
    assert comment.sla_met == (approved_at <= comment.first_response_due_at)
    assert (comment.approval_wait_minutes, comment.posted_period) == (65, "weekday")
    assert comment.events.order_by("pk").values_list(
        "action", "before", "after"
    ).last() == (
        "answer_approved",
        "pending_approval",
        "answered",
    )
    assert OutboxMessage.objects.get().answer == answer


def test_a_rule_requiring_approval_overrides_delegation(channel, delegated, personas):
    comment = new_comment(channel, text="Vous êtes des escrocs", external_id="c-2")
    comment_claim(comment=comment, actor=delegated)
    answer = answer_submit(comment=comment, actor=delegated, body="Écrivez-nous.")
    assert answer.status == "pending_approval"
    assert answer.needs_approval_because == "rule:defamation"


def test_rejection_sends_the_answer_back(channel, personas):
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Bof.")
    with pytest.raises(ValidationError):
        answer_reject(answer=answer, actor=approver, reason="")
    answer_reject(answer=answer, actor=approver, reason="Plus de tact.")
    answer.refresh_from_db()
    comment.refresh_from_db()
    assert answer.status == "rejected"
    assert (comment.status, comment.assignee) == ("assigned", responder)
    assert Event.objects.filter(comment=comment).last().reason == "Plus de tact."


def test_an_author_cannot_approve_their_own_answer(channel, personas):
    comment = new_comment(channel)
    approver = personas["approver"]
    comment_claim(comment=comment, actor=approver)
    answer = answer_submit(comment=comment, actor=approver, body="Merci.")
    with pytest.raises(PermissionDenied, match="other than its author"):
        answer_approve(answer=answer, actor=approver)


def test_answering_needs_the_claim(channel, personas):
    comment = new_comment(channel)
    with pytest.raises(Conflict, match="Claim the comment"):
        answer_submit(comment=comment, actor=personas["responder"], body="Hi")


# -- who may close and hide ----------------------------------------------------


@pytest.mark.parametrize("verb", ["hide", "close"])
def test_closing_and_hiding_need_a_reason(channel, personas, verb):
    comment = new_comment(channel)
    service = {"hide": comment_hide, "close": comment_close}[verb]
    with pytest.raises(ValidationError) as refused:
        service(comment=comment, actor=personas["responder"], reason="  ")
    assert "reason" in refused.value.message_dict
    assert Comment.objects.get(pk=comment.pk).status == "new"
    assert Event.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize("verb", ["hide", "close", "escalate"])
def test_only_the_holder_or_a_manager_acts_on_a_held_comment(channel, personas, verb):
    comment = new_comment(channel)
    comment_claim(comment=comment, actor=personas["responder"])
    service = {
        "hide": comment_hide,
        "close": comment_close,
        "escalate": comment_escalate,
    }[verb]
    for other in ("approver", "counsel"):
        with pytest.raises(PermissionDenied):
            service(comment=comment, actor=personas[other], reason="mine now")
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", personas["responder"])
    assert [e.action for e in Event.objects.filter(comment=comment)] == [
        "ingested", "claimed",
    ]  # fmt: skip
    service(comment=comment, actor=personas["manager"], reason="policy")
    comment.refresh_from_db()
    assert comment.status == EXPECTED_STATUS[verb]
    assert Event.objects.filter(comment=comment).last().actor == personas["manager"]


def test_a_claim_between_the_check_and_the_update_wins(channel, personas, monkeypatch):
    """The permission travels in the conditional update: a responder who saw
    the comment unheld cannot close it once another has claimed it."""
    comment = new_comment(channel)
    stale = Comment.objects.get(pk=comment.pk)  # read while nobody held it
    comment_claim(comment=comment, actor=personas["approver"])
    monkeypatch.setattr(triage, "comment_reload", lambda _comment: stale)
    with pytest.raises(Conflict, match="changed hands"):
        comment_close(
            comment=comment, actor=personas["responder"], reason="nothing to do"
        )
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", personas["approver"])


# -- escalations -----------------------------------------------------------------

LEGAL = "Vous êtes des escrocs"  # defamation: its rule says escalate_legal
MANAGERIAL = "Je vais vous faire payer, attendez-vous à des représailles"


def escalated(channel, personas, text=LEGAL, external_id="e-1"):
    comment = new_comment(channel, text=text, external_id=external_id)
    comment_claim(comment=comment, actor=personas["responder"])
    return comment_escalate(
        comment=comment, actor=personas["responder"], reason="Menace de poursuite"
    )


def on_shift(person, now=None):
    from staffing.models import Shift

    now = now or timezone.now()
    return Shift.objects.create(
        responder=person,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=7),
    )


def test_a_legal_escalation_goes_to_counsel_on_shift_who_is_told(
    channel, personas, django_capture_on_commit_callbacks, mailoutbox
):
    other = make_user("counsel2", [Role.COUNSEL])
    on_shift(other)
    with django_capture_on_commit_callbacks(execute=True):
        comment = escalated(channel, personas)
    assert comment.status == "escalated"
    assert comment.escalated_to == other  # on shift beats off shift
    assert comment.assignee is None  # out of the responder's hands
    assert comment.escalated_at is not None
    # The default escalation target: 4 h on the channel's 24/7 calendar.
    assert comment.escalation_due_at == comment.escalated_at + datetime.timedelta(
        hours=4
    )
    assert comment.first_response_due_at == new_comment_due(comment)
    notification = Notification.objects.get(kind="escalated")
    assert notification.recipient == other
    assert notification.sent_at is not None  # e-mailed after the commit
    [message] = mailoutbox
    assert message.to == ["counsel2@example.org"]
    # E-mails go out in the site's language.
    assert message.subject == (
        "Un commentaire sur Facebook @organisation vous est transmis"
    )


def new_comment_due(comment):
    return Comment.objects.get(pk=comment.pk).first_response_due_at


def test_without_counsel_on_shift_any_counsel_and_else_the_manager(channel, personas):
    comment = escalated(channel, personas)
    assert comment.escalated_to == personas["counsel"]
    personas["counsel"].is_active = False
    personas["counsel"].save()
    comment = escalated(channel, personas, external_id="e-2")
    assert comment.escalated_to == personas["manager"]


def test_other_escalations_go_to_the_manager_on_duty(channel, personas):
    duty = make_user("duty", [Role.MANAGER])
    on_shift(duty)
    comment = escalated(channel, personas, text=MANAGERIAL)
    assert comment.escalated_to == duty
    assert Notification.objects.get(kind="escalated").recipient == duty


def test_the_escalatee_or_a_manager_takes_it(channel, personas):
    comment = escalated(channel, personas)
    for other in ("responder", "approver"):
        with pytest.raises(PermissionDenied):
            comment_take(comment=comment, actor=personas[other])
    comment_take(comment=comment, actor=personas["counsel"])
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", personas["counsel"])
    event = Event.objects.filter(comment=comment).last()
    assert (event.action, event.actor, event.before, event.after) == (
        "taken", personas["counsel"], "escalated", "assigned",
    )  # fmt: skip
    with pytest.raises(Conflict):
        comment_take(comment=comment, actor=personas["manager"])
    other = escalated(channel, personas, external_id="e-2")
    comment_take(comment=other, actor=personas["manager"])
    other.refresh_from_db()
    assert (other.status, other.assignee) == ("assigned", personas["manager"])


def test_counsel_answers_an_escalation_under_the_same_approval_rules(channel, personas):
    comment = escalated(channel, personas)
    answer = answer_submit(
        comment=comment, actor=personas["counsel"], body="Écrivez à notre service."
    )
    comment.refresh_from_db()
    assert answer.status == "pending_approval"
    assert answer.needs_approval_because == "rule:defamation; no_grant"
    assert (comment.status, comment.assignee) == (
        "pending_approval", personas["counsel"],
    )  # fmt: skip
    assert [e.action for e in Event.objects.filter(comment=comment)][-3:] == [
        "escalated", "taken", "answer_submitted",
    ]  # fmt: skip


def test_only_the_escalatee_answers_an_escalated_comment(channel, personas):
    comment = escalated(channel, personas)
    with pytest.raises(Conflict, match="Claim the comment"):
        answer_submit(comment=comment, actor=personas["responder"], body="Merci.")
    assert Comment.objects.get(pk=comment.pk).status == "escalated"


def test_sending_back_needs_a_reason_and_keeps_the_response_clock(channel, personas):
    comment = escalated(channel, personas)
    due = comment.first_response_due_at
    with pytest.raises(PermissionDenied):
        comment_send_back(comment=comment, actor=personas["responder"], reason="À vous")
    with pytest.raises(ValidationError) as refused:
        comment_send_back(comment=comment, actor=personas["counsel"], reason="")
    assert "reason" in refused.value.message_dict
    assert Comment.objects.get(pk=comment.pk).status == "escalated"
    comment_send_back(
        comment=comment, actor=personas["counsel"], reason="Rien de juridique"
    )
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("new", None)
    assert comment.first_response_due_at == due
    event = Event.objects.filter(comment=comment, action="sent_back").get()
    assert (event.actor, event.reason) == (personas["counsel"], "Rien de juridique")


def test_a_manager_reassigns_an_escalation_and_the_new_escalatee_is_told(
    channel, personas
):
    other = make_user("counsel2", [Role.COUNSEL])
    comment = escalated(channel, personas)
    due = comment.escalation_due_at
    with pytest.raises(PermissionDenied):
        comment_reassign(comment=comment, actor=personas["counsel"], to=other)
    with pytest.raises(ValidationError):
        comment_reassign(
            comment=comment, actor=personas["manager"], to=personas["responder"]
        )
    comment_reassign(comment=comment, actor=personas["manager"], to=other)
    comment.refresh_from_db()
    assert (comment.status, comment.escalated_to) == ("escalated", other)
    assert comment.escalation_due_at == due  # reassigning buys no time
    assert set(
        Notification.objects.filter(kind="escalated").values_list(
            "recipient__username", flat=True
        )
    ) == {"counsel", "counsel2"}
    assert Event.objects.filter(comment=comment).last().action == (
        "escalation_reassigned"
    )
    # The first escalatee no longer acts on it; the new one does.
    with pytest.raises(PermissionDenied):
        comment_close(comment=comment, actor=personas["counsel"], reason="Rien")
    comment_close(comment=comment, actor=other, reason="Rien de juridique")
    assert Comment.objects.get(pk=comment.pk).status == "closed"


def test_an_escalated_comment_is_closed_by_its_escalatee_not_the_responder(
    channel, personas
):
    comment = escalated(channel, personas)
    with pytest.raises(PermissionDenied, match="only they or a manager"):
        comment_hide(comment=comment, actor=personas["responder"], reason="Spam")
    comment_hide(comment=comment, actor=personas["counsel"], reason="Diffamation")
    assert Comment.objects.get(pk=comment.pk).status == "hidden"


def test_bulk_actions_go_through_the_same_checks(channel, personas):
    held = new_comment(channel, external_id="b-1")
    comment_claim(comment=held, actor=personas["approver"])
    free = new_comment(channel, external_id="b-2")
    done, failed = comments_bulk(
        action="hide",
        comments=[held, free],
        actor=personas["responder"],
        reason="Spam",
    )
    assert done == [free]
    assert [(comment, "holds this comment" in why) for comment, why in failed] == [
        (held, True)
    ]
    assert Comment.objects.get(pk=held.pk).status == "assigned"


def test_the_loser_of_a_reassignment_race_cannot_answer(
    channel, delegated, personas, monkeypatch
):
    comment = new_comment(channel)
    comment_claim(comment=comment, actor=delegated)
    approval_reasons = answers.approval_reasons

    def reassigned_meanwhile(**kwargs):
        # A manager gives the comment to someone else after the responder's
        # check of the claim, before their answer is written.
        comment_reassign(
            comment=comment, actor=personas["manager"], to=personas["approver"]
        )
        return approval_reasons(**kwargs)

    monkeypatch.setattr(answers, "approval_reasons", reassigned_meanwhile)
    with pytest.raises(Conflict, match="Claim the comment"):
        answer_submit(comment=comment, actor=delegated, body="Bonjour")
    comment.refresh_from_db()
    assert (comment.status, comment.assignee) == ("assigned", personas["approver"])
    assert not Answer.objects.exists()
    assert not OutboxMessage.objects.exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_transition_records_the_status_it_really_left(channel, personas):
    comment = new_comment(channel)
    holding, release = threading.Event(), threading.Event()
    errors = []

    def reassign_slowly():
        # Another request holds the row, mid-transaction, having assigned it.
        try:
            with transaction.atomic():
                Comment.objects.filter(pk=comment.pk).update(
                    status="assigned", assignee=personas["responder"]
                )
                holding.set()
                release.wait(timeout=30)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def close():
        try:
            comment_close(
                comment=comment, actor=personas["manager"], reason="Rien à faire"
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=reassign_slowly)
    first.start()
    assert holding.wait(timeout=30)
    second = threading.Thread(target=close)
    second.start()
    wait_for(lambda: lock_waiters() > 0)
    release.set()
    first.join()
    second.join()
    assert errors == []
    closed = Event.objects.get(comment=comment, action="closed")
    assert (closed.before, closed.after) == ("assigned", "closed")


def lock_waiters():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_every_audit_action_written_anywhere_has_a_translated_label():
    import re
    from pathlib import Path

    from django.utils import translation

    written = set()
    for app in ("moderation", "policies", "staffing", "governance"):
        for path in Path(app).rglob("*.py"):
            written |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))
        # management commands' arguments
        written -= {"store_true", "store_false", "append"}
    assert written <= set(Event.Action.values)
    with translation.override("en"):
        english = {value: str(label) for value, label in Event.Action.choices}
    with translation.override("fr"):
        french = {value: str(label) for value, label in Event.Action.choices}
        assert Event(action="sla_breached").action_label == french["sla_breached"]
    assert [value for value in english if french[value] == english[value]] == []
    assert Event(action="some_future_action").action_label == "some_future_action"


@pytest.mark.parametrize("leaves", ["taken by a manager", "sent back"])
def test_counsel_no_longer_sees_an_escalation_once_it_left_them(
    channel, personas, leaves
):
    from moderation.selectors import comments_visible_to

    counsel = personas["counsel"]
    comment = escalated(channel, personas)
    assert list(comments_visible_to(counsel)) == [comment]
    if leaves == "sent back":
        comment_send_back(
            comment=comment, actor=personas["manager"], reason="Rien de juridique"
        )
    else:
        comment_take(comment=comment, actor=personas["manager"])
    assert list(comments_visible_to(counsel)) == []


def test_a_transition_of_a_comment_deleted_meanwhile_is_a_conflict(channel, personas):
    comment = new_comment(channel)
    Comment.objects.filter(pk=comment.pk).update(status="new")
    gone = Comment(pk=comment.pk + 1000)
    with pytest.raises(Conflict, match="no longer exists"):
        transition(
            gone,
            actor=personas["manager"],
            action="closed",
            allowed_from=("new",),
            to="closed",
            now=timezone.now(),
        )
