"""Working together in a browser, in French and in English: a macro that
answers and hides, two responders who see each other on the same comment,
a note that tells the colleague it mentions."""

import pytest
from playwright.sync_api import expect

from moderation.macros import macros_seed
from moderation.models import Answer, Comment, Mention
from moderation.services.triage import comment_claim
from tests.e2e.conftest import ConsoleErrors, open_menu, watch
from tests.e2e.test_workbench import WORDS, arrive, sign_in
from tests.moderation.test_transitions import delegated  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAID = {
    "fr": {
        "hides": "L’envoi publie la réponse tout de suite. Une fois la réponse "
        "publiée, le commentaire est masqué.",
        "done": "Réponse publiée\u00a0; le commentaire est masqué.",
        "also": "Aussi ouvert par",
        "note": "Note",
        "add": "Ajouter la note",
        "added": "Note ajoutée\u00a0; les personnes mentionnées sont prévenues.",
        "mentions": "Mentions (1)",
        "open": "Ouvrir le commentaire",
    },
    "en": {
        "hides": "Sending publishes the answer now. Once the answer is published, "
        "the comment is hidden.",
        "done": "Answer published; the comment is hidden.",
        "also": "Also open by",
        "note": "Note",
        "add": "Add the note",
        "added": "Note added; the people it mentions are told.",
        "mentions": "Mentions (1)",
        "open": "Open the comment",
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


def test_the_netiquette_macro_answers_then_hides(
    live_server,
    page,
    channel,
    delegated,  # noqa: F811 (the fixture imported above)
    language,
    screenshot,
):
    macros_seed()
    words, said = WORDS[language], SAID[language]
    comment = arrive(channel, "m-1", "Ferme ta gueule connard", 20)
    comment_claim(comment=comment, actor=delegated)
    sign_in(page, live_server, delegated.username, words)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    expect(page.get_by_text(words["publishes"])).to_be_visible()
    # The comment is in French: the macro is offered in French, in its place.
    macro = page.locator(".apply-macro", has_text="Rappel de la nétiquette")
    expect(macro).to_have_count(1)
    expect(page.locator(".insert-template:not(.apply-macro)")).to_have_count(0)
    macro.click()
    box = page.locator("#body")
    expect(box).to_have_value(macro.get_attribute("data-body"))
    expect(page.locator("#answer-preview")).to_have_text(said["hides"])
    box.press("End")
    box.type(" Merci.")
    screenshot(f"macro-{language}")
    box.press("Control+Enter")
    expect(page.get_by_text(said["done"])).to_be_visible()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    answer = Answer.objects.get(comment=comment)
    assert "Votre commentaire a été masqué" in answer.body
    assert answer.body.endswith(" Merci.")


def test_two_responders_see_each_other_on_the_same_comment(
    live_server, page, browser, browser_context_args, channel, personas, language,
    screenshot, console_errors,
):  # fmt: skip
    words, said = WORDS[language], SAID[language]
    comment = arrive(channel, "p-1", "Une question sur vos horaires", 10)
    other = browser.new_context(**browser_context_args)
    try:
        second = other.new_page()
        errors = ConsoleErrors()
        watch(second, errors)
        sign_in(page, live_server, "responder", words)
        sign_in(second, live_server, "manager", words)
        page.goto(f"{live_server.url}/inbox/{comment.pk}/")
        expect(page.locator("#presence")).not_to_contain_text(said["also"])
        second.goto(f"{live_server.url}/inbox/{comment.pk}/")
        # The second sees the first at once, the first at its next poll.
        expect(second.locator("#presence")).to_have_text(f"{said['also']} responder")
        expect(page.locator("#presence")).to_have_text(
            f"{said['also']} manager", timeout=25_000
        )
        screenshot(f"presence-{language}")
        # The manager leaves: the responder stops seeing them at the next poll.
        second.goto(f"{live_server.url}/inbox/")
        expect(page.locator("#presence")).not_to_contain_text("manager", timeout=25_000)
        assert errors.unexpected() == []
    finally:
        other.close()


def test_a_note_mentioning_a_colleague_tells_them(
    live_server, page, channel, personas, language, screenshot
):
    words, said = WORDS[language], SAID[language]
    comment = arrive(channel, "n-1", "Vous êtes des escrocs", 10)
    sign_in(page, live_server, "responder", words)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    page.get_by_label(said["note"], exact=True).fill(
        "@approver <b>à voir</b> avant de répondre"
    )
    page.get_by_role("button", name=said["add"]).click()
    expect(page.get_by_text(said["added"])).to_be_visible()
    expect(page.locator(".note-body")).to_have_text(
        "@approver <b>à voir</b> avant de répondre"
    )
    assert Mention.objects.filter(user=personas["approver"]).count() == 1
    page.context.clear_cookies()
    sign_in(page, live_server, "approver", words)
    open_menu(page)
    page.get_by_role("link", name=said["mentions"]).click()
    screenshot(f"mentions-{language}")
    page.get_by_role("link", name=said["open"]).click()
    expect(page.locator(".note-body")).to_contain_text("à voir")
    assert Mention.objects.get().read_at is not None
