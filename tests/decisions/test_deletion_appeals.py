"""An appeal of a deletion: reversed, the comment is restored here only (no
platform puts a deleted comment back), its history says so, the decision's
page and the author's message say so in the author's language, and nothing
is sent to the platform but the message; upheld, nothing changes."""

import datetime
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from decisions.models import Appeal
from decisions.references import link_secret
from decisions.services.appeals import appeal_decide, appeal_lodge
from decisions.services.privacy import author_anonymise
from moderation import registry
from moderation.models import Comment, Event, OutboxMessage
from moderation.services.deletion import comment_delete
from moderation.services.outbox import outbox_retry, outbox_send
from tests.decisions.conftest import ENGLISH, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GONE_EN = "The comment was deleted on the platform and cannot be put back there"
GONE_FR = (
    "Le commentaire a été supprimé sur la plateforme et ne peut pas y être rétabli"
)
REPOST_EN = "Its text is still kept here: you may ask us for it and post it again."
REPOST_FR = "Son texte est encore conservé ici\u00a0: vous pouvez nous le demander"


@pytest.fixture
def facebook(channel):
    channel.connector = "facebook"
    channel.save()
    return channel


def deleted(channel, manager, *, sent=True, **kw):
    """Ingest a comment and have ``manager`` delete it; return it. With
    ``sent``, the platform confirms the deletion (Facebook's answer stood in
    for: the Graph API's own tests are in tests/connectors/meta)."""
    comment = ingest(channel, **kw)
    comment = comment_delete(comment=comment, actor=manager, reason="Insultes")
    if sent:
        message = OutboxMessage.objects.get(comment=comment, kind="comment.delete")
        status = outbox_send(message_id=message.pk, post=lambda message, now: None)
        assert status == OutboxMessage.Status.SENT
        comment.refresh_from_db()
    return comment


def decide(comment, approver, outcome, reasons="Ironie, pas une insulte."):
    statement = comment.statements.get(kind="deleted")
    appeal = appeal_lodge(
        statement=statement,
        secret=link_secret(statement.reference),
        reasons="C'était de l'ironie.",
    )
    appeal_decide(appeal=appeal, actor=approver, outcome=outcome, reasons=reasons)
    statement.refresh_from_db()
    return statement


def page(client, statement):
    url = reverse("decisions:statement", args=[statement.reference])
    return client.get(url, {"key": link_secret(statement.reference)}).content.decode()


def test_a_reversed_deletion_restores_the_comment_here_and_says_so_in_french(
    facebook, personas, deleting_rule, client
):
    comment = deleted(facebook, personas["manager"])
    assert comment.language == "fr"
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    statement = decide(comment, personas["approver"], "reversed")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.CLOSED
    assert statement.reversed_at is not None
    [event] = Event.objects.filter(comment=comment, action="restored")
    assert (event.actor, event.before, event.after) == (
        personas["approver"],
        "deleted",
        "closed",
    )
    assert statement.reference in event.reason
    assert "Ironie, pas une insulte." in event.reason
    # Nothing for the platform: no undelete, no call bound to fail (and
    # Facebook cannot message the author: the page tells the outcome).
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == before

    html = page(client, statement)
    assert "Cette décision a été infirmée en appel" in html
    assert GONE_FR in html
    assert REPOST_FR in html
    assert "Ironie, pas une insulte." in html
    # The public page stays without personal data.
    assert "jean@example.org" not in html
    assert "jean.tremblay" not in html

    # The comment's history, for staff, in French as pages are.
    client.force_login(personas["manager"])
    staff = client.get(reverse("moderation:comment", args=[comment.pk]))
    history = staff.content.decode()
    assert "rétabli ici en appel ; la copie de la plateforme" in history


def test_the_page_says_it_in_english_for_an_english_comment(
    facebook, personas, deleting_rule, client
):
    comment = deleted(facebook, personas["manager"], text=ENGLISH, language="en")
    statement = decide(comment, personas["approver"], "reversed", reasons="Irony.")
    html = page(client, statement)
    assert "This decision was reversed on appeal" in html
    assert GONE_EN in html
    assert REPOST_EN in html


