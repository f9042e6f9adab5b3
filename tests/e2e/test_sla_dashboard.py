"""A manager reads the SLA dashboard built from the demonstration's month."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo password for the browser"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 1400, "height": 1000},
    }


def test_the_dashboard_tells_the_weekend_story(
    live_server, page, framework, screenshot, console_errors
):
    call_command("demo", password=PASSWORD)
    call_command("demo_comments")
    call_command("demo_history")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("david")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Délais de réponse"
    ).click()
    expect(
        page.get_by_role("heading", name="Délais de réponse", level=1)
    ).to_be_visible()
    expect(page.get_by_text("taux de dépassement", exact=True)).to_be_visible()
    weekend = page.get_by_role("rowheader", name="Fin de semaine")
    expect(weekend).to_be_visible()
    # The charts are drawn: one bar per period, and one per channel and week.
    expect(page.locator("figure.chart").first.locator("svg.bar")).to_have_count(3)
    assert page.locator("figure.chart.wide svg.bar").count() >= 8
    screenshot("sla-dashboard")

    # Narrow to one channel: the round-the-clock one shows the 64 hours
    # (2 days 16 hours, written as a duration).
    page.get_by_label("Canal").select_option("facebook-main")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("2 j 16 h").first).to_be_visible()  # 64 hours
    breach = page.locator("section", has_text="Dépassements").get_by_role("link").first
    breach.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/inbox/" in page.url
    assert console_errors == []
