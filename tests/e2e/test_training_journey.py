"""A new responder without accreditation answers and goes to approval; they
read the lessons, pass the exam, and their next answer publishes at once.
A failed attempt grants nothing and blocks a retry. French and English."""

import datetime

import pytest
from playwright.sync_api import expect

from moderation.models import Answer
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from staffing.models import Accreditation, DelegationGrant, TrainingProgram
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu
from training.content import DEFAULT_PROGRAM
from training.models import Attempt, Choice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr-CA": {
        "user": "Nom d’utilisateur",
        "password": "Mot de passe",
        "sign_in": "Se connecter",
        "answer": "Votre réponse",
        "send": "Envoyer la réponse",
        "pending": "Réponse envoyée pour approbation.",
        "published": "Réponse publiée.",
        "nav": "Navigation principale",
        "mine": "Ma formation",
        "take": "Passer l’examen",
        "submit": "Soumettre mes réponses",
        "passed": "Réussi : votre accréditation est active dès maintenant.",
        "failed": "Pas cette fois.",
        "accredited": "Accrédité",
        "wait": "Prochaine tentative possible",
        "next": "Leçon suivante",
    },
    "en-CA": {
        "user": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "answer": "Your answer",
        "send": "Send the answer",
        "pending": "Answer sent for approval.",
        "published": "Answer published.",
        "nav": "Main navigation",
        "mine": "My training",
        "take": "Take the exam",
        "submit": "Submit my answers",
        "passed": "Passed: your accreditation is active now.",
        "failed": "Not passed this time.",
        "accredited": "Accredited",
        "wait": "Next attempt possible",
        "next": "Next lesson",
    },
}


@pytest.fixture(params=["fr-CA", "en-CA"])
def locale(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, locale):
    return {
        **browser_context_args,
        "locale": locale,
        "viewport": {"width": 390, "height": 844},
    }


def sign_in(page, live_server, words, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"]).last.click()


def answer(page, live_server, words, channel, responder, number):
    comment, _created = comment_ingest(
        channel=channel, external_id=f"j-{number}", author="someone",
        text="Votre service est le pire", posted_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    comment_claim(comment=comment, actor=responder)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    page.get_by_label(words["answer"]).fill("Désolés, écrivez-nous en privé.")
    page.get_by_role("button", name=words["send"]).click()
    return comment


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def pick(page, attempt, right):
    for item in attempt.draw:
        choices = Choice.objects.filter(question_id=item["question"], correct=right)
        page.locator(f'input[value="{choices[0].pk}"]').check()


def test_exam_result_turns_on_delegation(
    live_server, page, personas, channel, locale, screenshot, console_errors
):
    words = WORDS[locale]
    responder = personas["responder"]
    program = TrainingProgram.objects.get(slug=DEFAULT_PROGRAM["slug"])
    # The manager granted the delegation up front; it requires the accreditation.
    DelegationGrant.objects.create(
        responder=responder, required_program=program, required_level=1,
        max_severity="medium", granted_by=personas["manager"],
        valid_from=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
    )  # fmt: skip

    sign_in(page, live_server, words, "responder")
    answer(page, live_server, words, channel, responder, 1)
    expect(page.get_by_text(words["pending"])).to_be_visible()
    assert Answer.objects.get().status == "pending_approval"

    open_menu(page)
    page.get_by_role("navigation", name=words["nav"]).get_by_role(
        "link", name=words["mine"]
    ).click()
    no_horizontal_scroll(page)
    screenshot(f"my-training-{locale}")
    page.locator("ol.lessons a").first.click()
    page.get_by_role("link", name=words["next"]).click()
    no_horizontal_scroll(page)
    page.go_back()
    page.go_back()

    page.get_by_role("button", name=words["take"]).click()
    attempt = Attempt.objects.get(user=responder)
    expect(page.locator(".exam-question")).to_have_count(len(attempt.draw))
    no_horizontal_scroll(page)
    screenshot(f"exam-{locale}")
    pick(page, attempt, right=True)
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_text(words["passed"])).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(f"result-{locale}")
    assert Accreditation.objects.get(responder=responder).granted_by is None

    page.goto(live_server.url + "/training/")
    expect(page.locator("#accreditation-status")).to_contain_text(words["accredited"])
    answer(page, live_server, words, channel, responder, 2)
    expect(page.get_by_text(words["published"])).to_be_visible()
    assert Answer.objects.latest("pk").status == "published"
    assert console_errors == []


def test_a_failed_attempt_grants_nothing_and_blocks_a_retry(
    live_server, page, personas, locale, framework, console_errors
):
    words = WORDS[locale]
    responder = personas["responder"]
    sign_in(page, live_server, words, "responder")
    page.goto(live_server.url + "/training/")
    page.get_by_role("button", name=words["take"]).click()
    attempt = Attempt.objects.get(user=responder)
    expect(page.locator(".exam-question")).to_have_count(len(attempt.draw))
    pick(page, attempt, right=False)
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_text(words["failed"])).to_be_visible()
    assert not Accreditation.objects.exists()
    page.goto(live_server.url + "/training/")
    expect(page.get_by_text(words["wait"])).to_be_visible()
    expect(page.get_by_role("button", name=words["take"])).to_have_count(0)
    assert console_errors == []
