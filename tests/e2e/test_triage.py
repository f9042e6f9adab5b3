"""A responder triages with the keyboard and answers; an approver approves."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation import services
from moderation.models import Answer, Comment
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 1300, "height": 900},
    }


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()


def test_keyboard_triage_answer_and_approval(
    live_server, page, personas, channel, screenshot, console_errors
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    now = datetime.datetime.now(datetime.UTC)
    for index, text in enumerate(
        [
            "Merci beaucoup!",
            "Votre service est le pire",
            '<script>alert("x")</script> crétin',
        ]
    ):
        services.comment_ingest(
            channel=channel, external_id=f"e-{index}", author=f"auteur{index}",
            text=text, posted_at=now - datetime.timedelta(minutes=10 * index),
        )  # fmt: skip

    sign_in(page, live_server, "responder")
    expect(page).to_have_url(live_server.url + "/inbox/")
    expect(page.locator("#inbox .inbox-row")).to_have_count(3)
    expect(page.get_by_text('<script>alert("x")</script> crétin')).to_be_visible()
    screenshot("inbox")

    # j selects the first (most urgent) row, j again the second; c claims it.
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator("#inbox .inbox-row").nth(1)
    expect(second).to_have_class("inbox-row severity-low selected")
    page.keyboard.press("c")
    expect(page.get_by_text("Le commentaire est à vous.")).to_be_visible()
    claimed = Comment.objects.get(assignee__username="responder")
    assert claimed.text == "Votre service est le pire"

    page.get_by_label("Votre réponse").fill("Désolés, écrivez-nous en privé.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Réponse envoyée pour approbation.")).to_be_visible()
    screenshot("answered")

    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server, "approver")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Approbations"
    ).click()
    expect(page.get_by_text("Désolés, écrivez-nous en privé.")).to_be_visible()
    screenshot("approvals")
    page.get_by_role("button", name="Approuver et publier").click()
    expect(page.get_by_text("Réponse approuvée et publiée.")).to_be_visible()
    assert Answer.objects.get().status == "published"
    assert Comment.objects.get(pk=claimed.pk).status == "answered"
    assert dialogs == []
    assert console_errors == []
