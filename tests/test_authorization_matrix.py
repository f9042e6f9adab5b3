"""Every role against every page and endpoint: allowed, or refused; nothing of
the content leaks in a refusal, and a refused write changes nothing.

Each entry names what opens it: ``None`` for the public, ``"authenticated"``
for anyone signed in, a capability, a tuple of capabilities (any of them), or
``Holds``: the persona who holds the object (or it is escalated to), besides
the holders of a capability. The expected answer follows from the roles'
capabilities, so a capability moved from one role to another moves the
matrix with it.

Two more personas: an account switched off (``inactive``, a responder whose
session outlived it), treated as nobody; and a responder scoped to another
channel (``scoped_responder``), to whom the comments of this one do not exist
(404). Counsel sees only what is escalated to them: other comments do not exist
for them either. The comment holds a phone number: nobody but approvers and
managers (it has no assignee) ever gets it, allowed or not.
"""

import datetime
from dataclasses import dataclass

import pytest

from moderation.services.answers import answer_submit
from moderation.services.escalation import comment_escalate
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import WORKERS
from moderation.services.triage import comment_claim
from policies.models import PolicyVersion
from staffing.roles import Capability, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "inactive",
    "outsider",
    "api_reader",
    "responder",
    "scoped_responder",
    "approver",
    "counsel",
    "manager",
]
# Treated as nobody: the sign-in page, or 401.
SIGNED_OUT = {"anonymous", "inactive"}
SECRET = "Texte confidentiel du commentaire"
PERSONAL = "514-555-0199"
# Who needs to see the comment's personal data (moderation.access).
SEES_PERSONAL = {"approver", "manager"}
# Addresses naming a comment (or an answer to one) of the channel, which the
# scoped responder does not serve; all but the escalated one are hidden from
# counsel too.
OUT_OF_SCOPE = ("{comment}", "{claimed}", "{answer}", "{escalated}")
NOT_ESCALATED = ("{comment}", "{claimed}", "{answer}")
# Responders, counsel (on what is escalated to them) and managers.


@dataclass(frozen=True)
class Holds:
    """Open to the persona holding the object, and to holders of ``capability``."""

    persona: str
    capability: str = Capability.PLAN_COVERAGE


PAGES = [
    ("/notices/", None),
    ("/disclosures/", None),
    ("/inbox/", WORKERS),
    ("/inbox/{comment}/", Capability.TRIAGE),
    ("/inbox/{escalated}/", Holds("counsel", Capability.TRIAGE)),
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
    ("/api/v1/comments/", WORKERS),
    ("/api/v1/comments/{comment}/", Capability.TRIAGE),
    ("/api/v1/comments/{escalated}/", Holds("counsel", Capability.TRIAGE)),
    ("/api/v1/answers/", Capability.TRIAGE),
    ("/api/v1/coverage/gaps/", Capability.VIEW_DASHBOARD),
    ("/api/v1/sla/report/", Capability.VIEW_DASHBOARD),
]


@pytest.fixture
def personas(personas):
    """The shared personas, an account switched off and a scoped responder."""
    return {
        **personas,
        "inactive": make_user("inactive", [Role.RESPONDER], is_active=False),
        "scoped_responder": make_user(
            "scoped", [Role.RESPONDER], channels=["x-elsewhere"]
        ),
    }


