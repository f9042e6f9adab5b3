"""Every role against every page and endpoint: allowed, or refused; nothing of
the content leaks in a refusal, and a refused write changes nothing.

Each entry names what opens it: ``None`` for the public, ``"authenticated"``
for anyone signed in, or a capability. The expected answer follows from the
roles' capabilities, so a capability moved from one role to another moves the
matrix with it.
"""

import datetime

import pytest

from moderation import services
from policies.models import PolicyVersion
from staffing.roles import Capability

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "api_reader", "responder", "approver", "manager"]
SECRET = "Texte confidentiel du commentaire"

PAGES = [
    ("/notices/", None),
    ("/disclosures/", None),
    ("/inbox/", Capability.TRIAGE),
    ("/inbox/{comment}/", Capability.TRIAGE),
    ("/approvals/", Capability.APPROVE),
    ("/coverage/", Capability.PLAN_COVERAGE),
    ("/sla/", Capability.VIEW_DASHBOARD),
    ("/sla/export.csv", Capability.VIEW_DASHBOARD),
    ("/dashboard/", Capability.VIEW_DASHBOARD),
    ("/backtest/{version}/", Capability.EDIT_POLICIES),
    ("/admin/", Capability.EDIT_POLICIES),
    ("/account/tokens/", "authenticated"),
]

API = [
    ("/api/v1/notices/", None),
    ("/api/v1/disclosures/", None),
    ("/api/v1/rules/", "authenticated"),
    ("/api/v1/legal-references/", "authenticated"),
    ("/api/v1/policy-versions/", "authenticated"),
    ("/api/v1/calendars/", "authenticated"),
    ("/api/v1/channels/", "authenticated"),
    ("/api/v1/comments/", Capability.TRIAGE),
    ("/api/v1/comments/{comment}/", Capability.TRIAGE),
    ("/api/v1/answers/", Capability.TRIAGE),
    ("/api/v1/coverage/gaps/", Capability.VIEW_DASHBOARD),
    ("/api/v1/sla/report/", Capability.VIEW_DASHBOARD),
]


@pytest.fixture
def world(personas, channel):
    comment, _ = services.comment_ingest(
        channel=channel,
        external_id="m-1",
        author="someone",
        text=SECRET,
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    return {"comment": comment.pk, "version": PolicyVersion.objects.get().pk}


def allowed(personas, persona, needs):
    if needs is None:
        return True
    if persona == "anonymous":
        return False
    return needs == "authenticated" or personas[persona].can(needs)


def sign_in(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "needs"), PAGES)
def test_pages(client, personas, world, persona, path, needs):
    sign_in(client, personas, persona)
    response = client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    if allowed(personas, persona, needs):
        assert response.status_code == 200, (persona, path, response.status_code)
        return
    if persona == "anonymous" or path == "/admin/":
        # To the sign-in page (the admin has its own).
        assert response.status_code == 302, (persona, path, response.status_code)
        assert "login" in response["Location"]
    else:
        assert response.status_code == 403, (persona, path, response.status_code)
    assert SECRET not in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "needs"), API)
def test_api(api_client, personas, world, persona, path, needs):
    if persona != "anonymous":
        api_client.force_authenticate(personas[persona])
    response = api_client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    if allowed(personas, persona, needs):
        assert response.status_code == 200, (persona, path, response.status_code)
        return
    expected = 401 if persona == "anonymous" else 403
    assert response.status_code == expected, (persona, path, response.status_code)
    assert SECRET not in body
    assert set(response.json()) == {"detail"}


