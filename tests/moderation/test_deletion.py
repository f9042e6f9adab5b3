"""Deleting a comment on its platform: only where a rule's action says so,
only by a manager, confirmed on its own page, with its event, outbox
message and statement of reasons written together."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from decisions.models import Statement
from moderation.models import Comment, Event, OutboxMessage
from moderation.services.deletion import NotOffered, comment_delete
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import Conflict
from tests.conftest import make_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
INSULT = "Bande d'idiots, vous êtes des imbéciles"


def ingest(channel, text=INSULT, external_id="2000_3000"):
    comment, _created = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="jean.tremblay",
        text=text,
        posted_at=POSTED,
    )
    return comment


@pytest.fixture
def facebook(channel):
    channel.connector = "facebook"
    channel.save()
    return channel


def test_a_manager_deletes_where_the_rule_says_so(
    facebook, personas, deleting_rule, django_capture_on_commit_callbacks
):
    comment = ingest(facebook)
    assert deleting_rule in {m.rule for m in comment.matches.all()}
    with django_capture_on_commit_callbacks() as queued:
        comment_delete(comment=comment, actor=personas["manager"], reason="Insultes")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    [event] = Event.objects.filter(comment=comment, action="deleted")
    assert (event.actor, event.before, event.after, event.reason) == (
        personas["manager"],
        "new",
        "deleted",
        "Insultes",
    )
    [message] = OutboxMessage.objects.filter(comment=comment)
    assert message.kind == "comment.delete"
    assert message.payload["rules"] == [deleting_rule]
    assert len(queued) == 1  # the send, after commit
    [statement] = Statement.objects.filter(comment=comment)
    assert statement.kind == "deleted"
    assert statement.rule == deleting_rule
    assert statement.decided_by == personas["manager"]
    # Once: a second delete is a conflict, and writes nothing.
    with pytest.raises(Conflict):
        comment_delete(comment=comment, actor=personas["manager"], reason="encore")
    assert Statement.objects.filter(comment=comment).count() == 1


def test_a_hidden_comment_may_still_be_deleted(facebook, personas, deleting_rule):
    from moderation.services.triage import comment_hide

    comment = ingest(facebook)
    comment_hide(comment=comment, actor=personas["manager"], reason="x")
    comment_delete(comment=comment, actor=personas["manager"], reason="y")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert sorted(Statement.objects.values_list("kind", flat=True)) == [
        "deleted",
        "hidden",
    ]


@pytest.mark.parametrize(
    "persona", ["approver", "responder", "counsel", "api_reader", "outsider"]
)
def test_only_managers_delete(facebook, personas, deleting_rule, persona):
    comment = ingest(facebook)
    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, actor=personas[persona], reason="x")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NEW
    assert not OutboxMessage.objects.exists()
    assert not Statement.objects.exists()


def test_no_rule_that_says_delete_no_delete(facebook, personas):
    comment = ingest(facebook)
    assert comment.matches.exists()  # matched, but its rule says hide
    with pytest.raises(Conflict, match="hide it instead"):
        comment_delete(comment=comment, actor=personas["manager"], reason="x")
    assert not Event.objects.filter(action="deleted").exists()


def test_a_reason_is_required(facebook, personas, deleting_rule):
    comment = ingest(facebook)
    with pytest.raises(ValidationError):
        comment_delete(comment=comment, actor=personas["manager"], reason="  ")


@pytest.mark.parametrize("connector", ["mastodon", "bluesky", "outbox"])
def test_platforms_that_cannot_delete_refuse(
    channel, personas, deleting_rule, connector
):
    channel.connector = connector
    channel.save()
    comment = ingest(channel)
    with pytest.raises(NotOffered):
        comment_delete(comment=comment, actor=personas["manager"], reason="x")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NEW


def test_the_confirmation_page_says_what_will_happen_then_deletes(
    client, facebook, personas, deleting_rule
):
    comment = ingest(facebook)
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert reverse("moderation:comment-delete", args=[comment.pk]) in (
        page.content.decode()
    )
    url = reverse("moderation:comment-delete", args=[comment.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "The comment is deleted on Facebook Page" in text
    assert "It cannot be undone." in text
    assert "A statement of reasons is written" in text
    assert "csrfmiddlewaretoken" in text
    assert 'method="post"' in text
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.NEW
    done = client.post(url, {"reason": "Insultes répétées"})
    assert done.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content
    assert b"Deleted here; waiting for the platform to delete it." in page


def test_the_confirmation_page_refuses_others(
    client, facebook, personas, deleting_rule
):
    comment = ingest(facebook)
    url = reverse("moderation:comment-delete", args=[comment.pk])
    for persona in ("approver", "responder", "outsider"):
        client.force_login(personas[persona])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content
    assert url.encode() not in page
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.NEW


def test_the_confirmation_page_needs_csrf(facebook, personas, deleting_rule):
    from django.test import Client

    comment = ingest(facebook)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas["manager"])
    url = reverse("moderation:comment-delete", args=[comment.pk])
    assert strict.post(url, {"reason": "x"}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.NEW


def test_the_page_says_why_it_cannot_delete(client, facebook, personas):
    comment = ingest(facebook)
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("moderation:comment-delete", args=[comment.pk]))
    assert b"No rule of the rulebook says to delete this comment" in text.content
    assert b'id="confirm-delete"' not in text.content


def test_the_api_deletes_for_managers_only(client, facebook, personas, deleting_rule):
    comment = ingest(facebook)
    url = f"/api/v1/comments/{comment.pk}/delete/"
    for persona, status in (("responder", 403), ("approver", 403)):
        token = make_token(personas[persona])
        answer = client.post(
            url, {"reason": "x"}, headers={"Authorization": f"Token {token}"}
        )
        assert answer.status_code == status, (persona, answer.content)
    token = make_token(personas["manager"])
    auth = {"Authorization": f"Token {token}"}
    assert client.post(url, {"reason": ""}, headers=auth).status_code == 400
    answer = client.post(url, {"reason": "Insultes"}, headers=auth)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "deleted"
    assert client.post(url, {"reason": "again"}, headers=auth).status_code == 409
    # An HTTP DELETE on the comment itself is not a way around the checks.
    assert client.delete(f"/api/v1/comments/{comment.pk}/", headers=auth).status_code
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_api_says_no_rule_says_delete(client, facebook, personas):
    comment = ingest(facebook)
    token = make_token(personas["manager"])
    answer = client.post(
        f"/api/v1/comments/{comment.pk}/delete/",
        {"reason": "x"},
        headers={"Authorization": f"Token {token}", "Accept-Language": "en"},
    )
    assert answer.status_code == 409
    assert "hide it instead" in answer.json()["detail"]
