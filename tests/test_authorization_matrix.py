"""Every role against every page and endpoint: allowed, or refused; nothing of
the content leaks in a refusal, and a refused write changes nothing.

The expected answers are written out, persona by persona, from who may do
what: they do not follow from the roles' capabilities, so a capability granted
to the wrong role, or taken from the right one, fails here.

Two more personas: an account switched off (``inactive``, a responder whose
session outlived it), treated as nobody; and a responder scoped to another
channel (``scoped_responder``), to whom the comments of this one do not exist
(404). Counsel sees only what is escalated to them: other comments do not exist
for them either. The comment holds a phone number: nobody but approvers and
managers (it has no assignee) ever gets it, allowed or not.
"""

import datetime

import pytest

from core.roles import Role
from moderation.services.answers import answer_submit
from moderation.services.escalation import comment_escalate
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim, comment_hide
from policies.models import PolicyVersion
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# The columns of the tables below, in this order.
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
SECRET = "Texte confidentiel du commentaire"
PERSONAL = "514-555-0199"
# Who needs to see the comment's personal data (moderation.access).
SEES_PERSONAL = {"approver", "manager"}

# A redirect to the sign-in page (the admin has its own); nothing changed.
LOGIN = "login"
# A redirect back to the page, which says why nothing was done.
BACK = "back"

# GET: the answer each persona gets.
PAGES = {
    "/notices/": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/disclosures/": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/inbox/": (LOGIN, LOGIN, 403, 403, 200, 200, 200, 200, 200),
    "/inbox/{comment}/": (LOGIN, LOGIN, 403, 403, 200, 404, 200, 404, 200),
    "/inbox/{escalated}/": (LOGIN, LOGIN, 403, 403, 200, 404, 200, 200, 200),
    "/approvals/": (LOGIN, LOGIN, 403, 403, 403, 403, 200, 403, 200),
    "/coverage/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "/sla/": (LOGIN, LOGIN, 403, 403, 403, 403, 200, 403, 200),
    "/sla/export.csv": (LOGIN, LOGIN, 403, 403, 403, 403, 200, 403, 200),
    "/dashboard/": (LOGIN, LOGIN, 403, 403, 403, 403, 200, 403, 200),
    "/backtest/{version}/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "/admin/": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200),
    "/account/tokens/": (LOGIN, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    "/channels/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "/channels/connect/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "/channels/{channel}/edit/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "/channels/meta/connect/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    # Without a sign-in under way, the manager is sent to start one.
    "/channels/meta/pages/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302),
    "/channels/meta/callback/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302),
}

API = {
    "/api/v1/notices/": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/disclosures/": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/rules/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/legal-references/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/policy-versions/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/calendars/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/channels/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/comments/": (401, 401, 403, 403, 200, 200, 200, 200, 200),
    "/api/v1/comments/{comment}/": (401, 401, 403, 403, 200, 404, 200, 404, 200),
    "/api/v1/comments/{escalated}/": (401, 401, 403, 403, 200, 404, 200, 200, 200),
    "/api/v1/answers/": (401, 401, 403, 403, 200, 200, 200, 403, 200),
    # Each person's own saved filters.
    "/api/v1/saved-filters/": (401, 401, 403, 403, 200, 200, 200, 200, 200),
    "/api/v1/coverage/gaps/": (401, 401, 403, 403, 403, 403, 200, 403, 200),
    "/api/v1/sla/report/": (401, 401, 403, 403, 403, 403, 200, 403, 200),
}


def cases(table):
    """Return one ``(address, persona, expected answer)`` per cell of ``table``."""
    return [
        pytest.param(address, persona, expected, id=f"{address}-{persona}")
        for address, row in table.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
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
        "channel": channel.pk,
        "calendar": channel.calendar_id,
    }


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


def answer(response):
    """Return the status code, or ``LOGIN`` for a redirect to the sign-in page."""
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("path", "persona", "expected"), cases(PAGES))
def test_pages(client, personas, world, path, persona, expected):
    sign_in(client, personas, persona)
    response = client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    assert answer(response) == expected, (persona, path, response.status_code)
    assert_nothing_personal(persona, path, body)
    if persona == "scoped_responder" or expected != 200:
        assert SECRET not in body, (persona, path)


