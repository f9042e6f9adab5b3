"""Comments already read from YouTube, followed after: edits and deletions.

A poll reads only what is new; these check that its re-check of the
comments already stored (``comments.list`` with ``id=``, against the
loopback Data API) takes an edit through the same path as Meta's pushed
edits (re-matched, one event with the old text), marks a deleted comment
removed on the platform, writes nothing twice, keeps its position when the
quota runs out or the server fails, and leaves other channels alone.
"""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from connectors import polling
from connectors.youtube import connector as youtube_connector
from connectors.youtube import quota
from core import outbound
from moderation.models import ChannelState, Comment, Event, Notification
from moderation.services.ingest import comments_ingest
from moderation.services.platform_changes import comment_edited_on_platform

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INSULT = "Bande d'idiots ! Appelez-moi au 514-555-0199"
BY_ID = "/youtube/v3/comments"


def poll(channel):
    outcome = polling.poll_once(channel, force=True)
    assert outcome.error == "", outcome.error
    return outcome


def state(channel):
    return ChannelState.objects.get(pk=channel.pk)


def recheck_position(channel):
    return json.loads(state(channel).cursor)["recheck"]


def id_calls(youtube):
    """The ids each ``comments.list`` by id asked for, in order."""
    return [
        call[2]["id"].split(",")
        for call in youtube.calls("GET", BY_ID)
        if "id" in call[2]
    ]


class Clock:
    """Polls further and further on: each one past the re-check's interval."""

    def __init__(self):
        self.start = timezone.now()
        self.minutes = 0

    def poll(self, channel, minutes=20):
        self.minutes += minutes
        with time_machine.travel(self.start + datetime.timedelta(minutes=self.minutes)):
            return polling.poll_once(channel, force=True)


@pytest.fixture
def clock():
    return Clock()


def read(youtube, channel, *texts, video="vid1"):
    """Put ``texts`` on YouTube and poll them in; return their ids."""
    poll(channel)  # from no cursor: no history
    ids = [youtube.add_comment(video, text) for text in texts]
    assert poll(channel).stored == len(texts)
    return ids


def test_an_edit_on_youtube_is_rematched_with_one_event(
    youtube_channel, youtube, clock
):
    edited, untouched = read(
        youtube, youtube_channel, "Merci pour l'info", "Bonne journée"
    )
    comment = Comment.objects.get(external_id=edited)
    assert comment.severity == ""
    notifications = Notification.objects.count()
    youtube.edit_comment(edited, INSULT)

    assert clock.poll(youtube_channel).error == ""
    comment.refresh_from_db()
    assert comment.text == INSULT
    assert comment.severity != ""
    assert comment.edited_on_platform_at is not None
    assert "offensive-content" in {m.rule for m in comment.matches.all()}
    [edit] = Event.objects.filter(comment=comment, action="edited_on_platform")
    assert edit.reason == "Merci pour l'info"
    assert not Event.objects.filter(
        comment__external_id=untouched, action="edited_on_platform"
    )
    # One call for both, as the documentation has it: part, id, plain text,
    # no paging parameters (not supported with id).
    [call] = [c for c in youtube.calls("GET", BY_ID) if "id" in c[2]]
    assert set(call[2]["id"].split(",")) == {edited, untouched}
    assert call[2]["part"] == "snippet"
    assert call[2]["textFormat"] == "plainText"
    assert "maxResults" not in call[2]
    assert "pageToken" not in call[2]
    # Counted at its documented cost, as the server counted it.
    assert quota.used(now=timezone.now()) == youtube.quota_used

    # Polled again: the same text on YouTube, nothing written twice, and no
    # one told again.
    assert clock.poll(youtube_channel).error == ""
    assert len(id_calls(youtube)) == 2
    assert (
        Event.objects.filter(comment=comment, action="edited_on_platform").count() == 1
    )
    assert Notification.objects.count() == notifications


def test_a_comment_deleted_on_youtube_is_marked_removed_once(
    youtube_channel, youtube, clock
):
    poll(youtube_channel)
    top = youtube.add_comment("vid1", "Un fil")
    reply = youtube.add_comment("vid1", "Une réponse", parent=top)
    kept = youtube.add_comment("vid2", "Toujours là")
    assert poll(youtube_channel).stored == 3
    youtube.delete_comment(top)  # the thread goes with its reply

    assert clock.poll(youtube_channel).error == ""
    for external_id in (top, reply):
        comment = Comment.objects.get(external_id=external_id)
        assert comment.removed_on_platform_at is not None
        assert comment.text  # kept on record, shown as removed
        assert (
            Event.objects.filter(comment=comment, action="removed_on_platform").count()
            == 1
        )
    assert Comment.objects.get(external_id=kept).removed_on_platform_at is None

    # The next pass asks only for what is still there.
    assert clock.poll(youtube_channel).error == ""
    assert id_calls(youtube)[-1] == [kept]
    assert Event.objects.filter(action="removed_on_platform").count() == 2


