"""The poller: a channel's platform read on a schedule, once at a time, with
the cursor moved only with what it read, and errors backed off."""

import datetime
import logging

import pytest
from django.utils import timezone

from connectors import polling
from connectors.tasks import poll_channel
from moderation import registry
from moderation.models import Channel, ChannelState, Comment, Event, Post
from moderation.registry import Ability, Batch, Item, RateLimit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

T0 = datetime.datetime(2026, 12, 5, 23, 0, tzinfo=datetime.UTC)


class Platform:
    """What a scripted platform answers, poll after poll: each entry is a
    Batch to return or an exception to raise. Records the cursors asked."""

    def __init__(self):
        self.answers = []
        self.cursors = []


@pytest.fixture
def platform():
    script = Platform()

    @registry.register
    class Scripted(registry.Connector):
        name = "scripted-test"
        label = "Scripted"
        abilities = frozenset({Ability.RECEIVE_POLL})

        def poll(self, channel, cursor):
            script.cursors.append(cursor)
            answer = script.answers.pop(0) if script.answers else Batch([], cursor)
            if isinstance(answer, Exception):
                raise answer
            return answer

    yield script
    registry.unregister("scripted-test")


@pytest.fixture
def polled(channel, platform):
    channel.connector = "scripted-test"
    channel.poll_interval = 30
    channel.save()
    return channel


def item(n, **extra):
    return Item(
        external_id=f"reply-{n}",
        author=f"user{n}",
        text=f"Reply number {n}",
        posted_at=T0 - datetime.timedelta(minutes=10 - n),
        **extra,
    )


def test_a_poll_stores_what_it_read_and_moves_the_cursor_with_it(polled, platform):
    platform.answers = [Batch([item(1), item(2)], cursor="c2")]

    outcome = polling.poll_once(polled, now=T0)

    assert (outcome.read, outcome.stored, outcome.error) == (2, 2, "")
    assert platform.cursors == [""]
    state = ChannelState.objects.get(pk=polled.pk)
    assert state.cursor == "c2"
    assert state.last_success_at == T0
    assert state.poll_due_at == T0 + datetime.timedelta(seconds=30)
    assert state.lease_until is None
    assert state.failures == 0
    assert state.newest_item_at == item(2).posted_at
    assert set(Comment.objects.values_list("external_id", flat=True)) == {
        "reply-1",
        "reply-2",
    }


def test_the_next_poll_starts_from_the_saved_cursor_and_waits_its_turn(
    polled, platform
):
    platform.answers = [Batch([item(1)], cursor="c1"), Batch([item(2)], cursor="c2")]
    polling.poll_once(polled, now=T0)

    assert polling.poll_once(polled, now=T0 + datetime.timedelta(seconds=10)).skipped
    outcome = polling.poll_once(polled, now=T0 + datetime.timedelta(seconds=30))

    assert outcome.stored == 1
    assert platform.cursors == ["", "c1"]


def test_a_platform_that_sends_an_item_again_gets_it_stored_once(polled, platform):
    platform.answers = [
        Batch([item(1), item(2)], cursor="c2"),
        Batch([item(2), item(3)], cursor="c3"),
    ]
    polling.poll_once(polled, now=T0)

    outcome = polling.poll_once(polled, now=T0, force=True)

    assert (outcome.read, outcome.stored) == (2, 1)
    assert Comment.objects.filter(channel=polled).count() == 3
    assert Event.objects.filter(action="ingested").count() == 3


def test_a_channel_held_by_another_poll_is_left_alone(polled, platform):
    platform.answers = [Batch([item(1)], cursor="c1")]
    ChannelState.objects.create(
        channel=polled, lease_until=T0 + datetime.timedelta(minutes=1)
    )

    assert polling.poll_once(polled, now=T0, force=True).skipped
    assert platform.cursors == []
    # Once the lease has run out (a worker killed mid-poll), it is polled.
    assert polling.poll_once(polled, now=T0 + datetime.timedelta(minutes=2)).stored


def test_a_poll_that_dies_before_its_commit_leaves_the_cursor_and_stores_nothing(
    polled, platform, monkeypatch
):
    platform.answers = [Batch([item(1)], cursor="c1"), Batch([item(1)], cursor="c1")]
    real_ingest = polling.comments_ingest

    def ingest_then_die(**kwargs):
        real_ingest(**kwargs)
        raise SystemExit("killed")

    monkeypatch.setattr(polling, "comments_ingest", ingest_then_die)
    with pytest.raises(SystemExit):
        polling.poll_once(polled, now=T0)
    assert not Comment.objects.exists()
    assert ChannelState.objects.get(pk=polled.pk).cursor == ""

    monkeypatch.setattr(polling, "comments_ingest", real_ingest)
    later = T0 + polling.LEASE + datetime.timedelta(seconds=1)
    assert polling.poll_once(polled, now=later).stored == 1
    assert platform.cursors == ["", ""]