@pytest.fixture
def world(personas, channel):
    comment, _ = comment_ingest(
        channel=channel,
        external_id="m-1",
        author="someone",
        text=f"{SECRET}, appelez-la au {PERSONAL}",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    # Defamation: its rule sends the escalation to counsel.
    escalated, _ = comment_ingest(
        channel=channel,
        external_id="m-legal",
        author="someone",
        text="Vous êtes des escrocs",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    comment_escalate(
        comment=escalated, actor=personas["responder"], reason="Diffamation"
    )
    return {
        "comment": comment.pk,
        "escalated": escalated.pk,
        "version": PolicyVersion.objects.get().pk,
    }


def allowed(personas, persona, needs):
    if needs is None:
        return True
    if persona in SIGNED_OUT:
        return False
    if needs == "authenticated":
        return True
    user = personas[persona]
    if isinstance(needs, Holds):
        return persona == needs.persona or user.can(needs.capability)
    if isinstance(needs, tuple):
        return any(user.can(capability) for capability in needs)
    return user.can(needs)


def out_of_scope(persona, path, data=None):
    """Return whether the address names an object ``persona`` may not see."""
    named = path + repr(data)
    hidden = {"scoped_responder": OUT_OF_SCOPE, "counsel": NOT_ESCALATED}
    return any(key in named for key in hidden.get(persona, ()))


def sign_in(client, personas, persona):
    # A session, for the account switched off too: it must not outlive it.
    if persona != "anonymous":
        client.force_login(personas[persona])


def sign_in_api(api_client, personas, persona):
    if persona == "inactive":
        api_client.force_login(personas[persona])
    elif persona != "anonymous":
        api_client.force_authenticate(personas[persona])


def assert_nothing_personal(persona, path, body):
    if persona not in SEES_PERSONAL:
        assert PERSONAL not in body, (persona, path)


def refused_status(persona, path, data=None):
    """Return the answer to a refused persona: 403, or 404 where the object is
    one they may not see (it is looked up among those they may)."""
    return 404 if out_of_scope(persona, path, data) else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "needs"), PAGES)
def test_pages(client, personas, world, persona, path, needs):
    sign_in(client, personas, persona)
    response = client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    assert_nothing_personal(persona, path, body)
    if persona == "scoped_responder":
        assert SECRET not in body, (persona, path)
    if allowed(personas, persona, needs) and out_of_scope(persona, path):
        assert response.status_code == 404, (persona, path, response.status_code)
        return
    if allowed(personas, persona, needs):
        assert response.status_code == 200, (persona, path, response.status_code)
        return
    if persona in SIGNED_OUT or path == "/admin/":
        # To the sign-in page (the admin has its own).
        assert response.status_code == 302, (persona, path, response.status_code)
        assert "login" in response["Location"]
    else:
        expected = refused_status(persona, path)
        assert response.status_code == expected, (persona, path, response.status_code)
    assert SECRET not in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "needs"), API)