@pytest.mark.parametrize(("path", "persona", "expected"), cases(API))
def test_api(api_client, personas, world, path, persona, expected):
    sign_in_api(api_client, personas, persona)
    response = api_client.get(path.format(**world))
    body = response.content.decode(errors="replace")
    assert response.status_code == expected, (persona, path, response.status_code)
    assert_nothing_personal(persona, path, body)
    if persona == "scoped_responder" or expected != 200:
        assert SECRET not in body, (persona, path)
    if expected != 200:
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
# POST: what is sent, then the answer each persona gets. 302 (or 200 for the
# token form) is done; the comment held by the responder (claimed), or
# escalated to counsel, is theirs or a manager's to settle.
PAGE_WRITES = {
    "/inbox/bulk/": {"action": "close", "comments": ["{comment}"], "reason": "Rien"},
    "/inbox/{comment}/claim/": {},
    "/inbox/{comment}/escalate/": {"reason": "Avis juridique"},
    "/inbox/{comment}/hide/": {"reason": "Spam"},
    "/inbox/{comment}/close/": {"reason": "Rien"},
    "/inbox/{claimed}/hide/": {"reason": "Spam"},
    "/inbox/{claimed}/close/": {"reason": "Rien"},
    "/inbox/{claimed}/escalate/": {"reason": "Avis"},
    "/inbox/{escalated}/hide/": {"reason": "Spam"},
    "/inbox/{hidden}/unhide/": {"reason": "Appel accueilli"},
    "/inbox/{escalated}/close/": {"reason": "Rien"},
    "/inbox/{escalated}/take/": {},
    "/inbox/{escalated}/send-back/": {"reason": "Rien"},
    "/inbox/{escalated}/reassign/": {"to": "{manager}"},
    "/inbox/{escalated}/answer/": {"body": "Écrivez-nous."},
    "/inbox/{claimed}/answer/": {"body": "Merci."},
    "/inbox/filters/": {"name": "Factures", "query": "q=facture"},
    "/approvals/{answer}/approve/": {},
    "/approvals/{answer}/reject/": {"reason": "Ton"},
    "/deliveries/{delivery}/retry/": {},
    "/coverage/shifts/": {
        "responder": "{responder}",
        "starts_at": "2026-12-05T17:00",
        "ends_at": "2026-12-06T09:00",
        "role": "primary",
    },
    "/coverage/shifts/{shift}/delete/": {},
    "/account/tokens/": {"name": "script", "days": "30"},
    "/channels/connect/": {
        "connector": "outbox",
        "slug": "x-new",
        "platform": "x",
        "handle": "org",
        "languages": ["fr"],
        "calendar": "{calendar}",
        "active": "on",
        "action": "save",
    },
    # Sent without "active": saved, the channel is switched off.
    "/channels/{channel}/edit/": {
        "connector": "outbox",
        "platform": "facebook",
        "handle": "organisation",
        "calendar": "{calendar}",
        "action": "save",
    },
}
PAGE_WRITE_ANSWERS = {
    # The bulk form refuses the comment the scoped responder may not see.
    "/inbox/bulk/": (LOGIN, LOGIN, 403, 403, 302, BACK, 302, 403, 302),
    "/inbox/{comment}/claim/": (LOGIN, LOGIN, 403, 403, 302, 404, 302, 404, 302),
    "/inbox/{comment}/escalate/": (LOGIN, LOGIN, 403, 403, 302, 404, 302, 404, 302),
    "/inbox/{comment}/hide/": (LOGIN, LOGIN, 403, 403, 302, 404, 302, 404, 302),
    "/inbox/{comment}/close/": (LOGIN, LOGIN, 403, 403, 302, 404, 302, 404, 302),
    "/inbox/{claimed}/hide/": (LOGIN, LOGIN, 403, 403, 302, 404, 403, 404, 302),
    "/inbox/{claimed}/close/": (LOGIN, LOGIN, 403, 403, 302, 404, 403, 404, 302),
    "/inbox/{claimed}/escalate/": (LOGIN, LOGIN, 403, 403, 302, 404, 403, 404, 302),
    "/inbox/{escalated}/hide/": (LOGIN, LOGIN, 403, 403, 403, 404, 403, 302, 302),
    # Only managers show a hidden comment again.
    "/inbox/{hidden}/unhide/": (LOGIN, LOGIN, 403, 403, 403, 404, 403, 404, 302),
    "/inbox/{escalated}/close/": (LOGIN, LOGIN, 403, 403, 403, 404, 403, 302, 302),
    "/inbox/{escalated}/take/": (LOGIN, LOGIN, 403, 403, 403, 404, 403, 302, 302),
    "/inbox/{escalated}/send-back/": (
        LOGIN, LOGIN, 403, 403, 403, 404, 403, 302, 302,
    ),
    "/inbox/{escalated}/reassign/": (
        LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302,
    ),
    # Only the holder answers: counsel here, the responder below.
    "/inbox/{escalated}/answer/": (
        LOGIN, LOGIN, 403, 403, BACK, 404, BACK, 302, BACK,
    ),
    "/inbox/{claimed}/answer/": (LOGIN, LOGIN, 403, 403, 302, 404, BACK, 404, BACK),
    # Whoever works the inbox saves filters, for themselves only.
    "/inbox/filters/": (LOGIN, LOGIN, 403, 403, 302, 302, 302, 302, 302),
    "/approvals/{answer}/approve/": (
        LOGIN, LOGIN, 403, 403, 403, 403, 302, 403, 302,
    ),
    "/approvals/{answer}/reject/": (LOGIN, LOGIN, 403, 403, 403, 403, 302, 403, 302),
    "/deliveries/{delivery}/retry/": (
        LOGIN, LOGIN, 403, 403, 403, 403, 302, 403, 302,
    ),
    "/coverage/shifts/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302),
    "/coverage/shifts/{shift}/delete/": (
        LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302,
    ),
    "/account/tokens/": (LOGIN, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    "/channels/connect/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302),
    "/channels/{channel}/edit/": (LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 302),
}  # fmt: skip
API_WRITES = {
    "post /api/v1/comments/": ITEM,
    "post /api/v1/saved-filters/": {"name": "Factures", "query": "q=facture"},
    "post /api/v1/comments/bulk/": [ITEM],
    "post /api/v1/comments/{comment}/claim/": {},
    "post /api/v1/comments/{comment}/escalate/": {"reason": "x"},
    "post /api/v1/comments/{comment}/hide/": {"reason": "x"},
    "post /api/v1/comments/{comment}/close/": {"reason": "x"},
    "post /api/v1/comments/{claimed}/hide/": {"reason": "x"},
    "post /api/v1/comments/{claimed}/close/": {"reason": "x"},
    "post /api/v1/comments/{escalated}/hide/": {"reason": "x"},
    "post /api/v1/comments/{hidden}/unhide/": {"reason": "x"},
    "post /api/v1/comments/{escalated}/close/": {"reason": "x"},
    "post /api/v1/comments/{escalated}/take/": {},
    "post /api/v1/comments/{escalated}/send-back/": {"reason": "x"},
    "post /api/v1/comments/{escalated}/reassign/": {"to": "manager"},
    "post /api/v1/comments/{escalated}/answers/": {"body": "x"},
    "post /api/v1/comments/{claimed}/answers/": {"body": "x"},
    "post /api/v1/answers/{answer}/approve/": {},
    "post /api/v1/answers/{answer}/reject/": {"reason": "x"},
    "post /api/v1/channels/": {
        "slug": "x-new",
        "platform": "x",
        "handle": "org",
        "languages": ["fr"],
        "calendar": "24-7",
    },
    "patch /api/v1/channels/facebook-main/": {"active": False},
    "post /api/v1/classify/": {"text": "Bonjour"},
}
# 409: allowed to answer, but the comment is not theirs to answer.
API_WRITE_ANSWERS = {
    "post /api/v1/comments/": (401, 401, 403, 201, 403, 403, 403, 403, 201),
    "post /api/v1/saved-filters/": (401, 401, 403, 403, 201, 201, 201, 201, 201),
    "post /api/v1/comments/bulk/": (401, 401, 403, 200, 403, 403, 403, 403, 200),
    "post /api/v1/comments/{comment}/claim/": (
        401, 401, 403, 403, 200, 404, 200, 403, 200,
    ),
    "post /api/v1/comments/{comment}/escalate/": (
        401, 401, 403, 403, 200, 404, 200, 403, 200,
    ),
    "post /api/v1/comments/{comment}/hide/": (
        401, 401, 403, 403, 200, 404, 200, 404, 200,
    ),
    "post /api/v1/comments/{comment}/close/": (
        401, 401, 403, 403, 200, 404, 200, 404, 200,
    ),
    "post /api/v1/comments/{claimed}/hide/": (
        401, 401, 403, 403, 200, 404, 403, 404, 200,
    ),
    "post /api/v1/comments/{claimed}/close/": (
        401, 401, 403, 403, 200, 404, 403, 404, 200,
    ),
    "post /api/v1/comments/{escalated}/hide/": (
        401, 401, 403, 403, 403, 404, 403, 200, 200,
    ),
    "post /api/v1/comments/{hidden}/unhide/": (
        401, 401, 403, 403, 403, 404, 403, 404, 200,
    ),
    "post /api/v1/comments/{escalated}/close/": (
        401, 401, 403, 403, 403, 404, 403, 200, 200,
    ),
    "post /api/v1/comments/{escalated}/take/": (
        401, 401, 403, 403, 403, 404, 403, 200, 200,
    ),
    "post /api/v1/comments/{escalated}/send-back/": (
        401, 401, 403, 403, 403, 404, 403, 200, 200,
    ),
    "post /api/v1/comments/{escalated}/reassign/": (
        401, 401, 403, 403, 403, 403, 403, 403, 200,
    ),
    "post /api/v1/comments/{escalated}/answers/": (
        401, 401, 403, 403, 409, 404, 409, 201, 409,
    ),
    "post /api/v1/comments/{claimed}/answers/": (
        401, 401, 403, 403, 201, 404, 409, 404, 409,
    ),
    "post /api/v1/answers/{answer}/approve/": (
        401, 401, 403, 403, 403, 404, 200, 403, 200,
    ),
    "post /api/v1/answers/{answer}/reject/": (
        401, 401, 403, 403, 403, 404, 200, 403, 200,
    ),
    "post /api/v1/channels/": (401, 401, 403, 403, 403, 403, 403, 403, 201),
    "patch /api/v1/channels/facebook-main/": (
        401, 401, 403, 403, 403, 403, 403, 403, 200,
    ),
    "post /api/v1/classify/": (401, 401, 200, 200, 200, 200, 200, 200, 200),
}  # fmt: skip


def test_every_write_has_its_answers():
    assert PAGE_WRITES.keys() == PAGE_WRITE_ANSWERS.keys()
    assert API_WRITES.keys() == API_WRITE_ANSWERS.keys()


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
    hidden, _ = comment_ingest(
        channel=channel,
        external_id="m-4",
        author="someone",
        text="Votre service est le pire",
        posted_at=datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC),
    )
    comment_claim(comment=hidden, actor=personas["responder"])
    comment_hide(comment=hidden, actor=personas["responder"], reason="Insulte")
    delivery = OutboxMessage.objects.create(
        channel=channel,
        answer=answer,
        kind="answer.published",
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
        "hidden": hidden.pk,
        "answer": answer.pk,
        "delivery": delivery.pk,
        "shift": shift.pk,
        "responder": personas["responder"].pk,
        "manager": personas["manager"].pk,
    }