def test_a_poll_that_outlived_its_lease_rolls_its_work_back(
    polled, platform, monkeypatch
):
    platform.answers = [Batch([item(1)], cursor="c1")]
    real_poll = registry.get("scripted-test").poll

    def slow_poll(self, channel, cursor):
        batch = real_poll(channel, cursor)
        # Meanwhile the lease ran out and another poll took the channel.
        ChannelState.objects.filter(pk=channel.pk).update(
            lease_until=T0 + datetime.timedelta(hours=1)
        )
        return batch

    monkeypatch.setattr(type(registry.get("scripted-test")), "poll", slow_poll)

    assert polling.poll_once(polled, now=T0).skipped
    assert not Comment.objects.exists()
    assert ChannelState.objects.get(pk=polled.pk).cursor == ""


def test_errors_back_off_with_a_generic_message_and_the_detail_in_the_log(
    polled, platform, caplog
):
    platform.answers = [
        registry.ConnectorError("HTTP 502 from pds.internal:2583: <html>oops"),
        registry.ConnectorError("timeout"),
    ]
    caplog.set_level(logging.WARNING, logger="connectors.polling")

    first = polling.poll_once(polled, now=T0)
    state = ChannelState.objects.get(pk=polled.pk)
    assert first.error == "The receiver could not be reached."
    assert state.failures == 1
    assert state.last_error == "The receiver could not be reached."
    assert "pds.internal" not in state.last_error
    assert state.poll_due_at == T0 + datetime.timedelta(seconds=30)
    assert "pds.internal:2583" in caplog.text

    second_at = T0 + datetime.timedelta(seconds=30)
    polling.poll_once(polled, now=second_at)
    state.refresh_from_db()
    assert state.failures == 2
    assert state.poll_due_at == second_at + datetime.timedelta(seconds=60)
    assert state.cursor == ""

    platform.answers = [Batch([item(1)], cursor="c1")]
    polling.poll_once(polled, now=state.poll_due_at)
    state.refresh_from_db()
    assert (state.failures, state.cursor) == (0, "c1")


def test_the_backoff_stops_at_an_hour(polled, platform):
    ChannelState.objects.create(channel=polled, failures=20)
    platform.answers = [registry.ConnectorError("down")]

    polling.poll_once(polled, now=T0)

    state = ChannelState.objects.get(pk=polled.pk)
    assert state.poll_due_at == T0 + datetime.timedelta(hours=1)


def test_a_rate_limit_waits_as_long_as_the_platform_says(polled, platform):
    platform.answers = [registry.RateLimited("429", retry_after=900)]

    outcome = polling.poll_once(polled, now=T0)

    state = ChannelState.objects.get(pk=polled.pk)
    assert outcome.error == "The platform asked to slow down; retrying later."
    assert state.poll_due_at == T0 + datetime.timedelta(seconds=900)
    assert state.rate_limit["remaining"] == 0


def test_the_rate_limit_state_a_batch_reports_is_kept(polled, platform):
    reset = T0 + datetime.timedelta(minutes=5)
    platform.answers = [
        Batch(
            [],
            cursor="",
            rate_limit=RateLimit(limit=3000, remaining=12, reset_at=reset),
        )
    ]

    polling.poll_once(polled, now=T0)

    assert ChannelState.objects.get(pk=polled.pk).rate_limit == {
        "limit": 3000,
        "remaining": 12,
        "reset_at": reset.isoformat(),
    }


def test_refused_credentials_wait_a_quarter_of_an_hour(polled, platform):
    platform.answers = [registry.AuthFailed("401 invalid app password")]

    outcome = polling.poll_once(polled, now=T0)

    assert outcome.error == "The platform refused the channel's credentials."
    state = ChannelState.objects.get(pk=polled.pk)
    assert state.poll_due_at == T0 + polling.AUTH_WAIT


def test_a_connector_that_crashes_is_recorded_and_the_poller_goes_on(
    polled, platform, caplog
):
    platform.answers = [KeyError("records")]

    outcome = polling.poll_once(polled, now=T0)

    assert outcome.error == polling.CONNECTOR_FAILED
    assert ChannelState.objects.get(pk=polled.pk).failures == 1
    assert "KeyError" in caplog.text