def test_a_retried_poll_writes_nothing_twice(youtube_channel, youtube, clock):
    [edited] = read(youtube, youtube_channel, "Première version")
    youtube.edit_comment(edited, "Deuxième version")
    # The same answer read twice over (a poll retried after its commit was
    # lost reads it again): the services compare before they write.
    cursor = state(youtube_channel).cursor
    assert clock.poll(youtube_channel).error == ""
    ChannelState.objects.filter(pk=youtube_channel.pk).update(cursor=cursor)
    assert clock.poll(youtube_channel, minutes=0).error == ""
    assert len(id_calls(youtube)) == 2
    assert Event.objects.filter(action="edited_on_platform").count() == 1
    assert Comment.objects.get(external_id=edited).text == "Deuxième version"


def test_an_answer_that_names_the_missing_comment_is_narrowed_down(
    youtube_channel, youtube, clock
):
    ids = read(youtube, youtube_channel, "Un", "Deux", "Trois", "Quatre")
    youtube.by_id_fault = "missing"  # 404 commentNotFound for the whole list
    youtube.delete_comment(ids[2])
    assert clock.poll(youtube_channel).error == ""
    removed = Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert list(removed.values_list("external_id", flat=True)) == [ids[2]]
    # Halved until the one missing stood alone, within the poll's bound.
    assert len(id_calls(youtube)) <= youtube_connector.RECHECK_CALLS


def test_a_failing_or_hanging_server_removes_nothing_and_keeps_the_position(
    youtube_channel, youtube, clock, monkeypatch
):
    ids = read(youtube, youtube_channel, "Un", "Deux")
    youtube.delete_comment(ids[0])
    youtube.by_id_fault = "error"
    assert clock.poll(youtube_channel).error == ""
    assert recheck_position(youtube_channel)["after"] == 0
    before = recheck_position(youtube_channel)
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)

    monkeypatch.setattr(outbound, "READ_TIMEOUT", 0.5)
    monkeypatch.setattr(outbound, "TOTAL_TIMEOUT", 1.0)
    youtube.by_id_fault = 2  # seconds: past the deadlines
    assert clock.poll(youtube_channel).error == ""
    assert recheck_position(youtube_channel) == before
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)

    youtube.by_id_fault = None
    assert clock.poll(youtube_channel).error == ""
    [removed] = Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert removed.external_id == ids[0]


def test_a_poll_rechecks_a_bounded_slice_and_goes_on_from_there(
    youtube_channel, youtube, clock
):
    poll(youtube_channel)
    base = timezone.now()
    for n in range(250):
        youtube.add_comment(
            "vid2", f"Commentaire {n}", published=base + datetime.timedelta(seconds=n)
        )
    with time_machine.travel(base + datetime.timedelta(minutes=5)):
        assert poll(youtube_channel).stored == 250
    order = list(Comment.objects.order_by("pk").values_list("external_id", flat=True))

    assert clock.poll(youtube_channel).error == ""
    calls = id_calls(youtube)
    assert len(calls) == youtube_connector.RECHECK_CALLS
    assert all(len(ids) <= 50 for ids in calls)
    assert [i for ids in calls for i in ids] == order[:200]
    assert (
        recheck_position(youtube_channel)["after"]
        == Comment.objects.get(external_id=order[199]).pk
    )

    # The pass goes on at the next poll, not an interval later.
    assert clock.poll(youtube_channel, minutes=1).error == ""
    assert id_calls(youtube)[4:] == [order[200:]]
    assert recheck_position(youtube_channel)["after"] == 0
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)


def test_quota_exceeded_during_the_recheck_keeps_its_position(
    youtube_channel, youtube, clock
):
    poll(youtube_channel)
    base = timezone.now()
    for n in range(120):
        youtube.add_comment(
            "vid1", f"Commentaire {n}", published=base + datetime.timedelta(seconds=n)
        )
    with time_machine.travel(base + datetime.timedelta(minutes=5)):
        assert poll(youtube_channel).stored == 120
    order = list(Comment.objects.order_by("pk").values_list("external_id", flat=True))
    late = youtube.add_comment(
        "vid1",
        "Arrivé pendant ce temps",
        published=base + datetime.timedelta(minutes=6),
    )
    youtube.delete_comment(order[100])
    # Google's count runs out after the poll's two lists and one re-check.
    youtube.daily_quota = youtube.quota_used + 3

    outcome = clock.poll(youtube_channel)
    assert outcome.error == ""
    assert Comment.objects.filter(external_id=late).exists()  # kept
    position = recheck_position(youtube_channel)
    assert position["after"] == Comment.objects.get(external_id=order[49]).pk
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert len(id_calls(youtube)) == 2  # the second refused
    after = state(youtube_channel)
    reset = quota.reset_at(clock.start + datetime.timedelta(minutes=clock.minutes))
    assert after.rate_limit["remaining"] == 0
    assert abs((after.poll_due_at - reset).total_seconds()) < 60

    # After the reset it goes on from there, and finds the deletion.
    youtube.quota_used = 0
    youtube.daily_quota = 10000
    with time_machine.travel(reset + datetime.timedelta(minutes=1)):
        assert polling.poll_once(youtube_channel, force=True).error == ""
    resumed = id_calls(youtube)[2:]
    assert resumed[0][0] == order[50]
    [removed] = Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert removed.external_id == order[100]


