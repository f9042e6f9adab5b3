"""A responder triages with the keyboard and answers; an approver approves."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation.models import Answer, Comment
from moderation.services.ingest import comment_ingest
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu

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
        comment_ingest(
            channel=channel, external_id=f"e-{index}", author=f"auteur{index}",
            text=text, posted_at=now - datetime.timedelta(minutes=10 * index),
        )  # fmt: skip

    sign_in(page, live_server, "responder")
    expect(page).to_have_url(live_server.url + "/inbox/")
    expect(page.locator("#inbox .inbox-row")).to_have_count(3)
    page.wait_for_load_state("load")  # the keyboard script is deferred
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

    open_menu(page)

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


def test_the_inbox_refreshes_itself_and_acts_on_selected_rows(
    live_server, page, personas, channel, settings, screenshot, console_errors
):
    settings.INBOX_REFRESH_SECONDS = 1
    now = datetime.datetime.now(datetime.UTC)

    def arrive(index, text):
        comment_ingest(
            channel=channel, external_id=f"b-{index}", author=f"auteur{index}",
            text=text, posted_at=now - datetime.timedelta(minutes=10 * index),
        )  # fmt: skip

    for index, text in enumerate(["Quel crétin", "Vous êtes nuls", "Bravo"]):
        arrive(index, text)
    sign_in(page, live_server, "responder")
    rows = page.locator("#inbox .inbox-row")
    expect(rows).to_have_count(3)
    page.wait_for_load_state("load")  # the keyboard script is deferred
    page.evaluate("window.sameDocument = true")

    # x selects the row under the cursor; the selection survives a refresh.
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.get_by_text("Sélectionnés : 1")).to_be_visible()
    arrive(9, "<img src=x onerror=alert(1)> newcomer")
    expect(rows).to_have_count(4)  # arrived without a reload
    expect(page.get_by_text("<img src=x onerror=alert(1)> newcomer")).to_be_visible()
    assert page.evaluate("window.sameDocument") is True
    expect(page.locator("#inbox .select-row:checked")).to_have_count(1)
    expect(page.get_by_text("Sélectionnés : 1")).to_be_visible()
    screenshot("refreshed")

    # j, x adds the next row; h hides both, with a reason.
    selected = page.locator("#inbox .select-row:checked").first.get_attribute("value")
    page.keyboard.press("j")
    page.keyboard.press("x")
    second = page.locator("#inbox .select-row:checked").nth(1).get_attribute("value")
    page.keyboard.press("h")
    page.get_by_label("Pourquoi le masquer ?").fill("Insultes")
    page.get_by_role("dialog").get_by_role("button", name="Masquer").click()
    expect(page.get_by_text("2 commentaires masqués.")).to_be_visible()
    hidden = Comment.objects.filter(status="hidden").values_list("pk", flat=True)
    assert sorted(hidden) == sorted([int(selected), int(second)])
    assert Comment.objects.get(pk=selected).events.last().reason == "Insultes"
    expect(rows).to_have_count(2)

    # e escalates the row under the cursor, with a reason, from a dialog.
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.get_by_label("Pourquoi ? Les gestionnaires").fill("Menace de poursuite")
    screenshot("escalate-dialog")
    page.get_by_role("dialog").get_by_role("button", name="Transmettre").click()
    expect(page.get_by_text("1 commentaire transmis.")).to_be_visible()
    escalated = Comment.objects.get(status="escalated")
    assert escalated.events.last().reason == "Menace de poursuite"

    # Bulk assignment from the toolbar: the comment still new, to me.
    waiting = Comment.objects.get(status="new")
    page.locator(f'#inbox .select-row[value="{waiting.pk}"]').check()
    page.get_by_role("button", name="Attribuer", exact=True).click()
    expect(page.get_by_text("1 commentaire attribué.")).to_be_visible()
    assert Comment.objects.get(pk=waiting.pk).assignee.username == "responder"
    assert console_errors == []
