"""Every role against every page and read endpoint: allowed, or refused, and
nothing of the content leaks in a refusal.

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