# Every action that changes something: who may, and proof that a refused
# request changed nothing. Data is valid, so a missing check would show.
ITEM = {
    "channel": "facebook-main",
    "external_id": "m-new",
    "author": "someone",
    "text": "Bonjour",
    "posted_at": "2026-11-27T21:00:00Z",
}
PAGE_WRITES = [
    ("/inbox/bulk/", {"action": "close", "comments": ["{comment}"]}, Capability.TRIAGE),
    ("/inbox/{comment}/claim/", {}, Capability.TRIAGE),
    ("/inbox/{comment}/escalate/", {"reason": "Avis juridique"}, Capability.TRIAGE),
    ("/inbox/{comment}/hide/", {}, Capability.TRIAGE),
    ("/inbox/{comment}/close/", {}, Capability.TRIAGE),
    ("/inbox/{claimed}/answer/", {"body": "Merci."}, Capability.TRIAGE),
    ("/approvals/{answer}/approve/", {}, Capability.APPROVE),
    ("/approvals/{answer}/reject/", {"reason": "Ton"}, Capability.APPROVE),
    ("/deliveries/{delivery}/retry/", {}, Capability.APPROVE),
    (
        "/coverage/shifts/",
        {
            "responder": "{responder}",
            "starts_at": "2026-12-05T17:00",
            "ends_at": "2026-12-06T09:00",
            "role": "primary",
        },
        Capability.PLAN_COVERAGE,
    ),
    ("/coverage/shifts/{shift}/delete/", {}, Capability.PLAN_COVERAGE),
    ("/account/tokens/", {"name": "script", "days": "30"}, "authenticated"),
]
API_WRITES = [
    ("post", "/api/v1/comments/", ITEM, Capability.INGEST),
    ("post", "/api/v1/comments/bulk/", [ITEM], Capability.INGEST),
    ("post", "/api/v1/comments/{comment}/claim/", {}, Capability.TRIAGE),
    (
        "post",
        "/api/v1/comments/{comment}/escalate/",
        {"reason": "x"},
        Capability.TRIAGE,
    ),
    ("post", "/api/v1/comments/{comment}/hide/", {}, Capability.TRIAGE),
    ("post", "/api/v1/comments/{comment}/close/", {}, Capability.TRIAGE),
    ("post", "/api/v1/comments/{claimed}/answers/", {"body": "x"}, Capability.TRIAGE),
    ("post", "/api/v1/answers/{answer}/approve/", {}, Capability.APPROVE),
    ("post", "/api/v1/answers/{answer}/reject/", {"reason": "x"}, Capability.APPROVE),
    (
        "post",
        "/api/v1/channels/",
        {"slug": "x-new", "platform": "x", "handle": "org", "languages": ["fr"]},
        Capability.EDIT_POLICIES,
    ),
    (
        "patch",
        "/api/v1/channels/facebook-main/",
        {"active": False},
        Capability.EDIT_POLICIES,
    ),
    ("post", "/api/v1/classify/", {"text": "Bonjour"}, "authenticated"),
]


@pytest.fixture
def writable(world, personas, channel):
    from moderation.models import OutboxMessage
    from staffing.models import Shift

    claimed, _ = services.comment_ingest(
        channel=channel,
        external_id="m-2",
        author="someone",
        text="Votre service est le pire",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    services.comment_claim(comment=claimed, actor=personas["responder"])
    pending, _ = services.comment_ingest(
        channel=channel,
        external_id="m-3",
        author="someone",
        text="Votre service est le pire",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    services.comment_claim(comment=pending, actor=personas["responder"])
    answer = services.answer_submit(
        comment=pending, actor=personas["responder"], body="Merci, écrivez-nous."
    )
    delivery = OutboxMessage.objects.create(
        channel=channel,
        kind="sla.breach",
        payload={},
        status=OutboxMessage.Status.FAILED,
        next_attempt_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    shift = Shift.objects.create(
        responder=personas["responder"],
        starts_at=datetime.datetime(2026, 12, 1, 14, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC),
    )
    return {
        **world,
        "claimed": claimed.pk,
        "answer": answer.pk,
        "delivery": delivery.pk,
        "shift": shift.pk,
        "responder": personas["responder"].pk,
    }


def state():
    """Everything a write could change."""
    from moderation.models import Answer, Channel, Comment, Event, OutboxMessage
    from staffing.models import ApiToken, Shift

    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "assignee")),
        list(Answer.objects.order_by("pk").values_list("pk", "status", "body")),
        list(OutboxMessage.objects.order_by("pk").values_list("pk", "status")),
        list(Shift.objects.order_by("pk").values_list("pk", "starts_at")),
        list(Channel.objects.order_by("pk").values_list("slug", "active")),
        Event.objects.count(),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
    )


def fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "data", "needs"), PAGE_WRITES)
def test_page_writes(client, personas, writable, persona, path, data, needs):
    sign_in(client, personas, persona)
    before = state()
    response = client.post(path.format(**writable), fill(data, writable))
    refused_to_sign_in = response.status_code == 302 and "login" in response.get(
        "Location", ""
    )
    if allowed(personas, persona, needs):
        assert response.status_code < 500, (persona, path, response.status_code)
        assert response.status_code != 403 and not refused_to_sign_in, (persona, path)
        return
    if persona == "anonymous":
        assert refused_to_sign_in, (persona, path, response.status_code)
    else:
        assert response.status_code == 403, (persona, path, response.status_code)
    assert state() == before, (persona, path)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "data", "needs"), API_WRITES)
def test_api_writes(api_client, personas, writable, persona, method, path, data, needs):
    if persona != "anonymous":
        api_client.force_authenticate(personas[persona])
    before = state()
    send = getattr(api_client, method)
    response = send(path.format(**writable), fill(data, writable), format="json")
    if allowed(personas, persona, needs):
        assert response.status_code < 500, (persona, path, response.status_code)
        assert response.status_code not in (401, 403), (persona, path, response.json())
        return
    expected = 401 if persona == "anonymous" else 403
    assert response.status_code == expected, (persona, path, response.status_code)
    assert set(response.json()) == {"detail"}
    assert state() == before, (persona, path)
