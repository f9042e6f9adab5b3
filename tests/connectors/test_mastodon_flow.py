"""The issue's flow without a browser, for Mastodon against mastodon-mock: a
mention reaches the inbox through the poller (matched, the phone number
masked on the page, the organisation's post as context), a delegated
responder answers on the comment's page (approved, as the phone number's rule
wants), and the reply is read back on the instance under the mention, no
more visible than it."""

import pytest
from django.conf import settings
from django.urls import reverse

from connectors.polling import poll_once
from moderation.models import Answer, Comment, Event, OutboxMessage
from staffing.models import TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = "514-555-0199"


@pytest.fixture
def delegated(personas, mastodon_channel):
    """The responder, accredited and delegated to answer on the channel
    without approval, whatever the severity."""
    program = TrainingProgram.objects.create(
        slug="response", name_fr="Réponse", name_en="Response", validity_months=12
    )
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program
    )
    grant_create(
        actor=personas["manager"],
        responder=personas["responder"],
        required_program=program,
        max_severity="critical",
        channels=[mastodon_channel.slug],
    )
    return personas["responder"]


def test_a_mention_is_answered_from_the_inbox_and_read_back_on_the_instance(
    client, mastodon_channel, mastodon, delegated, personas
):
    # The first poll notes where the instance is; nothing older comes in.
    assert poll_once(mastodon_channel, force=True).stored == 0

    alice, bob = mastodon.client("alice"), mastodon.client("bob")
    post = alice.status_post("Nos horaires changent lundi.", language="fr")
    mention = bob.status_post(
        f"@alice bande d'idiots ! Appelez-moi au {PHONE}",
        in_reply_to_id=post.id,
        visibility="unlisted",
        language="fr",
    )

    outcome = poll_once(mastodon_channel, force=True)
    assert (outcome.read, outcome.stored, outcome.error) == (1, 1, "")
    comment = Comment.objects.select_related("post").get(
        channel=mastodon_channel, external_id=str(mention.id)
    )
    assert comment.author == "bob"
    assert comment.author_name == "Bob"
    assert comment.language == "fr"
    found = {(m.rule, m.excerpt) for m in comment.matches.all()}
    assert "phone" in {m.pattern for m in comment.matches.all()}
    # Aimed at people: the insult grammar explains "bande d'idiots" as a whole.
    assert ("offensive-content", "bande d'idiots") in found
    assert comment.post.external_id == str(post.id)
    assert comment.post.text == "Nos horaires changent lundi."
    assert comment.platform_data["visibility"] == "unlisted"
    # Polling again brings nothing twice.
    assert poll_once(mastodon_channel, force=True).stored == 0
    assert Comment.objects.filter(channel=mastodon_channel).count() == 1
    assert Event.objects.filter(comment=comment, action="ingested").count() == 1

    client.force_login(delegated)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert PHONE not in page  # masked until the comment is theirs
    assert "Nos horaires changent lundi." in page
    assert "In answer to the organisation's post" in page

    client.post(reverse("moderation:comment-claim", args=[comment.pk]))
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert PHONE in page
    answered = client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Bonjour, écrivez-nous en message privé, nous regardons."},
    )
    assert answered.status_code == 302
    answer = Answer.objects.get(comment=comment)
    # Delegated, but the phone number is a rule whose answers need approval.
    assert answer.status == Answer.Status.PENDING_APPROVAL
    assert answer.needs_approval_because == "rule:employee-information"
    assert not OutboxMessage.objects.filter(answer=answer).exists()
    client.force_login(personas["approver"])
    client.post(reverse("moderation:answer-approve", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PUBLISHED
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.SENT, message.last_error

    # As bob, on the instance: the answer is under his mention.
    [reply] = bob.status_context(mention.id).descendants
    assert str(reply.id) == message.platform_id
    assert str(reply.in_reply_to_id) == str(mention.id)
    assert reply.account.acct == "alice"
    assert reply.visibility == "unlisted"
    assert reply.language == "fr"
    assert "@bob" in reply.content
    assert "écrivez-nous" in reply.content
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert message.platform_url in page

    # The organisation's own reply is not a comment to moderate.
    assert poll_once(mastodon_channel, force=True).stored == 0


def test_a_delegated_answer_to_a_direct_mention_goes_out_at_once_and_direct(
    client, mastodon_channel, mastodon, delegated
):
    poll_once(mastodon_channel, force=True)
    bob = mastodon.client("bob")
    mention = bob.status_post("@alice espèce d'idiot", visibility="direct")
    assert poll_once(mastodon_channel, force=True).stored == 1
    comment = Comment.objects.get(external_id=str(mention.id))
    assert comment.post is None
    client.force_login(delegated)
    client.post(reverse("moderation:comment-claim", args=[comment.pk]))
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Restons courtois, s'il vous plaît."},
    )
    answer = Answer.objects.get(comment=comment)
    assert answer.status == Answer.Status.PUBLISHED, answer.needs_approval_because
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    [reply] = bob.status_context(mention.id).descendants
    assert reply.visibility == "direct"