def test_another_channels_comments_are_left_alone(
    youtube_channel, youtube, clock, framework
):
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    token, refresh = youtube.grant("UCother")
    other = Channel(
        slug="youtube-other",
        platform="youtube",
        handle="@someone",
        languages=["fr"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="youtube",
    )
    other.set_credentials(
        {"access_token": token, "refresh_token": refresh, "channel_id": "UCother"}
    )
    other.save()
    # Stored for the other channel, and no longer on YouTube.
    [(theirs, _created)] = comments_ingest(
        items=[
            {
                "channel": other,
                "external_id": "UgzTheirs",
                "author": "@viewer",
                "text": "Sur leur chaîne",
                "posted_at": timezone.now(),
            }
        ]
    )
    [ours] = read(youtube, youtube_channel, "Sur la nôtre")
    assert clock.poll(youtube_channel).error == ""
    assert id_calls(youtube) == [[ours]]
    theirs.refresh_from_db()
    assert theirs.removed_on_platform_at is None
    assert not Event.objects.filter(comment=theirs, action="removed_on_platform")


def test_comments_hidden_here_or_held_are_not_taken_for_deleted(
    youtube_channel, youtube, clock
):
    hidden, shown = read(youtube, youtube_channel, "Caché d'ici", "Visible")
    # Rejected from the inbox: YouTube shows it to nobody, by id neither.
    youtube.comments[hidden]["snippet"]["moderationStatus"] = "rejected"
    Comment.objects.filter(external_id=hidden).update(status=Comment.Status.HIDDEN)
    assert clock.poll(youtube_channel).error == ""
    assert id_calls(youtube) == [[shown]]
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)


def test_an_erased_text_is_not_brought_back_by_an_edit(youtube_channel, youtube, clock):
    [edited] = read(youtube, youtube_channel, "Mon numéro est le 514-555-0199")
    Comment.objects.filter(external_id=edited).update(
        text="", text_erased_at=timezone.now()
    )
    youtube.edit_comment(edited, "Toujours le 514-555-0199")
    assert clock.poll(youtube_channel).error == ""
    assert Comment.objects.get(external_id=edited).text == ""
    # Nor by an edit pushed by a platform (Meta's webhooks).
    assert (
        comment_edited_on_platform(
            channel=youtube_channel, external_id=edited, text="514-555-0199"
        )
        is None
    )
    assert Comment.objects.get(external_id=edited).text == ""
    assert not Event.objects.filter(action="edited_on_platform")


def test_rechecks_slow_down_as_the_quota_runs_low():
    now = datetime.datetime(2026, 6, 1, 19, 0, tzinfo=datetime.UTC)  # noon PDT
    interval = datetime.timedelta(minutes=1)
    plenty = quota.recheck_wait(
        interval=interval, remaining=9000, now=now, cost_per_pass=4
    )
    assert plenty == interval
    # 12 hours left, half of 1,000 units above the reserve for re-checks, 10
    # a pass: one pass every 12 h / 50.
    low = quota.recheck_wait(
        interval=interval, remaining=2000, now=now, cost_per_pass=10
    )
    assert low == datetime.timedelta(hours=12) / 50
    spent = quota.recheck_wait(
        interval=interval, remaining=1010, now=now, cost_per_pass=10
    )
    assert spent == datetime.timedelta(hours=12)


def test_a_low_quota_puts_the_next_pass_further_off(
    youtube_channel, youtube, clock, settings
):
    settings.YOUTUBE_DAILY_QUOTA = 1100
    read(youtube, youtube_channel, "Un")
    assert clock.poll(youtube_channel).error == ""
    next_at = datetime.datetime.fromisoformat(
        recheck_position(youtube_channel)["next_at"]
    )
    # About 95 units left above the reserve, half for re-checks, 1 a pass.
    moment = clock.start + datetime.timedelta(minutes=clock.minutes)
    to_reset = quota.reset_at(moment) - moment
    assert next_at - moment > to_reset / 60
