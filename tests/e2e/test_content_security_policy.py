"""Every page works under the Content-Security-Policy: no inline script is
needed, so the browser refuses nothing (a refusal is a console error)."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation.services.ingest import comment_ingest
from policies.models import PolicyVersion, Rule
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-CA"}


def test_pages_run_under_the_policy(
    live_server, page, personas, channel, console_errors
):
    comment, _ = comment_ingest(
        channel=channel, external_id="csp-1", author="x", text="Quel crétin",
        posted_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    rule = Rule.objects.filter(version=PolicyVersion.objects.get()).first()
    response = page.goto(live_server.url + "/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.get_by_label("Nom d’utilisateur").fill("manager")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page).to_have_url(live_server.url + "/inbox/")
    for path in [
        "/inbox/",
        f"/inbox/{comment.pk}/",
        "/approvals/",
        "/coverage/",
        "/sla/",
        "/dashboard/",
        "/notices/",
        "/admin/",
        f"/admin/policies/rule/{rule.pk}/change/",
        "/admin/moderation/comment/",
        "/account/tokens/",
        "/admin/staffing/apitoken/",
        "/api/docs/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    # Swagger UI started from its own script file (inline styles are allowed
    # on that page only, never inline scripts).
    expect(page.locator(".swagger-ui").first).to_be_visible()
    docs = page.request.get(live_server.url + "/api/docs/")
    docs_policy = docs.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in docs_policy
    assert "script-src 'self';" in docs_policy + ";"
    assert console_errors == []
