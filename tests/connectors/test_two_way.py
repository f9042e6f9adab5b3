"""Two-way: what is done in the inbox is done on the platform, through the
outbox (retries, leases, a visible failed state), and said plainly where the
platform cannot do it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from core import retry
from moderation import registry
from moderation.models import ChannelState, Comment, Event, OutboxMessage
from moderation.registry import Ability, Delivered
from moderation.services.outbox import outbox_send
from moderation.services.transitions import Conflict
from moderation.services.triage import comment_claim, comment_hide, comment_unhide
from tests.moderation.test_outbox import published_answer
from tests.moderation.test_pages import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service and run what waits for its commit (the outbox's first
    attempt), as a request's end would."""

    def call(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return call


class Calls(list):
    failures = 0


@pytest.fixture
def calls():
    return Calls()


@pytest.fixture
def two_way(channel, calls):
    @registry.register
    class TwoWay(registry.Connector):
        name = "two-way-test"
        label = "Two-way"
        abilities = frozenset({Ability.REPLY, Ability.HIDE})

        def reply(self, channel, comment, body):
            calls.append(("reply", comment.external_id, body))
            if calls.failures:
                calls.failures -= 1
                raise registry.DeliveryFailed("HTTP 503 from 10.0.0.7")
            return Delivered(
                external_id="at://did:plc:org/app.bsky.feed.post/3k",
                url="https://bsky.app/profile/org/post/3k",
            )

        def hide(self, channel, comment, *, hidden):
            calls.append(("hide" if hidden else "unhide", comment.external_id))

    channel.connector = "two-way-test"
    channel.save()
    yield channel
    registry.unregister("two-way-test")


@pytest.fixture
def one_way(channel):
    @registry.register
    class OneWay(registry.Connector):
        name = "one-way-test"
        label = "One-way"
        abilities = frozenset({Ability.REPLY})
        hide_note = "This platform cannot hide replies."

        def reply(self, channel, comment, body):
            return None

    channel.connector = "one-way-test"
    channel.save()
    yield channel
    registry.unregister("one-way-test")


def claimed(channel, personas, external_id="c-9"):
    from moderation.services.ingest import comment_ingest

    comment, _ = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="troll",
        text="Vous êtes des escrocs",
        posted_at=datetime.datetime(2026, 12, 5, 23, 0, tzinfo=datetime.UTC),
    )
    return comment_claim(comment=comment, actor=personas["responder"])


def test_a_published_answer_goes_to_the_platform_and_its_address_is_kept(
    two_way, personas, committed, calls
):
    answer = committed(published_answer, two_way, personas)

    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.SENT
    assert message.comment == answer.comment
    assert calls == [("reply", "c-1", "Merci, écrivez-nous.")]
    assert message.platform_id == "at://did:plc:org/app.bsky.feed.post/3k"
    assert message.platform_url == "https://bsky.app/profile/org/post/3k"
    state = ChannelState.objects.get(pk=two_way.pk)
    assert state.last_delivery_at is not None
    assert state.last_delivery_at <= message.sent_at


def test_a_failed_reply_is_retried_and_the_channel_shows_the_error(
    two_way, personas, committed, calls
):
    calls.failures = 1
    answer = committed(published_answer, two_way, personas)
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == "The receiver could not be reached."
    state = ChannelState.objects.get(pk=two_way.pk)
    assert state.last_error == "The receiver could not be reached."
    assert "10.0.0.7" not in state.last_error

    later = message.next_attempt_at + datetime.timedelta(seconds=1)
    assert outbox_send(message_id=message.pk, now=later) == OutboxMessage.Status.SENT
    message.refresh_from_db()
    assert message.platform_url == "https://bsky.app/profile/org/post/3k"
    assert ChannelState.objects.get(pk=two_way.pk).last_delivery_at == later


def test_a_reply_that_keeps_failing_gives_up_visibly(
    two_way, personas, committed, calls
):
    calls.failures = retry.MAX_ATTEMPTS
    answer = committed(published_answer, two_way, personas)
    message = OutboxMessage.objects.get(answer=answer)
    for _ in range(retry.MAX_ATTEMPTS - 1):
        outbox_send(message_id=message.pk, now=message.next_attempt_at)
        message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.platform_id == ""


