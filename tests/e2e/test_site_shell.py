"""A visitor reads the home page in French, switches to English, signs in."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    # A visitor from Québec: the browser asks for Canadian French first.
    return {**browser_context_args, "locale": "fr-CA"}


def test_visitor_switches_language_and_manager_signs_in(
    live_server, page, personas, screenshot, console_errors
):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gouvernez votre présence sur les médias sociaux"
    )
    screenshot("home-fr")

    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Govern your presence on social media"
    )
    screenshot("home-en")

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").last.click()
    expect(page).to_have_url(live_server.url + "/inbox/")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Coverage")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_be_visible()
    nav.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("System status")).to_be_visible()
    screenshot("dashboard-en")

    open_menu(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert console_errors == []
