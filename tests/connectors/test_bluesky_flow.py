"""From a reply on the local AT Protocol network to the inbox and back.

The poller (``connectors.polling.poll_once``) reads the reply; it arrives
matched, with its due time and routed to the responder on shift, with the
organisation's post as context. The answer published through the product's
answer service goes through the outbox to the connector and lands under the
reply, as the user reads it; a hide lands in the post's threadgate; a revoked
app password shows on the channel's state.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from connectors.polling import poll_once
from moderation.models import Answer, ChannelState, Comment, Event, OutboxMessage
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.triage import comment_claim, comment_hide
from staffing.models import Shift
from tests.connectors.test_bluesky import _threadgate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHONE = "514-555-0199"
INSULT = f"Vous êtes des idiots, appelez-moi au {PHONE}"


def on_shift(person):
    now = timezone.now()
    Shift.objects.create(
        responder=person,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=8),
    )


@pytest.fixture
def channel(bluesky_channel):
    return bluesky_channel


@pytest.fixture
def org(bluesky_org):
    return bluesky_org


@pytest.fixture
def user(bluesky_user):
    return bluesky_user


def test_a_reply_reaches_the_inbox_and_the_answer_goes_back_under_it(
    channel, org, user, atproto, personas, django_capture_on_commit_callbacks
):
    responder, approver = personas["responder"], personas["approver"]
    on_shift(responder)
    post = org.post("Nos nouveaux horaires d'ouverture")
    reply = user.reply(post, INSULT, langs=["fr"])
    other = user.reply(post, "Une autre réponse, à cacher", langs=["fr"])

    with django_capture_on_commit_callbacks(execute=True):
        outcome = poll_once(channel, force=True)
    assert (outcome.error, outcome.read, outcome.stored) == ("", 2, 2)
    comment = Comment.objects.get(channel=channel, external_id=reply.uri)
    assert comment.text == INSULT
    assert comment.language == "fr"
    # Matched: the insult and the phone number (shown masked in lists).
    patterns = {m.pattern for m in comment.matches.all()}
    assert "phone" in patterns and len(patterns) >= 2, patterns
    assert comment.severity
    assert comment.first_response_due_at > comment.posted_at
    assert comment.assignee == responder  # routed
    assert comment.post.text == "Nos nouveaux horaires d'ouverture"
    assert comment.post.external_id == post.uri
    assert comment.author_name == "Ann <b>Onyme</b>"
    state = ChannelState.objects.get(pk=channel.pk)
    assert state.last_success_at is not None and state.last_error == ""

    # Polled again: nothing stored twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = poll_once(channel, force=True)
    assert (again.read, again.stored) == (0, 0)
    assert Comment.objects.filter(channel=channel).count() == 2
    assert Event.objects.filter(comment=comment, action="ingested").count() == 1

    # The answer, published through the product, lands under the reply.
    body = "Merci de votre message ; nous vous répondons en privé."
    with django_capture_on_commit_callbacks(execute=True):
        comment_claim(comment=comment, actor=responder)
        answer = answer_submit(comment=comment, actor=responder, body=body)
        # An answer to an insult waits for an approver.
        assert answer.status == Answer.Status.PENDING_APPROVAL
        answer_approve(answer=answer, actor=approver)
    message = OutboxMessage.objects.get(comment=comment, kind="answer.published")
    assert message.status == "sent", message.last_error
    assert message.platform_id.startswith(f"at://{org.did}/app.bsky.feed.post/")
    assert message.platform_url.startswith(f"https://bsky.app/profile/{org.handle}/")
    atproto.process_all()
    thread = user.client.get_post_thread(reply.uri, depth=2).thread
    [answered] = thread.replies
    assert answered.post.uri == message.platform_id
    assert answered.post.record.text == body
    assert answered.post.record.reply.root.uri == post.uri

    # A manager hides the other reply: the post's threadgate lists it.
    hidden = Comment.objects.get(channel=channel, external_id=other.uri)
    with django_capture_on_commit_callbacks(execute=True):
        comment_hide(comment=hidden, actor=personas["manager"], reason="Hors sujet")
    sent = OutboxMessage.objects.get(comment=hidden, kind="comment.hide")
    assert sent.status == "sent", sent.last_error
    assert _threadgate(user, org, post).hidden_replies == [other.uri]


def test_a_revoked_app_password_shows_on_the_channel(channel, org, atproto):
    with time_machine.travel(timezone.now()):
        assert poll_once(channel, force=True).error == ""
    org.revoke_app_password()
    # Once the saved access token has expired, the session cannot be renewed.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        outcome = poll_once(channel, force=True)
    assert outcome.error == "The platform refused the channel's credentials."
    state = ChannelState.objects.get(pk=channel.pk)
    # The channel records it as the managers are told: connect it again.
    assert state.last_error == (
        "The platform refused the channel's credentials: connect it again."
    )
    assert state.failures == 1
    assert state.poll_due_at >= timezone.now() + datetime.timedelta(hours=3)
