"""A manager edits a rule in the admin and publishes a new version of the
rulebook; the next comment is matched by the new version."""

import pytest
from playwright.sync_api import expect

from moderation.services.ingest import comment_ingest
from policies.models import PolicyVersion, Rule
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-CA",
        "viewport": {"width": 1400, "height": 1000},
    }


def test_manager_edits_a_rule_and_publishes_a_version(
    live_server, page, personas, channel, screenshot, console_errors
):
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").last.click()
    page.wait_for_load_state("load")

    # Draft a new version from the published one.
    current = PolicyVersion.objects.get(status="published")
    page.goto(live_server.url + "/admin/policies/policyversion/")
    page.locator(f"input[name=_selected_action][value='{current.pk}']").check()
    page.locator("select[name=action]").select_option("create_draft")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("Draft version 2 created")).to_be_visible()
    draft = PolicyVersion.objects.get(status="draft")

    # Make a rule that did not require approval require it in the draft.
    rule = Rule.objects.filter(version=draft, requires_approval=False).first()
    page.goto(live_server.url + f"/admin/policies/rule/{rule.pk}/change/")
    requires = page.get_by_label("Answers require approval")
    assert not requires.is_checked()
    requires.check()
    screenshot("rule-edit")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    # Publish it: the action opens the draft's review, which shows the
    # change and the backtest before its button publishes.
    page.goto(live_server.url + "/admin/policies/policyversion/")
    page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    page.locator("select[name=action]").select_option("publish_drafts")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("Rules added: 0; changed: 1; removed: 0.")).to_be_visible()
    expect(page.locator(".diff-fields")).to_contain_text("Answers require approval")
    expect(page.locator("#backtest-summary")).to_contain_text("would flag")
    screenshot("review")
    assert PolicyVersion.objects.current() == current
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 is now published.")).to_be_visible()
    screenshot("published")

    current.refresh_from_db()
    draft.refresh_from_db()
    assert (current.status, draft.status) == ("retired", "published")
    assert Rule.objects.get(version=draft, slug=rule.slug).requires_approval
    assert not Rule.objects.get(version=current, slug=rule.slug).requires_approval
    comment, _ = comment_ingest(
        channel=channel, external_id="after-publish", author="x",
        text="Je vais te tuer", posted_at=draft.effective_from,
    )  # fmt: skip
    assert comment.policy_version == 2
    assert console_errors == []
