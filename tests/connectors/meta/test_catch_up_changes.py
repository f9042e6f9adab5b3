"""Instagram's edits and removals, noticed by the catch-up poll (Instagram
sends no webhook for them), against the loopback Graph API: an edit goes the
way of Facebook's pushed ``edited`` (re-matched, one event with the old
text), a comment no longer listed is removed on the platform, and only a
listing read whole concludes a removal."""

import pytest
from django.utils import timezone

from connectors.meta import connector as meta
from connectors.polling import poll_once
from moderation.models import Comment, Event, Notification
from moderation.registry import Post
from moderation.services.ingest import comments_ingest
from tests.connectors.meta import graph_server as gs

pytestmark = [pytest.mark.django_db]

INSULT = "Bande d'idiots ! Appelez-moi au 514-555-0199"
MEDIA = "123123123"


def comment_row(comment_id, text, *, username="abonne", replies=None):
    row = {
        "timestamp": timezone.now().isoformat(),
        "text": text,
        "id": comment_id,
        "username": username,
        "from": {"id": f"id-{username}", "username": username},
    }
    if replies is not None:
        row["replies"] = {"data": replies}
    return row


@pytest.fixture
def media(graph):
    """A media of the account, with the documentation's comment on it (and
    the account's own reply, which is not a comment to store)."""
    graph.media = [
        {"id": MEDIA, "caption": "Photo", "timestamp": timezone.now().isoformat()}
    ]
    graph.ig_comments[MEDIA] = gs.payload(
        "ig_media_comments",
        MESSAGE="Merci pour l'info",
        COMMENT_TIME=timezone.now().isoformat(),
    )["data"]
    return graph.ig_comments[MEDIA]


def poll(channel):
    outcome = poll_once(channel, force=True)
    assert outcome.error == "", outcome.error
    return outcome


def test_an_edit_read_by_the_catch_up_is_rematched_with_one_event(
    graph, instagram_channel, media
):
    assert poll(instagram_channel).stored == 1
    comment = Comment.objects.get()
    assert comment.severity == ""
    notifications = Notification.objects.count()
    media[0]["text"] = INSULT

    poll(instagram_channel)
    comment.refresh_from_db()
    assert comment.text == INSULT
    assert comment.severity != ""
    assert "offensive-content" in {m.rule for m in comment.matches.all()}
    [edit] = Event.objects.filter(comment=comment, action="edited_on_platform")
    assert edit.reason == "Merci pour l'info"

    # Read again the same: nothing written twice, no one told again.
    poll(instagram_channel)
    assert (
        Event.objects.filter(comment=comment, action="edited_on_platform").count() == 1
    )
    assert Notification.objects.count() == notifications
    assert Comment.objects.count() == 1


def test_a_comment_no_longer_listed_is_removed_on_the_platform_once(
    graph, instagram_channel, media
):
    media.append(comment_row("17870000000000001", "Je reste"))
    assert poll(instagram_channel).stored == 2
    del media[0]

    poll(instagram_channel)
    gone = Comment.objects.get(external_id="17870913679156914")
    assert gone.removed_on_platform_at is not None
    assert gone.text == "Merci pour l'info"  # kept on record
    kept = Comment.objects.get(external_id="17870000000000001")
    assert kept.removed_on_platform_at is None

    poll(instagram_channel)
    assert Event.objects.filter(action="removed_on_platform").count() == 1
    assert not Event.objects.filter(action="edited_on_platform")


def test_a_listing_that_failed_or_was_cut_short_removes_nothing(
    graph, instagram_channel, media
):
    for n in range(5):
        media.append(comment_row(f"1787000000000000{n}", f"Commentaire {n}"))
    graph.page_size = 2  # three pages
    assert poll(instagram_channel).stored == 6
    pages = graph.calls("GET", f"/{gs.VERSION}/{MEDIA}/comments")
    assert [bool(call[2].get("after")) for call in pages] == [False, True, True]
    del media[0]

    # A later page fails: the poll fails and nothing is concluded.
    graph.fail_pages = {MEDIA: 2}
    outcome = poll_once(instagram_channel, force=True)
    assert outcome.error
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)

    # More pages than a poll reads: what was not listed is not taken for gone.
    graph.fail_pages = {}
    graph.page_size = 1  # six pages, more than MAX_PAGES
    assert len(media) > meta.MAX_PAGES
    poll(instagram_channel)
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert not Event.objects.filter(action="removed_on_platform")

    # Read whole: now it is.
    graph.page_size = None
    poll(instagram_channel)
    [gone] = Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert gone.external_id == "17870913679156914"


def test_a_reply_is_removed_only_when_its_parents_replies_were_read_whole(
    graph, instagram_channel, media
):
    replies = media[0]["replies"]["data"]
    replies.append(comment_row("17870913679156999", "Une réponse d'abonné"))
    media.append(
        comment_row(
            "17870913679150000",
            "Un autre fil",
            replies=[comment_row("17870913679150001", "Réponse lointaine")],
        )
    )
    assert poll(instagram_channel).stored == 4
    assert (
        Comment.objects.get(external_id="17870913679156999").parent_external_id
        == "17870913679156914"
    )
    # Both replies gone, but the second thread's replies edge has more pages.
    del replies[-1]
    media[1]["replies"] = {
        "data": [],
        "paging": gs.payload(
            "cursor_paging", BEFORE="QQ", AFTER="QQ", PREVIOUS="", NEXT="https://x"
        ),
    }
    poll(instagram_channel)
    removed = Comment.objects.filter(removed_on_platform_at__isnull=False)
    assert list(removed.values_list("external_id", flat=True)) == ["17870913679156999"]


def test_other_channels_comments_are_left_alone(
    graph, instagram_channel, facebook_channel, media
):
    # A comment of another channel, on a post of the same id, not listed.
    [(theirs, _created)] = comments_ingest(
        items=[
            {
                "channel": facebook_channel,
                "external_id": "1000_9999",
                "author": "Quelqu'un",
                "text": "Ailleurs",
                "posted_at": timezone.now(),
                "post": Post(external_id=MEDIA),
            }
        ]
    )
    graph.feed = []
    poll(instagram_channel)
    poll(instagram_channel)
    theirs.refresh_from_db()
    assert theirs.removed_on_platform_at is None
    assert theirs.text == "Ailleurs"


def test_facebooks_catch_up_takes_no_absence_for_a_removal(graph, facebook_channel):
    # Facebook's comments edge is read with since: old comments are not in
    # it, and their removals come by webhook.
    [(stored, _created)] = comments_ingest(
        items=[
            {
                "channel": facebook_channel,
                "external_id": "2000_3000",
                "author": "Cinthia Doe",
                "text": "Merci",
                "posted_at": timezone.now(),
                "post": Post(external_id="1000_2000"),
            }
        ]
    )
    graph.feed = gs.payload("page_feed", POST_TIME=timezone.now().isoformat())["data"]
    poll(facebook_channel)
    stored.refresh_from_db()
    assert stored.removed_on_platform_at is None


def test_a_hidden_comment_is_not_taken_for_removed(graph, instagram_channel, media):
    poll(instagram_channel)
    Comment.objects.update(status=Comment.Status.HIDDEN, hidden_on_platform=True)
    del media[0]
    poll(instagram_channel)
    assert not Comment.objects.filter(removed_on_platform_at__isnull=False)