def test_a_date_far_in_the_future_is_not_believed(polled, platform):
    platform.answers = [
        Batch(
            [
                Item(
                    external_id="y9999",
                    author="eve",
                    text="hello",
                    posted_at=datetime.datetime(
                        9999, 12, 31, 23, 59, tzinfo=datetime.UTC
                    ),
                )
            ],
            cursor="c",
        )
    ]

    polling.poll_once(polled, now=T0)

    comment = Comment.objects.get(external_id="y9999")
    assert comment.posted_at == T0
    assert ChannelState.objects.get(pk=polled.pk).newest_item_at == T0


def test_context_is_stored_with_each_comment_and_posts_once(polled, platform):
    post = registry.Post(
        external_id="post-1",
        text="Our new opening hours",
        url="https://example.org/post/1",
        posted_at=T0 - datetime.timedelta(days=1),
    )
    platform.answers = [
        Batch(
            [
                item(
                    1,
                    post=post,
                    author_name="Ann <b>",
                    author_url="https://x.example/ann",
                ),
                item(
                    2,
                    post=post,
                    parent="reply-1",
                    author_url="javascript:alert(1)",
                    extra={"cid": "bafy"},
                ),
            ],
            cursor="c",
        )
    ]

    polling.poll_once(polled, now=T0)

    first, second = Comment.objects.order_by("external_id")
    assert Post.objects.count() == 1
    assert first.post == second.post
    assert first.post.text == "Our new opening hours"
    assert (first.author_name, first.author_url) == ("Ann <b>", "https://x.example/ann")
    assert second.author_url == ""
    assert second.parent_external_id == "reply-1"
    assert second.platform_data == {"cid": "bafy"}


def test_an_edited_post_is_updated_in_place(polled, platform):
    def batch(n, text):
        post = registry.Post(external_id="post-1", text=text)
        return Batch([item(n, post=post)], cursor=str(n))

    platform.answers = [batch(1, "Before"), batch(2, "After")]
    polling.poll_once(polled, now=T0)
    polling.poll_once(polled, now=T0, force=True)

    assert list(Post.objects.values_list("text", flat=True)) == ["After"]


def test_only_due_free_polling_channels_are_queued(
    polled, platform, channel_factory, monkeypatch
):
    webhook = channel_factory("webhook-one", connector="webhook")
    late = channel_factory("late-one", connector="scripted-test")
    busy = channel_factory("busy-one", connector="scripted-test")
    ChannelState.objects.create(channel=polled, poll_due_at=T0)
    ChannelState.objects.create(
        channel=late, poll_due_at=T0 + datetime.timedelta(seconds=5)
    )
    ChannelState.objects.create(
        channel=busy, poll_due_at=T0, lease_until=T0 + datetime.timedelta(minutes=1)
    )
    new = channel_factory("new-one", connector="scripted-test")
    inactive = channel_factory("off-one", connector="scripted-test", active=False)

    queued = []
    monkeypatch.setattr(
        polling, "enqueue", lambda name, channel_id: queued.append(channel_id)
    )

    assert polling.polls_due(now=T0) == 2

    assert sorted(queued) == sorted([polled.pk, new.pk])
    assert webhook.pk not in queued and inactive.pk not in queued


def test_a_channel_whose_connector_does_not_poll_says_so(channel):
    outcome = polling.poll_once(channel, now=T0)

    assert outcome.error == polling.NOT_POLLING
    assert not ChannelState.objects.exists()


def test_the_task_polls_and_queues_the_next_poll(polled, platform):
    platform.answers = [
        Batch([item(1)], cursor="c1", more=True),
        Batch([item(2)], cursor="c2"),
    ]

    # Eagerly: "more" polls again at once, then the next poll is not due yet.
    assert poll_channel(polled.pk) == 1

    assert Comment.objects.filter(channel=polled).count() == 2
    assert platform.cursors == ["", "c1"]
    state = ChannelState.objects.get(pk=polled.pk)
    assert state.cursor == "c2"
    assert state.poll_due_at > timezone.now()


@pytest.fixture
def channel_factory(channel):
    def make(slug, **fields):
        return Channel.objects.create(
            slug=slug,
            platform=channel.platform,
            handle=slug,
            calendar=channel.calendar,
            **fields,
        )

    return make


def test_an_error_given_lazily_is_stored_untranslated_and_shown_translated(
    polled, platform
):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    platform.answers = [
        registry.ConnectorError(
            "HTTP 500", public=gettext_lazy("The receiver did not accept the message.")
        )
    ]

    with translation.override("fr"):
        polling.poll_once(polled, now=T0)

    state = ChannelState.objects.get(pk=polled.pk)
    assert state.last_error == "The receiver did not accept the message."
    with translation.override("fr"):
        assert state.error_message() != state.last_error