def test_a_platform_address_that_is_not_http_is_not_kept(
    two_way, personas, committed, calls
):
    registry.get("two-way-test")  # registered
    cls = type(registry.get("two-way-test"))
    original = cls.reply
    cls.reply = lambda self, channel, comment, body: Delivered(
        external_id="x", url="javascript:alert(1)"
    )
    try:
        answer = committed(published_answer, two_way, personas)
    finally:
        cls.reply = original
    message = OutboxMessage.objects.get(answer=answer)
    assert (message.platform_id, message.platform_url) == ("x", "")


def test_hiding_here_hides_on_the_platform(two_way, personas, committed, calls):
    comment = claimed(two_way, personas)

    committed(
        comment_hide, comment=comment, actor=personas["responder"], reason="insult"
    )

    message = OutboxMessage.objects.get(comment=comment, kind=registry.HIDE_KIND)
    assert message.status == OutboxMessage.Status.SENT
    assert calls == [("hide", "c-9")]
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN


def test_a_manager_shows_a_hidden_comment_again_here_and_there(
    two_way, personas, committed, calls
):
    comment = claimed(two_way, personas)
    committed(
        comment_hide, comment=comment, actor=personas["responder"], reason="insult"
    )

    comment = committed(
        comment_unhide,
        comment=comment,
        actor=personas["manager"],
        reason="Appeal upheld",
    )

    assert comment.status == Comment.Status.ASSIGNED
    assert calls == [("hide", "c-9"), ("unhide", "c-9")]
    event = Event.objects.get(comment=comment, action="unhidden")
    assert (event.before, event.after, event.reason) == (
        "hidden",
        "assigned",
        "Appeal upheld",
    )


def test_only_managers_show_hidden_comments_and_only_hidden_ones(
    two_way, personas, committed
):
    comment = claimed(two_way, personas)
    with pytest.raises(Conflict):
        comment_unhide(comment=comment, actor=personas["manager"], reason="why")
    committed(
        comment_hide, comment=comment, actor=personas["responder"], reason="insult"
    )
    with pytest.raises(PermissionDenied):
        comment_unhide(comment=comment, actor=personas["responder"], reason="why")
    assert not OutboxMessage.objects.filter(kind=registry.UNHIDE_KIND).exists()


def test_where_the_platform_cannot_hide_nothing_is_sent(one_way, personas, committed):
    comment = claimed(one_way, personas)

    committed(
        comment_hide, comment=comment, actor=personas["responder"], reason="insult"
    )

    assert not OutboxMessage.objects.filter(comment=comment).exists()
    assert registry.get("one-way-test").hide_note


def test_a_failed_hide_rolls_nothing_back_here_and_is_retried(
    two_way, personas, committed, calls
):
    cls = type(registry.get("two-way-test"))
    original = cls.hide

    def down(self, channel, comment, *, hidden):
        raise registry.ConnectorError("connection refused")

    cls.hide = down
    try:
        comment = claimed(two_way, personas)
        committed(
            comment_hide, comment=comment, actor=personas["responder"], reason="insult"
        )
    finally:
        cls.hide = original
    message = OutboxMessage.objects.get(comment=comment, kind=registry.HIDE_KIND)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN

    outbox_send(message_id=message.pk, now=message.next_attempt_at)
    assert calls == [("hide", "c-9")]


def test_the_page_says_where_the_comment_was_hidden(
    client, two_way, personas, committed
):
    comment = claimed(two_way, personas)
    client.force_login(personas["responder"])

    with in_english(client):
        response = client.post(
            f"/inbox/{comment.pk}/hide/", {"reason": "Insult"}, follow=True
        )

    assert [str(m) for m in response.context["messages"]] == [
        "Hidden here; the platform is being asked to hide it too."
    ]


def test_the_page_says_plainly_when_it_is_hidden_here_only(client, one_way, personas):
    comment = claimed(one_way, personas)
    client.force_login(personas["responder"])

    with in_english(client):
        response = client.post(
            f"/inbox/{comment.pk}/hide/", {"reason": "Insult"}, follow=True
        )

    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Hidden here only: it is still visible on the platform.")
    assert message.endswith("This platform cannot hide replies.")


def test_a_manager_shows_it_again_from_the_page(client, two_way, personas, calls):
    comment = claimed(two_way, personas)
    comment_hide(comment=comment, actor=personas["responder"], reason="insult")
    client.force_login(personas["manager"])

    page = client.get(f"/inbox/{comment.pk}/")
    assert b"unhide-reason" in page.content
    with in_english(client):
        response = client.post(
            f"/inbox/{comment.pk}/unhide/", {"reason": "Mistake"}, follow=True
        )

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.ASSIGNED
    assert [str(m) for m in response.context["messages"]] == ["Shown again."]
