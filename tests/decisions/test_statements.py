"""Statements of reasons: one per restriction, public, masked, in the
author's language, sent to the author where the platform can."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from decisions.models import Delivery, Statement
from decisions.references import link_secret
from moderation import registry
from moderation.models import OutboxMessage
from moderation.services.outbox import outbox_send
from moderation.services.triage import comment_hide
from tests.decisions.conftest import ENGLISH, hidden, ingest

pytestmark = pytest.mark.django_db


def test_hiding_a_comment_writes_its_statement_in_the_same_transaction(
    channel, personas
):
    comment = hidden(channel, personas["responder"])
    statement = Statement.objects.get(comment=comment)
    assert statement.kind == "hidden"
    assert statement.reference.startswith("D-")
    assert statement.decided_by == personas["responder"]
    assert statement.language == "fr"
    assert statement.rule == "offensive-content"
    assert statement.rule_name_fr == "Contenu offensant"
    assert statement.grounds_fr  # the rule's legal references
    assert statement.detected_automatically
    assert not statement.decided_automatically
    # The excerpt is masked: no e-mail address in the statement.
    assert "jean@example.org" not in statement.facts
    # Outbox only: the reference is given with the answer or on request.
    assert statement.delivery == Delivery.ON_REQUEST


def test_a_refused_hide_writes_no_statement(channel, personas):
    comment = ingest(channel)
    with pytest.raises(ValidationError):
        comment_hide(comment=comment, actor=personas["responder"], reason=" ")
    with pytest.raises(PermissionDenied):
        comment_hide(comment=comment, actor=personas["outsider"], reason="x")
    assert not Statement.objects.exists()


def test_the_public_page_is_in_the_authors_language_without_personal_data(
    channel, personas, client
):
    comment = hidden(channel, personas["responder"])
    statement = comment.statements.get()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("decisions:statement", args=[statement.reference]))
    assert page.status_code == 200
    assert page["Content-Language"] == "fr"
    html = page.content.decode()
    assert "Exposé des motifs" in html
    assert "Contenu offensant" in html
    assert "jean.tremblay" not in html
    assert "jean@example.org" not in html
    # Hostile text is escaped.
    assert "<script>alert(1)</script>" not in html
    # Without the link's secret, no appeal form.
    assert 'name="reasons"' not in html


def test_an_english_authors_statement_is_in_english(channel, personas, client):
    comment = hidden(channel, personas["responder"], text=ENGLISH, external_id="c-2")
    statement = comment.statements.get()
    assert statement.language == "en"
    url = reverse("decisions:statement", args=[statement.reference])
    page = client.get(f"{url}?key={link_secret(statement.reference)}")
    html = page.content.decode()
    assert "Statement of reasons" in html
    assert "Offensive content" in html
    assert 'name="reasons"' in html


def test_an_unknown_reference_is_a_404(client, db):
    assert client.get("/decisions/D-NOPE-NOPE/").status_code == 404


def test_where_the_platform_can_the_statement_is_sent_privately_signed(
    webhook_channel, personas, receiver
):
    comment = hidden(webhook_channel, personas["responder"])
    statement = comment.statements.get()
    assert statement.delivery == Delivery.PRIVATE_MESSAGE
    for message in OutboxMessage.objects.order_by("pk"):
        assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    sent = [json.loads(body) for _headers, body in receiver.received]
    notice = next(body for body in sent if body["kind"] == registry.STATEMENT_KIND)
    assert notice["author"] == "jean.tremblay"
    assert notice["reference"] == statement.reference
    assert link_secret(statement.reference) in notice["text"]
    assert "Votre commentaire" in notice["text"]
    # The hide went to the platform too.
    assert any(body["kind"] == registry.HIDE_KIND for body in sent)


def test_acting_on_an_author_writes_a_statement(channel, personas, fake_platform):
    from moderation.services.authors import author_act

    class Muting(registry.Connector):
        name = "muting-test"
        abilities = frozenset({registry.Ability.ACT_ON_AUTHOR})
        author_actions = frozenset({registry.AuthorAction.MUTE})

        def act_on_author(self, channel, comment, action, *, reason):
            return None

    registry.register(Muting)
    try:
        channel.connector = "muting-test"
        channel.save()
        comment = ingest(channel)
        author_act(
            comment=comment, actor=personas["manager"], action="mute", reason="Spam"
        )
    finally:
        registry.unregister("muting-test")
    statement = Statement.objects.get(comment=comment)
    assert statement.kind == "author_muted"
    assert statement.decided_by == personas["manager"]
