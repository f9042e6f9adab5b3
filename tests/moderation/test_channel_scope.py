"""A responder scoped to some channels reads and acts on those channels only,
on every page, endpoint and service; managers see every channel."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.roles import Role
from moderation import selectors
from moderation.models import Channel, Comment, Event
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.escalation import comment_escalate
from moderation.services.ingest import comment_ingest
from moderation.services.triage import (
    comment_claim,
    comment_close,
    comment_hide,
    comment_reassign,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


@pytest.fixture
def scope(personas, channel):
    elsewhere = Channel.objects.create(
        slug="x-elsewhere",
        platform="x",
        handle="organisation",
        languages=["fr"],
        calendar=channel.calendar,
    )
    mine, _ = comment_ingest(
        channel=elsewhere,
        external_id="s-1",
        author="ici",
        text="Votre service est le pire",
        posted_at=POSTED,
    )
    theirs, _ = comment_ingest(
        channel=channel,
        external_id="s-2",
        author="ailleurs",
        text="Votre service est le pire",
        posted_at=POSTED,
    )
    scoped = make_user("scoped", [Role.RESPONDER], channels=[elsewhere.slug])
    return {"scoped": scoped, "mine": mine, "theirs": theirs, "elsewhere": elsewhere}


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "assignee")),
        Event.objects.count(),
    )


def test_the_inbox_and_the_api_list_only_the_scoped_channels(
    client, api_client, personas, scope
):
    client.force_login(scope["scoped"])
    page = client.get(reverse("moderation:inbox"))
    assert [row.comment.pk for row in page.context["rows"]] == [scope["mine"].pk]
    assert [c.slug for c in page.context["channels"]] == ["x-elsewhere"]
    # Asking for another channel by name finds nothing either.
    other = client.get(reverse("moderation:inbox"), {"channel": "facebook-main"})
    assert list(other.context["rows"]) == []
    api_client.force_authenticate(scope["scoped"])
    listed = api_client.get("/api/v1/comments/").json()["results"]
    assert [c["id"] for c in listed] == [scope["mine"].pk]
    # Managers see every channel.
    client.force_login(personas["manager"])
    page = client.get(reverse("moderation:inbox"))
    assert {row.comment.pk for row in page.context["rows"]} == {
        scope["mine"].pk,
        scope["theirs"].pk,
    }


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("moderation:comment-claim", {}),
        ("moderation:comment-hide", {}),
        ("moderation:comment-close", {}),
        ("moderation:comment-escalate", {"reason": "Avis juridique"}),
        ("moderation:comment-answer", {"body": "Merci."}),
    ],
)
def test_page_actions_outside_the_scope_are_not_found(client, scope, path, data):
    client.force_login(scope["scoped"])
    before = snapshot()
    assert (
        client.get(reverse("moderation:comment", args=[scope["theirs"].pk])).status_code
        == 404
    )
    response = client.post(reverse(path, args=[scope["theirs"].pk]), data)
    assert response.status_code == 404
    assert snapshot() == before
    # The same action on a comment of the scope is not refused.
    response = client.post(reverse(path, args=[scope["mine"].pk]), data)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("claim", {}),
        ("hide", {}),
        ("close", {}),
        ("escalate", {"reason": "x"}),
        ("release", {}),
        ("answers", {"body": "x"}),
    ],
)
def test_api_actions_outside_the_scope_are_not_found(api_client, scope, action, data):
    api_client.force_authenticate(scope["scoped"])
    before = snapshot()
    theirs = scope["theirs"].pk
    assert api_client.get(f"/api/v1/comments/{theirs}/").status_code == 404
    response = api_client.post(
        f"/api/v1/comments/{theirs}/{action}/", data, format="json"
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_bulk_actions_refuse_comments_outside_the_scope(client, scope):
    client.force_login(scope["scoped"])
    before = snapshot()
    response = client.post(
        reverse("moderation:inbox-bulk"),
        {"action": "close", "comments": [scope["mine"].pk, scope["theirs"].pk]},
    )
    assert response.status_code == 302
    assert snapshot() == before  # the whole selection is refused


@pytest.mark.parametrize(
    "service",
    [
        comment_claim,
        comment_hide,
        comment_close,
        lambda **kw: comment_escalate(reason="x", **kw),
        lambda **kw: answer_submit(body="x", **kw),
    ],
)
def test_services_refuse_actions_outside_the_scope(scope, service):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        service(comment=scope["theirs"], actor=scope["scoped"])
    assert snapshot() == before


def test_a_scoped_approver_sees_and_decides_on_their_channels_only(
    client, personas, scope
):
    responder = personas["responder"]
    comment_claim(comment=scope["theirs"], actor=responder)
    answer = answer_submit(
        comment=scope["theirs"], actor=responder, body="Merci, écrivez-nous."
    )
    assert answer.status == "pending_approval"  # the responder is not delegated
    approver = make_user("scoped-approver", [Role.APPROVER], channels=["x-elsewhere"])
    client.force_login(approver)
    page = client.get(reverse("moderation:approvals"))
    assert page.context["answers"] == []
    response = client.post(reverse("moderation:answer-approve", args=[answer.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        answer_approve(answer=answer, actor=approver)
    answer.refresh_from_db()
    assert answer.status == "pending_approval"


def test_managers_cannot_hand_a_comment_to_someone_outside_its_channel(personas, scope):
    with pytest.raises(ValidationError) as refused:
        comment_reassign(
            comment=scope["theirs"], actor=personas["manager"], to=scope["scoped"]
        )
    assert "to" in refused.value.message_dict
    assert Comment.objects.get(pk=scope["theirs"].pk).assignee is None


def test_an_inactive_account_sees_no_comment(scope):
    scope["scoped"].is_active = False
    assert not selectors.comments_visible_to(scope["scoped"]).exists()


def test_the_scoped_inbox_runs_the_same_queries(
    client, personas, scope, django_assert_max_num_queries
):
    client.force_login(scope["scoped"])
    # Nine, one for the crisis banner, one for the views' counts, one for the
    # person's saved filters and one for the navigation's Mentions badge.
    with django_assert_max_num_queries(13):
        client.get(reverse("moderation:inbox"))


def test_an_approver_of_one_channel_reports_on_that_channel_only(
    client, api_client, scope
):
    """The SLA dashboard, its CSV and the API count and list the channels the
    reader may see: another channel is not a choice."""
    Comment.objects.update(breached_at=POSTED + datetime.timedelta(hours=2))
    approver = make_user(
        "scoped-approver", [Role.APPROVER], channels=[scope["elsewhere"].slug]
    )
    period = {"from": "2026-11-27", "to": "2026-11-28"}
    api_client.force_authenticate(approver)
    report = api_client.get("/api/v1/sla/report/", period).json()
    assert (report["count"], report["breached"]) == (1, 1)  # "x-elsewhere" only
    refused = api_client.get(
        "/api/v1/sla/report/", {**period, "channel": "facebook-main"}
    )
    assert refused.status_code == 400
    assert "channel" in refused.json()
    client.force_login(approver)
    csv = client.get(reverse("moderation:sla-export"), {**period, "rows": "breaches"})
    body = csv.content.decode()
    assert "s-1" in body and "s-2" not in body
    page = client.get(reverse("moderation:sla"), period)
    assert [c.pk for c in page.context["breaches"]] == [scope["mine"].pk]
