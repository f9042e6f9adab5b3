"""The comment page shows the thread: the post, the parent, the author, the
reply on the platform; and where a hide took effect."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import registry
from moderation.models import Comment, OutboxMessage, Post
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_hide
from tests.moderation.test_outbox import published_answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
HOSTILE = '<img src=x onerror="alert(1)">'


def page(client, comment):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def ingest(channel, external_id, **extra):
    comment, _ = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="someone",
        text=extra.pop("text", "Bonjour"),
        posted_at=POSTED,
        **extra,
    )
    return comment


@pytest.fixture
def thread(channel):
    parent = ingest(channel, "p-1", text=f"Premier {HOSTILE} appelez le 514-555-0199")
    child = ingest(
        channel,
        "c-1",
        parent="p-1",
        author_name=f"Alice {HOSTILE}",
        author_url="https://social.example/@alice",
        post=registry.Post(
            external_id="post-1",
            text=f"Notre annonce {HOSTILE}",
            url="https://social.example/org/post-1",
            posted_at=POSTED - datetime.timedelta(hours=2),
        ),
    )
    return parent, child


def test_the_page_shows_the_post_the_parent_and_the_author(client, manager, thread):
    parent, child = thread
    client.force_login(manager)
    html = page(client, child)
    assert "In answer to the organisation's post" in html
    assert "Notre annonce &lt;img" in html
    assert (
        'href="https://social.example/org/post-1" rel="noopener noreferrer nofollow"'
        in html
    )
    assert "In reply to" in html
    assert f'href="{reverse("moderation:comment", args=[parent.pk])}"' in html
    assert "Premier &lt;img" in html
    assert (
        '<a href="https://social.example/@alice" rel="noopener noreferrer nofollow">'
        "Alice &lt;img" in html
    )
    assert HOSTILE not in html


def test_a_parent_the_user_may_not_open_is_text_only_and_masked(
    client, personas, thread
):
    parent, child = thread
    # Escalated to counsel: they see this comment and not its parent's page.
    Comment.objects.filter(pk=child.pk).update(
        status=Comment.Status.ESCALATED, escalated_to=personas["counsel"]
    )
    client.force_login(personas["counsel"])
    html = page(client, child)
    assert "Premier &lt;img" in html
    assert f'href="{reverse("moderation:comment", args=[parent.pk])}"' not in html
    # Counsel is no approver: the phone number in the parent is blotted out.
    assert "514-555-0199" not in html


def test_a_parent_not_stored_is_said(client, manager, channel):
    child = ingest(channel, "c-2", parent="elsewhere")
    client.force_login(manager)
    assert "It replies to a comment that is not stored here." in page(client, child)


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:x"],
)
def test_links_from_the_platform_are_http_only(client, manager, channel, address):
    comment = ingest(channel, "c-3", author_name="Bob")
    post = Post.objects.create(channel=channel, external_id="p", url=address)
    Comment.objects.filter(pk=comment.pk).update(
        author_url=address, url=address, post=post
    )
    client.force_login(manager)
    html = page(client, comment)
    assert "javascript:" not in html.lower()
    assert "data:x" not in html
    assert "Author:\n  Bob\n" in html


def test_a_published_answer_links_to_the_reply_on_the_platform(
    client, manager, personas, channel
):
    answer = published_answer(channel, personas)
    OutboxMessage.objects.filter(answer=answer).update(
        status="sent", platform_id="r1", platform_url="https://social.example/r/1"
    )
    client.force_login(manager)
    html = page(client, answer.comment)
    assert (
        '<a href="https://social.example/r/1" rel="noopener noreferrer nofollow">'
        "the reply on the platform</a>" in html
    )


def test_hiding_where_the_platform_cannot_says_so(
    client, manager, channel, fake_platform
):
    channel.connector = "fake-test"
    channel.save()
    comment = ingest(channel, "c-4")
    client.force_login(manager)
    assert "here only" in page(client, comment)
    response = client.post(
        reverse("moderation:comment-hide", args=[comment.pk]),
        {"reason": "Spam"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert (
        "Hidden here only: it is still visible on the platform. "
        "The fake platform lets you mute the author instead." in html
    )
    assert "Hidden here only: the platform does not let this channel hide it." in html
    assert not OutboxMessage.objects.filter(comment=comment).exists()


@pytest.fixture
def hider():
    @registry.register
    class Hider(registry.Connector):
        name = "hider-test"
        label = "Hider"
        abilities = frozenset({registry.Ability.HIDE})

        def hide(self, channel, comment, *, hidden):
            return None

    yield Hider
    registry.unregister("hider-test")


def test_hiding_where_the_platform_can_shows_the_delivery(
    client, manager, channel, hider
):
    channel.connector = "hider-test"
    channel.save()
    comment = ingest(channel, "c-5")
    comment_hide(comment=comment, actor=manager, reason="Spam")
    client.force_login(manager)
    assert "waiting for the platform to hide it" in page(client, comment)
    OutboxMessage.objects.filter(comment=comment).update(status="sent")
    assert "Hidden here and on the platform." in page(client, comment)
    OutboxMessage.objects.filter(comment=comment).update(
        status="failed", last_error="The receiver could not be reached."
    )
    assert "the platform did not hide it: The receiver could not be reached." in page(
        client, comment
    )


def test_the_comment_page_costs_the_same_with_or_without_its_thread(
    client, manager, channel, thread, personas
):
    _parent, child = thread
    lone = ingest(channel, "lone")
    client.force_login(manager)

    def queries(comment):
        with CaptureQueriesContext(connection) as captured:
            page(client, comment)
        return len(captured)

    baseline = queries(lone)
    # The thread costs two queries (the parent and its matches), whatever it holds.
    assert queries(child) == baseline + 2
    # Each of them has an earlier comment by its author, so that the author
    # panel (empty for someone's first comment) costs the same on each page.
    comment_ingest(
        channel=channel,
        external_id="x-earlier",
        author="x",
        text="Bonjour",
        posted_at=POSTED - datetime.timedelta(hours=1),
    )
    answered = [
        published_answer(channel, personas, external_id=f"a-{n}").comment
        for n in range(3)
    ]
    for n, comment in enumerate(answered):
        for _ in range(n):
            OutboxMessage.objects.create(
                channel=channel, comment=comment, kind=registry.HIDE_KIND, payload={}
            )
    assert len({queries(comment) for comment in answered}) == 1