def test_once_the_text_is_erased_the_author_is_not_offered_to_repost_it(
    facebook, personas, deleting_rule, client
):
    comment = deleted(facebook, personas["manager"])
    statement = decide(comment, personas["approver"], "reversed")
    author_anonymise(actor=personas["privacy_officer"], author=comment.author)
    html = page(client, statement)
    assert GONE_FR in html
    assert REPOST_FR not in html


def test_the_author_is_told_through_the_platform_and_nothing_else_is_sent(
    deleting_channel, personas, deleting_rule, receiver
):
    comment = deleted(deleting_channel, personas["manager"], sent=False)
    for message in OutboxMessage.objects.order_by("pk"):
        assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    comment.refresh_from_db()
    assert comment.removed_on_platform_at is not None  # gone there
    before = set(OutboxMessage.objects.values_list("pk", flat=True))

    decide(comment, personas["approver"], "reversed")

    [told] = OutboxMessage.objects.exclude(pk__in=before)
    assert told.kind == registry.STATEMENT_KIND
    assert told.payload["outcome"] == "reversed"
    assert outbox_send(message_id=told.pk) == OutboxMessage.Status.SENT
    bodies = [json.loads(body) for _headers, body in receiver.received]
    assert [b["kind"] for b in bodies] == [
        registry.DELETE_KIND,
        registry.STATEMENT_KIND,  # the statement of the deletion
        registry.STATEMENT_KIND,  # the outcome of the appeal
    ]
    text = bodies[-1]["text"]
    assert "Votre appel de la décision" in text
    assert GONE_FR in text
    assert REPOST_FR in text
    assert "Ironie, pas une insulte." in text
    assert "key=" not in text
    comment.refresh_from_db()
    assert comment.status == Comment.Status.CLOSED
    assert comment.removed_on_platform_at is not None


def test_an_upheld_deletion_stays_deleted(
    deleting_channel, personas, deleting_rule, client
):
    comment = deleted(deleting_channel, personas["manager"])
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    statement = decide(comment, personas["approver"], "upheld", reasons="Insulte.")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert statement.reversed_at is None
    assert not Event.objects.filter(comment=comment, action="restored").exists()
    [told] = OutboxMessage.objects.exclude(pk__in=before)
    assert (told.kind, told.payload["outcome"]) == (registry.STATEMENT_KIND, "upheld")
    assert "la décision est maintenue" in told.payload["text"]
    assert GONE_FR not in told.payload["text"]
    assert Appeal.objects.get().status == Appeal.Status.UPHELD
    html = page(client, statement)
    assert GONE_FR not in html
    assert "Insulte." in html


def test_a_deletion_not_delivered_yet_is_stopped_and_never_retried(
    facebook, personas, deleting_rule, client
):
    comment = deleted(facebook, personas["manager"], sent=False)
    delete = OutboxMessage.objects.get(comment=comment, kind="comment.delete")

    def down(message, now):
        raise registry.ConnectorError("Graph API down")

    # The platform did not answer: the deletion waits for its next attempt.
    assert outbox_send(message_id=delete.pk, post=down) == "pending"

    statement = decide(comment, personas["approver"], "reversed")

    delete.refresh_from_db()
    assert delete.status == OutboxMessage.Status.FAILED
    assert delete.error_message() == "Not sent: the deletion was reversed on appeal."
    later = timezone.now() + datetime.timedelta(days=1)
    assert outbox_send(message_id=delete.pk, now=later) is None  # not sent
    assert not outbox_retry(message=delete, actor=personas["approver"])
    delete.refresh_from_db()
    assert delete.status == OutboxMessage.Status.FAILED
    comment.refresh_from_db()
    assert comment.status == Comment.Status.CLOSED
    assert comment.removed_on_platform_at is None
    html = page(client, statement)
    assert "La suppression n’avait pas encore atteint la plateforme" in html
    assert GONE_FR not in html


def test_the_reviewer_is_told_what_a_reversal_cannot_undo(
    facebook, personas, deleting_rule, client
):
    comment = deleted(facebook, personas["manager"])
    statement = comment.statements.get(kind="deleted")
    appeal = appeal_lodge(
        statement=statement, secret=link_secret(statement.reference), reasons="x"
    )
    client.force_login(personas["approver"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("decisions:appeal", args=[appeal.pk])).content.decode()
    assert "restores the comment here only" in html