def state():
    """Everything a write could change."""
    from moderation.models import (
        Answer,
        Channel,
        Comment,
        Event,
        OutboxMessage,
        SavedFilter,
    )
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
        list(SavedFilter.objects.order_by("pk").values_list("user", "name", "query")),
    )


def fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("path", "persona", "expected"), cases(PAGE_WRITE_ANSWERS))
def test_page_writes(client, personas, writable, path, persona, expected):
    sign_in(client, personas, persona)
    before = state()
    response = client.post(path.format(**writable), fill(PAGE_WRITES[path], writable))
    if expected == BACK:
        assert answer(response) == 302, (persona, path, response.status_code)
    else:
        assert answer(response) == expected, (persona, path, response.status_code)
    # Done, or refused with nothing changed: a redirect alone does not say.
    if expected in (200, 302):
        assert state() != before, (persona, path)
    else:
        assert state() == before, (persona, path)


@pytest.mark.parametrize(("key", "persona", "expected"), cases(API_WRITE_ANSWERS))
def test_api_writes(api_client, personas, writable, key, persona, expected):
    method, path = key.split()
    sign_in_api(api_client, personas, persona)
    before = state()
    send = getattr(api_client, method)
    data = fill(API_WRITES[key], writable)
    response = send(path.format(**writable), data, format="json")
    assert response.status_code == expected, (persona, key, response.status_code)
    if not (path.endswith(("/claim/", "/take/")) and expected == 200):
        # Who claims the comment becomes its assignee, and needs to see it.
        assert_nothing_personal(persona, path, response.content.decode())
    if expected in (401, 403, 404):
        assert set(response.json()) == {"detail"}
    if expected >= 400:
        assert state() == before, (persona, key)
