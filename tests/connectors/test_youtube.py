"""The YouTube connector against the Data API on loopback: the client is the
one ``google-api-python-client`` builds from the stored discovery document,
so the library's own request building is what these tests exercise.

Polling (threads, replies, held comments, paging, the cursor), replies,
moderation (rejected, published, banAuthor), the documented errors
(``forbidden``, ``commentsDisabled``, ``authError``) and the daily quota
(counted, shown, slowing polling, ``quotaExceeded`` waited out).
"""

import datetime
import json
from urllib.parse import parse_qs

import pytest
import time_machine
from django.utils import timezone

from connectors import polling
from connectors.models import YouTubeQuotaDay
from connectors.youtube import client as api
from connectors.youtube import quota
from core.roles import Role
from moderation import registry
from moderation.models import Channel, ChannelState, Comment, OutboxMessage
from moderation.services.outbox import outbox_send
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HOUR = datetime.timedelta(hours=1)


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def first_poll(channel):
    """Poll once from no cursor (reads no history); return the outcome."""
    outcome = polling.poll_once(channel, force=True)
    assert outcome.error == ""
    return outcome


def poll(channel):
    outcome = polling.poll_once(channel, force=True)
    assert outcome.error == "", outcome.error
    return outcome


def state(channel):
    return ChannelState.objects.get(pk=channel.pk)


def test_the_client_is_built_from_the_stored_discovery_document(
    youtube_channel, youtube
):
    document = api.discovery_document()
    assert document["rootUrl"] == youtube.base_url + "/"
    assert "commentThreads" in document["resources"]
    assert "setModerationStatus" in document["resources"]["comments"]["methods"]
    account = registry.get("youtube").check(youtube_channel)
    assert account.handle == "@villemtl"
    assert account.name == "Ville de Montréal"
    assert account.url == "https://www.youtube.com/channel/UCorg"
    [call] = youtube.calls("GET", "/youtube/v3/channels")
    method, _path, query, _body, headers = call
    assert query == {
        "part": "snippet",
        "mine": "true",
        "maxResults": "1",
        "alt": "json",
    }
    assert headers["authorization"].startswith("Bearer ")
    assert "gdcl/2.202.0" in headers["x-goog-api-client"]


def test_the_first_poll_reads_no_history_then_new_comments_come_in(
    youtube_channel, youtube
):
    youtube.add_comment("vid1", "Old news", published=ago(days=3))
    first_poll(youtube_channel)
    assert Comment.objects.count() == 0
    cursor = json.loads(state(youtube_channel).cursor)
    assert cursor["since"].startswith(ago(days=3).date().isoformat())
    assert len(cursor["ids"]) == 1

    top = youtube.add_comment(
        "vid1", "Quand ouvre la piscine ? <script>x</script>", author="@lea"
    )
    reply = youtube.add_comment("vid1", "Moi aussi je veux savoir", parent=top)
    outcome = poll(youtube_channel)
    assert outcome.stored == 2
    first = Comment.objects.get(external_id=top)
    assert first.text == "Quand ouvre la piscine ? <script>x</script>"
    assert first.author == "@lea"
    assert first.url == f"https://www.youtube.com/watch?v=vid1&lc={top}"
    assert first.post.external_id == "vid1"
    assert first.platform_data["thread_id"] == top
    assert first.platform_data["held"] is False
    second = Comment.objects.get(external_id=reply)
    assert second.parent_external_id == top

    [threads, held] = youtube.calls("GET", "/youtube/v3/commentThreads")[-2:]
    assert threads[2]["allThreadsRelatedToChannelId"] == "UCorg"
    assert threads[2]["order"] == "time"
    assert threads[2]["part"] == "snippet,replies"
    assert held[2]["moderationStatus"] == "heldForReview"

    # Polled again: nothing new, nothing stored twice.
    assert poll(youtube_channel).stored == 0
    assert Comment.objects.count() == 2


