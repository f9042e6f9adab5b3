"""A responder on a 390 px phone claims, answers and hides; the inbox refreshes
itself under its Content-Security-Policy when a row arrives above the cursor.

The shared fixture of tests/e2e/conftest.py fails both on any console error or
CSP violation."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation.models import Comment
from moderation.services.ingest import comment_ingest
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 390, "height": 844},
        "has_touch": True,
    }


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()


def fits(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_claim_answer_and_hide_on_a_phone(
    live_server, page, personas, channel, screenshot
):
    now = datetime.datetime.now(datetime.UTC)
    for index, text in enumerate(["Votre service est le pire", "Quel crétin"]):
        comment_ingest(
            channel=channel, external_id=f"p-{index}", author=f"auteur{index}",
            text=text, posted_at=now - datetime.timedelta(minutes=index),
        )  # fmt: skip
    sign_in(page, live_server, "responder")
    expect(page).to_have_url(live_server.url + "/inbox/")
    page.wait_for_load_state("load")
    # The menu folds behind its button; the filters behind their summary.
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    expect(page.get_by_label("Canal")).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Boîte de réception")).to_be_visible()
    menu.click()
    expect(nav).to_be_hidden()
    page.get_by_text("Filtres").click()
    expect(page.get_by_label("Canal")).to_be_visible()
    assert fits(page)
    screenshot("inbox-phone")

    # Each row is a card: its claim button is on the screen.
    card = page.locator("#inbox .inbox-row").filter(has_text="Votre service")
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    card.get_by_role("button", name="Prendre").tap()
    expect(page.get_by_text("Le commentaire est à vous.")).to_be_visible()
    assert fits(page)
    screenshot("comment-phone")
    claimed = Comment.objects.get(assignee__username="responder")
    assert claimed.text == "Votre service est le pire"

    page.get_by_label("Votre réponse").fill("Désolés, écrivez-nous en privé.")
    page.get_by_role("button", name="Envoyer la réponse").tap()
    expect(page.get_by_text("Réponse envoyée pour approbation.")).to_be_visible()

    # The other one is an insult: claimed from its card, then hidden.
    page.get_by_role("link", name="Boîte de réception").first.tap()
    card = page.locator("#inbox .inbox-row").filter(has_text="Quel crétin")
    card.get_by_role("button", name="Prendre").tap()
    expect(page.get_by_text("Le commentaire est à vous.")).to_be_visible()
    page.get_by_placeholder("Motif du masquage").fill("Insulte")
    page.get_by_role("button", name="Masquer", exact=True).tap()
    expect(page.locator(".message.success")).to_be_visible()
    assert fits(page)
    screenshot("hidden-phone")
    insult = Comment.objects.get(text="Quel crétin")
    assert insult.status == "hidden"


def test_inbox_refresh_with_a_row_above_the_cursor(
    live_server, page, personas, channel, settings, screenshot
):
    settings.INBOX_REFRESH_SECONDS = 1
    now = datetime.datetime.now(datetime.UTC)
    comment_ingest(
        channel=channel, external_id="r-0", author="premier",
        text="Merci beaucoup", posted_at=now,
    )  # fmt: skip
    sign_in(page, live_server, "responder")
    page.wait_for_load_state("load")
    page.keyboard.press("j")
    expect(page.locator("#inbox .inbox-row.selected")).to_have_count(1)
    # A critical comment, due first, takes the top row above the cursor.
    comment_ingest(
        channel=channel, external_id="r-1", author="urgent",
        text="Je vais vous tuer", posted_at=now,
    )  # fmt: skip
    expect(page.locator("#inbox .inbox-row")).to_have_count(2, timeout=15_000)
    expect(page.locator("#inbox .inbox-row").first).to_contain_text("urgent")
    expect(page.locator("#inbox .inbox-row.selected")).to_contain_text("premier")
    page.wait_for_timeout(2500)  # one more refresh, nothing new
    screenshot("refreshed")


def test_the_shared_watch_sees_an_inline_style_refused(
    live_server, page, console_errors
):
    """The check every journey relies on can fail: an inline style set by a
    script (what htmx would do with an inline-styled fragment) is reported."""
    console_errors.expect("style-src")
    page.goto(live_server.url + "/notices/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(200)
    assert any("CSP violation: style-src" in error for error in console_errors)