def test_api(api_client, personas, world, persona, path, needs):
    sign_in_api(api_client, personas, persona)
    response = api_client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    assert_nothing_personal(persona, path, body)
    if persona == "scoped_responder":
        assert SECRET not in body, (persona, path)
    if allowed(personas, persona, needs) and out_of_scope(persona, path):
        assert response.status_code == 404, (persona, path, response.status_code)
        return
    if allowed(personas, persona, needs):
        assert response.status_code == 200, (persona, path, response.status_code)
        return
    expected = 401 if persona in SIGNED_OUT else refused_status(persona, path)
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
    (
        "/inbox/bulk/",
        {"action": "close", "comments": ["{comment}"], "reason": "Rien"},
        Capability.TRIAGE,
    ),
    ("/inbox/{comment}/claim/", {}, Capability.TRIAGE),
    ("/inbox/{comment}/escalate/", {"reason": "Avis juridique"}, Capability.TRIAGE),
    ("/inbox/{comment}/hide/", {"reason": "Spam"}, Capability.TRIAGE),
    ("/inbox/{comment}/close/", {"reason": "Rien"}, Capability.TRIAGE),
    # Held by the responder: theirs, or a manager's, to settle.
    ("/inbox/{claimed}/hide/", {"reason": "Spam"}, Holds("responder")),
    ("/inbox/{claimed}/close/", {"reason": "Rien"}, Holds("responder")),
    ("/inbox/{claimed}/escalate/", {"reason": "Avis"}, Holds("responder")),
    # Escalated to counsel: theirs, or a manager's.
    ("/inbox/{escalated}/hide/", {"reason": "Spam"}, Holds("counsel")),
    ("/inbox/{escalated}/close/", {"reason": "Rien"}, Holds("counsel")),
    ("/inbox/{escalated}/take/", {}, Holds("counsel")),
    ("/inbox/{escalated}/send-back/", {"reason": "Rien"}, Holds("counsel")),
    (
        "/inbox/{escalated}/reassign/",
        {"to": "{manager}"},
        Capability.PLAN_COVERAGE,
    ),
    ("/inbox/{escalated}/answer/", {"body": "Écrivez-nous."}, WORKERS),
    ("/inbox/{claimed}/answer/", {"body": "Merci."}, WORKERS),
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
    ("post", "/api/v1/comments/{comment}/hide/", {"reason": "x"}, Capability.TRIAGE),
    ("post", "/api/v1/comments/{comment}/close/", {"reason": "x"}, Capability.TRIAGE),
    ("post", "/api/v1/comments/{claimed}/hide/", {"reason": "x"}, Holds("responder")),
    ("post", "/api/v1/comments/{claimed}/close/", {"reason": "x"}, Holds("responder")),
    (
        "post",
        "/api/v1/comments/{escalated}/hide/",
        {"reason": "x"},
        Holds("counsel"),
    ),
    (
        "post",
        "/api/v1/comments/{escalated}/close/",
        {"reason": "x"},
        Holds("counsel"),
    ),
    ("post", "/api/v1/comments/{escalated}/take/", {}, Holds("counsel")),
    (
        "post",
        "/api/v1/comments/{escalated}/send-back/",
        {"reason": "x"},
        Holds("counsel"),
    ),
    (
        "post",
        "/api/v1/comments/{escalated}/reassign/",
        {"to": "manager"},
        Capability.PLAN_COVERAGE,
    ),
    ("post", "/api/v1/comments/{escalated}/answers/", {"body": "x"}, WORKERS),
    ("post", "/api/v1/comments/{claimed}/answers/", {"body": "x"}, WORKERS),
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

    claimed, _ = comment_ingest(
        channel=channel,
        external_id="m-2",
        author="someone",
        text="Votre service est le pire",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    comment_claim(comment=claimed, actor=personas["responder"])
    pending, _ = comment_ingest(
        channel=channel,
        external_id="m-3",
        author="someone",
        text="Votre service est le pire",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    comment_claim(comment=pending, actor=personas["responder"])
    answer = answer_submit(
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
        "manager": personas["manager"].pk,
    }


def state():
    """Everything a write could change."""
    from moderation.models import Answer, Channel, Comment, Event, OutboxMessage
    from staffing.models import ApiToken, Shift

    return (
        list(
            Comment.objects.order_by("pk").values_list(
                "pk", "status", "assignee", "escalated_to"
            )
        ),
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
    if allowed(personas, persona, needs) and out_of_scope(persona, path, data):
        # Not found; the bulk form refuses the comment and says so.
        expected = 302 if path == "/inbox/bulk/" else 404
        assert response.status_code == expected, (persona, path, response.status_code)
        assert state() == before, (persona, path)
        return
    if allowed(personas, persona, needs):
        assert response.status_code < 500, (persona, path, response.status_code)
        assert response.status_code != 403 and not refused_to_sign_in, (persona, path)
        return
    if persona in SIGNED_OUT:
        assert refused_to_sign_in, (persona, path, response.status_code)
    else:
        assert response.status_code in (403, refused_status(persona, path, data)), (
            persona,
            path,
            response.status_code,
        )
    assert state() == before, (persona, path)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "data", "needs"), API_WRITES)
def test_api_writes(api_client, personas, writable, persona, method, path, data, needs):
    sign_in_api(api_client, personas, persona)
    before = state()
    send = getattr(api_client, method)
    response = send(path.format(**writable), fill(data, writable), format="json")
    if not (path.endswith(("/claim/", "/take/")) and response.status_code == 200):
        # Who claims the comment becomes its assignee, and needs to see it.
        assert_nothing_personal(persona, path, response.content.decode())
    if allowed(personas, persona, needs) and out_of_scope(persona, path):
        assert response.status_code == 404, (persona, path, response.status_code)
        assert state() == before, (persona, path)
        return
    if allowed(personas, persona, needs):
        assert response.status_code < 500, (persona, path, response.status_code)
        assert response.status_code not in (401, 403), (persona, path, response.json())
        return
    # Refused by capability before the object is looked up (403), or not found
    # among the objects one may see (404).
    refused = {403, refused_status(persona, path)}
    expected = {401} if persona in SIGNED_OUT else refused
    assert response.status_code in expected, (persona, path, response.status_code)
    assert set(response.json()) == {"detail"}
    assert state() == before, (persona, path)