def test_paging_reads_down_to_the_cursor(youtube_channel, youtube):
    first_poll(youtube_channel)
    base = timezone.now()
    ids = [
        youtube.add_comment(
            "vid2", f"Comment {n}", published=base + datetime.timedelta(seconds=n)
        )
        for n in range(250)
    ]
    with time_machine.travel(base + datetime.timedelta(minutes=10)):
        outcome = poll(youtube_channel)
    assert outcome.stored == 250
    assert set(Comment.objects.values_list("external_id", flat=True)) == set(ids)
    pages = [
        call[2].get("pageToken")
        for call in youtube.calls("GET", "/youtube/v3/commentThreads")
        if "moderationStatus" not in call[2]
    ]
    assert pages[-3:] == [None, "100", "200"]


def test_a_thread_with_more_replies_than_it_carries_is_read_whole(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Un fil animé")
    replies = [
        youtube.add_comment("vid1", f"Réponse {n}", parent=top) for n in range(8)
    ]
    poll(youtube_channel)
    stored = set(Comment.objects.values_list("external_id", flat=True))
    assert stored == {top, *replies}
    [call] = youtube.calls("GET", "/youtube/v3/comments")
    assert call[2]["parentId"] == top


def test_held_comments_come_in_marked_and_are_published_or_rejected(
    youtube_channel, youtube, personas, django_capture_on_commit_callbacks
):
    from moderation.services.triage import comment_claim, comment_hide, comment_publish

    first_poll(youtube_channel)
    held = youtube.add_comment(
        "vid1", "Un lien douteux http://spam.example", status="heldForReview"
    )
    other = youtube.add_comment("vid2", "Encore du spam", status="heldForReview")
    poll(youtube_channel)
    comment = Comment.objects.get(external_id=held)
    assert comment.platform_data["held"] is True
    assert Comment.objects.get(external_id=other).platform_data["held"] is True

    manager = personas["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=comment, actor=manager)
    assert youtube.status_of(held) == "published"
    comment.refresh_from_db()
    assert comment.platform_data["held"] is False
    assert comment.events.filter(action="published", actor=manager).exists()
    [message] = OutboxMessage.objects.filter(kind=registry.PUBLISH_KIND)
    assert message.status == OutboxMessage.Status.SENT
    [call] = youtube.calls("POST", "/youtube/v3/comments/setModerationStatus")
    assert call[2]["id"] == held
    assert call[2]["moderationStatus"] == "published"

    # Published once: a second publish is refused, nothing sent.
    from moderation.services.transitions import Conflict

    with pytest.raises(Conflict):
        comment_publish(comment=comment, actor=manager)

    rejected = Comment.objects.get(external_id=other)
    with django_capture_on_commit_callbacks(execute=True):
        comment_claim(comment=rejected, actor=personas["responder"])
        comment_hide(comment=rejected, actor=personas["responder"], reason="Spam")
    assert youtube.status_of(other) == "rejected"


def test_a_responder_who_does_not_hold_it_cannot_publish(
    youtube_channel, youtube, personas
):
    from django.core.exceptions import PermissionDenied

    from moderation.services.triage import comment_claim, comment_publish

    first_poll(youtube_channel)
    held = youtube.add_comment("vid1", "En attente", status="heldForReview")
    poll(youtube_channel)
    comment = Comment.objects.get(external_id=held)
    comment_claim(comment=comment, actor=personas["responder"])
    other = make_user("responder2", [Role.RESPONDER])
    with pytest.raises(PermissionDenied):
        comment_publish(comment=comment, actor=other)
    assert youtube.status_of(held) == "heldForReview"
    assert not OutboxMessage.objects.exists()


def test_a_reply_goes_into_the_thread_and_hiding_rejects(youtube_channel, youtube):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Bonjour")
    reply = youtube.add_comment("vid1", "Une réponse", parent=top)
    poll(youtube_channel)
    connector = registry.get("youtube")
    comment = Comment.objects.get(external_id=reply)
    delivered = connector.reply(youtube_channel, comment, "  Merci, c'est noté.  ")
    [answer] = [c for c in youtube.replies_to(top) if c["id"] == delivered.external_id]
    assert answer["snippet"]["textOriginal"] == "Merci, c'est noté."
    assert answer["snippet"]["authorChannelId"]["value"] == "UCorg"
    assert delivered.url == f"https://www.youtube.com/watch?v=vid1&lc={answer['id']}"
    [insert] = youtube.calls("POST", "/youtube/v3/comments")
    assert insert[2]["part"] == "snippet"
    assert json.loads(insert[3])["snippet"]["parentId"] == top

    # The channel's own answer is not a comment to moderate.
    assert poll(youtube_channel).stored == 0
    assert not Comment.objects.filter(external_id=delivered.external_id).exists()

    connector.hide(youtube_channel, comment, hidden=True)
    assert youtube.status_of(reply) == "rejected"
    connector.hide(youtube_channel, comment, hidden=False)
    assert youtube.status_of(reply) == "published"


def test_blocking_the_author_rejects_and_bans(youtube_channel, youtube):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Insultes", author_channel="UCtroll")
    poll(youtube_channel)
    comment = Comment.objects.get(external_id=top)
    registry.get("youtube").act_on_author(
        youtube_channel, comment, registry.AuthorAction.BLOCK, reason="Insultes"
    )
    assert youtube.status_of(top) == "rejected"
    assert youtube.banned == {"UCtroll"}
    [call] = youtube.calls("POST", "/youtube/v3/comments/setModerationStatus")
    assert call[2]["banAuthor"] == "true"
    assert call[2]["moderationStatus"] == "rejected"
    with pytest.raises(registry.Unsupported):
        registry.get("youtube").act_on_author(
            youtube_channel, comment, registry.AuthorAction.MUTE
        )


def test_deleting_rejects_anothers_comment_and_deletes_the_channels_own(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Insultes", author_channel="UCtroll")
    poll(youtube_channel)
    connector = registry.get("youtube")
    comment = Comment.objects.get(external_id=top)
    spent = quota.used(now=timezone.now())
    # comments.delete is for the comment's author only: another's is rejected.
    connector.delete(youtube_channel, comment)
    assert youtube.status_of(top) == "rejected"
    assert not youtube.calls("DELETE", "/youtube/v3/comments")
    [call] = youtube.calls("POST", "/youtube/v3/comments/setModerationStatus")
    assert call[2]["moderationStatus"] == "rejected"
    assert "banAuthor" not in call[2]

    own = connector.reply(youtube_channel, comment, "Nous retirons ce commentaire.")
    mine = Comment(
        channel=youtube_channel,
        external_id=own.external_id,
        platform_data={"author_channel_id": "UCorg"},
    )
    connector.delete(youtube_channel, mine)
    [delete] = youtube.calls("DELETE", "/youtube/v3/comments")
    assert delete[2]["id"] == own.external_id
    assert delete[4]["authorization"].startswith("Bearer ")
    assert own.external_id not in youtube.comments
    # Counted at the documented costs: 50 each.
    assert quota.used(now=timezone.now()) - spent == 150


def test_the_data_api_refuses_to_delete_anothers_comment(youtube_channel, youtube):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Pas à vous", author_channel="UCviewer")
    forged = Comment(
        channel=youtube_channel,
        external_id=top,
        platform_data={"author_channel_id": "UCorg"},
    )
    with pytest.raises(registry.ConnectorError):
        registry.get("youtube").delete(youtube_channel, forged)
    assert top in youtube.comments


def test_moderating_a_video_of_another_channel_is_forbidden_and_said(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    elsewhere = youtube.add_comment("vid9", "Ailleurs")
    comment = Comment(channel=youtube_channel, external_id=elsewhere)
    with pytest.raises(registry.AuthFailed) as failed:
        registry.get("youtube").hide(youtube_channel, comment, hidden=True)
    assert "may not moderate" in str(failed.value.public)
    assert youtube.status_of(elsewhere) == "published"


def test_a_channel_whose_comments_are_off_shows_a_clear_error(youtube_channel, youtube):
    youtube.videos["vid1"]["comments_disabled"] = True
    youtube.videos["vid2"]["comments_disabled"] = True
    outcome = polling.poll_once(youtube_channel, force=True)
    assert outcome.error == "Comments are turned off on this video."
    assert state(youtube_channel).last_error == outcome.error


def test_a_reply_where_comments_are_off_fails_with_that_reason(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Bonjour")
    poll(youtube_channel)
    youtube.videos["vid1"]["comments_disabled"] = True
    comment = Comment.objects.get(external_id=top)
    with pytest.raises(registry.Unsupported) as failed:
        registry.get("youtube").reply(youtube_channel, comment, "Merci")
    assert str(failed.value.public) == "Comments are turned off on this video."


def test_an_expired_token_is_refreshed_and_stored_again(youtube_channel, youtube):
    stored = youtube_channel.get_credentials()
    youtube.tokens.pop(stored["access_token"])
    stored["expiry"] = (timezone.now() - HOUR).isoformat()
    youtube_channel.set_credentials(stored)
    youtube_channel.save()
    registry.get("youtube").check(youtube_channel)
    renewed = Channel.objects.get(pk=youtube_channel.pk).get_credentials()
    assert renewed["access_token"] != stored["access_token"]
    assert renewed["access_token"] in youtube.tokens
    assert renewed["refresh_token"] == stored["refresh_token"]
    assert renewed["channel_id"] == "UCorg"
    [refresh] = youtube.calls("POST", "/token")
    assert parse_qs(refresh[3].decode())["grant_type"] == ["refresh_token"]


def test_a_revoked_token_puts_the_channel_in_error(youtube_channel, youtube):
    youtube.tokens.clear()
    youtube.refresh_tokens.clear()
    outcome = polling.poll_once(youtube_channel, force=True)
    assert outcome.error == "The platform refused the channel's credentials."
    assert state(youtube_channel).failures == 1


def test_every_call_is_counted_at_its_documented_cost(youtube_channel, youtube):
    first_poll(youtube_channel)  # two lists
    top = youtube.add_comment("vid1", "Bonjour")
    poll(youtube_channel)  # two lists
    comment = Comment.objects.get(external_id=top)
    connector = registry.get("youtube")
    connector.reply(youtube_channel, comment, "Merci")  # 50
    connector.hide(youtube_channel, comment, hidden=True)  # 50
    assert quota.used(now=timezone.now()) == 104
    # As the server counted them, call for call.
    assert youtube.quota_used == 104
    limit = state(youtube_channel).rate_limit
    assert limit["limit"] == 10000
    assert limit["remaining"] == 10000 - 2 - 2 + 0  # as the last poll left it


def test_the_quota_day_ends_at_midnight_pacific_across_dst():
    # 2026-03-08: Pacific time springs forward; the day has 23 hours.
    before = datetime.datetime(2026, 3, 8, 7, 59, tzinfo=datetime.UTC)  # 23:59 PST
    assert quota.day_of(before) == datetime.date(2026, 3, 7)
    assert quota.reset_at(before) == datetime.datetime(
        2026, 3, 8, 8, 0, tzinfo=datetime.UTC
    )
    during = datetime.datetime(2026, 3, 8, 12, 0, tzinfo=datetime.UTC)
    assert quota.reset_at(during) == datetime.datetime(
        2026, 3, 9, 7, 0, tzinfo=datetime.UTC
    )
    assert quota.seconds_to_reset(during) == 19 * 3600


def test_polling_slows_down_as_the_quota_runs_low():
    now = datetime.datetime(2026, 6, 1, 19, 0, tzinfo=datetime.UTC)  # noon PDT
    interval = datetime.timedelta(seconds=30)
    plenty = quota.poll_wait(
        interval=interval, remaining=9000, now=now, cost_per_poll=2
    )
    assert plenty == interval
    # 12 hours left, 500 units to spend above the reserve, 2 per poll: one
    # poll every 12 h / 250.
    low = quota.poll_wait(interval=interval, remaining=1500, now=now, cost_per_poll=2)
    assert low == datetime.timedelta(hours=12) / 250
    shared = quota.poll_wait(
        interval=interval, remaining=1500, now=now, cost_per_poll=2, channels=5
    )
    assert shared == datetime.timedelta(hours=12) / 50
    spent = quota.poll_wait(interval=interval, remaining=1001, now=now, cost_per_poll=2)
    assert spent == datetime.timedelta(hours=12)


def test_a_low_quota_puts_the_next_poll_further_off(youtube_channel, youtube, settings):
    settings.YOUTUBE_DAILY_QUOTA = 1200
    now = timezone.now()
    YouTubeQuotaDay.objects.create(day=quota.day_of(now), used=150)
    first_poll(youtube_channel)
    due = state(youtube_channel).poll_due_at
    to_reset = quota.reset_at(timezone.now()) - timezone.now()
    # 48 units above the reserve, 2 a poll: 24 polls until the reset.
    assert due - timezone.now() > to_reset / 25
    assert due - timezone.now() > datetime.timedelta(seconds=31)


def test_quota_exceeded_waits_for_the_reset_and_keeps_the_cursor(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    cursor = state(youtube_channel).cursor
    youtube.quota_used = youtube.daily_quota  # spent by another client
    outcome = polling.poll_once(youtube_channel, force=True)
    now = timezone.now()
    assert outcome.error == str(api.QUOTA_EXCEEDED)
    after = state(youtube_channel)
    assert after.cursor == cursor
    assert abs((after.poll_due_at - quota.reset_at(now)).total_seconds()) < 5
    assert after.rate_limit["remaining"] == 0
    assert quota.remaining(now=now) == 0
    calls = len(youtube.requests)

    # Spent here: nothing is sent to Google until the reset.
    with pytest.raises(registry.RateLimited):
        registry.get("youtube").check(youtube_channel)
    assert len(youtube.requests) == calls

    # After midnight Pacific, Google resets its count and so does this.
    youtube.quota_used = 0
    top = youtube.add_comment("vid1", "Le lendemain")
    youtube.comments[top]["snippet"]["publishedAt"] = (
        quota.reset_at(now) + datetime.timedelta(minutes=1)
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    with time_machine.travel(quota.reset_at(now) + datetime.timedelta(minutes=2)):
        outcome = polling.poll_once(youtube_channel)
        assert outcome.error == ""
        assert outcome.stored == 1
        assert state(youtube_channel).rate_limit["remaining"] == 10000 - 2


def test_a_failed_delivery_for_quota_waits_until_the_reset(
    youtube_channel, youtube, settings
):
    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Bonjour")
    poll(youtube_channel)
    comment = Comment.objects.get(external_id=top)
    youtube.quota_used = youtube.daily_quota - 10
    message = OutboxMessage.objects.create(
        channel=youtube_channel,
        comment=comment,
        kind=registry.HIDE_KIND,
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
        payload={},
    )
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "quota" in message.error_message().lower()
    # Not before the reset: retrying earlier would only be refused again.
    reset = quota.reset_at(timezone.now())
    assert abs((message.next_attempt_at - reset).total_seconds()) < 5
    assert youtube.status_of(top) == "published"


def test_a_date_in_the_year_9999_or_unreadable_takes_the_time_received(
    youtube_channel, youtube
):
    first_poll(youtube_channel)
    future = youtube.add_comment("vid1", "Depuis le futur")
    youtube.comments[future]["snippet"]["publishedAt"] = "9999-12-31T23:59:59Z"
    broken = youtube.add_comment("vid1", "Date illisible")
    youtube.comments[broken]["snippet"]["publishedAt"] = "hier soir"
    before = timezone.now().replace(microsecond=0)
    assert poll(youtube_channel).stored == 2
    for external_id in (future, broken):
        posted_at = Comment.objects.get(external_id=external_id).posted_at
        assert before <= posted_at <= timezone.now()
    # The cursor did not jump to the year 9999: later comments still come in.
    assert json.loads(state(youtube_channel).cursor)["since"] < "9999"
    later = youtube.add_comment("vid1", "Plus tard")
    assert poll(youtube_channel).stored == 1
    assert Comment.objects.filter(external_id=later).exists()


@pytest.mark.parametrize(
    ("persona", "allowed"), [("manager", True), ("responder", False)]
)
def test_only_a_manager_bans_a_youtube_author(
    youtube_channel, youtube, personas, client, api_client, persona, allowed
):
    """banAuthor covers the whole channel and the Data API cannot lift it: a
    responder holding the comment is offered no ban, and is refused one by
    the page and the API; a manager bans."""
    from moderation.services.triage import comment_claim

    first_poll(youtube_channel)
    top = youtube.add_comment("vid1", "Insultes", author_channel="UCtroll")
    poll(youtube_channel)
    comment = Comment.objects.get(external_id=top)
    comment_claim(comment=comment, actor=personas["responder"])
    user = personas[persona]
    client.force_login(user)
    page = client.get(f"/inbox/{comment.pk}/")
    offered = page.context["author_actions"]
    assert (registry.AuthorAction.BLOCK in offered) is allowed
    api_client.force_authenticate(user)
    answer = api_client.post(
        f"/api/v1/comments/{comment.pk}/author/",
        {"action": "block", "reason": "Insultes répétées"},
        format="json",
    )
    assert answer.status_code == (200 if allowed else 403), answer.content
    if not allowed:
        assert answer.json()["detail"] == (
            "Sur cette plateforme, seul un gestionnaire peut faire ceci\u00a0: "
            "Bloquer l’auteur."
        )
        assert not OutboxMessage.objects.exists()
        assert not comment.events.filter(action="author_blocked").exists()
        return
    outbox_send(message_id=OutboxMessage.objects.get().pk)
    assert youtube.banned == {"UCtroll"}


def test_a_backlog_longer_than_a_poll_is_read_over_the_next_polls(
    youtube_channel, youtube, monkeypatch
):
    """More threads since the cursor than a poll reads (10 pages of 100 in
    production; 2 of 100 here): the cursor keeps its time and where to go on,
    the next polls read the rest, and then it moves past the newest."""
    from connectors.youtube import connector as youtube_connector

    monkeypatch.setattr(youtube_connector, "MAX_PAGES", 2)
    first_poll(youtube_channel)
    base = timezone.now()
    ids = [
        youtube.add_comment(
            "vid2", f"Comment {n}", published=base + datetime.timedelta(seconds=n)
        )
        for n in range(450)
    ]
    stored = []
    with time_machine.travel(base + datetime.timedelta(minutes=10)):
        for _ in range(3):
            stored.append(poll(youtube_channel).stored)
            assert json.loads(state(youtube_channel).cursor).get("resume") or (
                sum(stored) == 450
            )
        # Caught up: the cursor is past the newest, and a new comment is read.
        assert "resume" not in json.loads(state(youtube_channel).cursor)
        newer = youtube.add_comment(
            "vid2", "Encore", published=base + datetime.timedelta(minutes=9)
        )
        assert poll(youtube_channel).stored == 1
    assert stored == [200, 200, 50]
    assert set(Comment.objects.values_list("external_id", flat=True)) == {
        *ids,
        newer,
    }
    assert Comment.objects.count() == 451


def test_a_cursor_with_a_broken_resume_is_read_from_the_top(youtube_channel, youtube):
    first_poll(youtube_channel)
    cursor = json.loads(state(youtube_channel).cursor)
    ChannelState.objects.filter(pk=youtube_channel.pk).update(
        cursor=json.dumps({**cursor, "resume": {"token": 7, "top": None}})
    )
    added = youtube.add_comment(
        "vid1", "Bonjour", published=timezone.now() + datetime.timedelta(seconds=5)
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert poll(youtube_channel).stored == 1
    assert Comment.objects.get().external_id == added
