"""The workbench in a browser, in French and in English: a template inserted
and edited, "publishes now", Ctrl+Enter and on to the next comment; hide then
undo; a bulk close that names how many comments it closes before it does."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation.models import Answer, Comment, Event
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from tests.conftest import PASSWORD
from tests.moderation.test_transitions import delegated  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "locale": "fr-CA",
        "user": "Nom d’utilisateur",
        "password": "Mot de passe",
        "sign_in": "Se connecter",
        "publishes": "L’envoi publie la réponse tout de suite.",
        "published": "Réponse publiée.",
        "hide_reason": "Motif",
        "hide": "Masquer",
        "undo": "Annuler",
        "undone": "Annulé.",
        "close": "Fermer…",
        "applies": "Cela touche 2 commentaires.",
        "cancel": "Annuler",
    },
    "en": {
        "locale": "en-CA",
        "user": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "publishes": "Sending publishes the answer now.",
        "published": "Answer published.",
        "hide_reason": "Reason",
        "hide": "Hide",
        "undo": "Undo",
        "undone": "Undone.",
        "close": "Close…",
        "applies": "This applies to 2 comments.",
        "cancel": "Cancel",
    },
}


@pytest.fixture(params=sorted(WORDS))
def language(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, language):
    return {
        **browser_context_args,
        "locale": WORDS[language]["locale"],
        "viewport": {"width": 1300, "height": 900},
    }


def sign_in(page, live_server, username, words):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"]).last.click()


def arrive(channel, external_id, text, minutes_ago):
    comment, _ = comment_ingest(
        channel=channel, external_id=external_id, author=f"auteur-{external_id}",
        text=text,
        posted_at=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=minutes_ago),
    )  # fmt: skip
    return comment


def test_insert_a_template_edit_send_with_ctrl_enter_and_go_on(
    live_server,
    page,
    channel,
    delegated,  # noqa: F811 (the fixture imported above)
    language,
    screenshot,
    console_errors,  # noqa: F811
):
    words = WORDS[language]
    first = arrive(channel, "w-1", "Ferme ta gueule connard", 30)
    second = arrive(channel, "w-2", "Une question sur vos horaires", 5)
    comment_claim(comment=first, actor=delegated)
    sign_in(page, live_server, delegated.username, words)
    page.goto(f"{live_server.url}/inbox/{first.pk}/")
    page.wait_for_load_state("load")
    expect(page.get_by_text(words["publishes"])).to_be_visible()
    button = page.locator(".insert-template").first
    inserted = button.get_attribute("data-body")
    template_id = int(button.get_attribute("data-template"))
    button.click()
    box = page.locator("#body")
    expect(box).to_have_value(inserted)
    box.press("End")
    box.type(" Merci.")
    screenshot(f"editor-{language}")
    box.press("Control+Enter")
    expect(page).to_have_url(f"{live_server.url}/inbox/{second.pk}/")
    expect(page.get_by_text(words["published"])).to_be_visible()
    answer = Answer.objects.get(comment=first)
    assert answer.body == inserted + " Merci."
    assert answer.status == Answer.Status.PUBLISHED
    assert answer.template_id == template_id
    assert console_errors == []


def test_hide_then_undo_restores_the_comment_with_two_events(
    live_server, page, channel, personas, language, screenshot, console_errors
):
    words = WORDS[language]
    comment = arrive(channel, "u-1", "Quel crétin", 10)
    comment_claim(comment=comment, actor=personas["responder"])
    sign_in(page, live_server, "responder", words)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    page.locator("#hide-reason").fill("Insulte")
    page.locator("#hide-reason").press("Enter")
    expect(page.locator(".toast")).to_be_visible()
    screenshot(f"undo-toast-{language}")
    page.locator(".toast").get_by_role("button", name=words["undo"]).click()
    expect(page.get_by_text(words["undone"], exact=True)).to_be_visible()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    actions = list(
        Event.objects.filter(comment=comment)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["hidden", "undone"]
    assert console_errors == []


def test_a_bulk_close_says_how_many_comments_before_closing(
    live_server, page, channel, personas, language, screenshot, console_errors
):
    words = WORDS[language]
    for index in range(3):
        arrive(channel, f"b-{index}", f"Bonjour {index}", 10 + index)
    sign_in(page, live_server, "responder", words)
    page.goto(live_server.url + "/inbox/")
    page.wait_for_load_state("load")
    boxes = page.locator("#inbox .select-row")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name=words["close"]).click()
    dialog = page.locator("#reason-dialog")
    expect(dialog.get_by_text(words["applies"])).to_be_visible()
    screenshot(f"bulk-confirm-{language}")
    # Nothing is closed until the dialog is answered.
    assert not Comment.objects.filter(status="closed").exists()
    dialog.get_by_role("button", name=words["cancel"]).click()
    assert not Comment.objects.filter(status="closed").exists()
    assert console_errors == []
