"""YouTube end to end in a real browser, 390 px wide, against the Data API
and Google's OAuth on loopback: a manager signs the channel in with Google,
comments are polled (one held for review), the manager publishes the held
one from its page, a delegated responder answers in the browser and the
reply reaches the thread on YouTube, hiding rejects there, and the Channels
page shows the quota left."""

import re

import pytest
from playwright.sync_api import expect

from connectors.polling import poll_once
from moderation.models import Answer, Channel, Comment, OutboxMessage
from staffing.models import BusinessCalendar, TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.conftest import PASSWORD
from tests.connectors import conftest as on_loopback
from tests.e2e.conftest import OVERFLOWING, open_menu

youtube_server = on_loopback.youtube_server
youtube = on_loopback.youtube

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 390, "height": 844},
    }


@pytest.fixture
def unsigned(framework, youtube):
    return Channel.objects.create(
        slug="youtube-main",
        platform="youtube",
        handle="@villemtl",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="youtube",
    )


@pytest.fixture
def delegated(personas, unsigned):
    program = TrainingProgram.objects.create(
        slug="response", name_fr="Réponse", name_en="Response", validity_months=12
    )
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program
    )
    grant_create(
        actor=personas["manager"],
        responder=personas["responder"],
        required_program=program,
        max_severity="critical",
        channels=[unsigned.slug],
    )
    return personas["responder"]


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()


def test_a_youtube_channel_from_sign_in_to_answer_and_moderation(
    live_server, page, personas, unsigned, delegated, youtube, screenshot,
    console_errors,
):  # fmt: skip
    sign_in(page, live_server, "manager")
    page.goto(live_server.url + f"/channels/youtube/{unsigned.pk}/sign-in/")
    expect(page.locator(".youtube-state")).to_contain_text("Pas encore connecté")
    assert page.evaluate(OVERFLOWING) == []
    page.get_by_role("button", name="Se connecter avec Google").click()
    # Google's consent page, on loopback.
    expect(page).to_have_url(re.compile(re.escape(youtube.base_url) + "/o/oauth2/auth"))
    page.get_by_label("Choose an account").select_option("UCorg")
    page.get_by_role("button", name="Allow").click()
    expect(page.locator(".youtube-state")).to_contain_text("Ville de Montréal")
    screenshot("signed-in")
    stored = Channel.objects.get(pk=unsigned.pk).get_credentials()
    assert stored["channel_id"] == "UCorg"
    assert stored["refresh_token"] in youtube.refresh_tokens

    channel = Channel.objects.get(pk=unsigned.pk)
    assert poll_once(channel, force=True).error == ""  # reads no history
    rude = youtube.add_comment("vid1", "Vous êtes des idiots <b>vraiment</b>")
    held = youtube.add_comment(
        "vid2", "Gagnez de l'argent http://spam.example", status="heldForReview"
    )
    spam = youtube.add_comment("vid2", "Abonnez-vous à ma chaîne")
    outcome = poll_once(channel, force=True)
    assert (outcome.stored, outcome.error) == (3, "")
    comment = Comment.objects.get(external_id=rude)
    assert "offensive-content" in {m.rule for m in comment.matches.all()}

    page.goto(live_server.url + "/channels/")
    left = 10000 - youtube.quota_used
    cell = page.locator("tbody tr", has_text="youtube-main")
    expect(cell).to_contain_text(re.compile(r"9\D?9\d\d"))
    assert str(left) in re.sub(r"\D", "", cell.inner_text())
    assert page.evaluate(OVERFLOWING) == []
    screenshot("channels")

    # The held comment is marked in the inbox and published from its page.
    page.goto(live_server.url + "/inbox/")
    expect(page.locator(".held-for-review")).to_have_count(1)
    page.goto(live_server.url + f"/inbox/{Comment.objects.get(external_id=held).pk}/")
    expect(page.locator("p.held-for-review")).to_contain_text("En attente d’examen")
    assert page.evaluate(OVERFLOWING) == []
    screenshot("held")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(
        page.get_by_text("Publié\u00a0: la plateforme est priée de l’afficher.")
    ).to_be_visible()
    assert youtube.status_of(held) == "published"
    expect(page.locator("p.held-for-review")).to_have_count(0)

    open_menu(page)

    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server, "responder")
    page.goto(live_server.url + f"/inbox/{comment.pk}/")
    expect(page.get_by_text("Vous êtes des idiots <b>vraiment</b>")).to_be_visible()
    page.get_by_role("button", name="Prendre", exact=True).click()
    page.get_by_label("Votre réponse").fill("Restons courtois, s’il vous plaît.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    answer = Answer.objects.get(comment=comment)
    assert answer.status == Answer.Status.PUBLISHED
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    [reply] = youtube.replies_to(rude)
    assert reply["id"] == message.platform_id
    assert reply["snippet"]["textOriginal"] == "Restons courtois, s’il vous plaît."
    assert reply["snippet"]["authorChannelId"]["value"] == "UCorg"
    screenshot("answered")

    # Hidden here, rejected on YouTube.
    page.goto(live_server.url + f"/inbox/{Comment.objects.get(external_id=spam).pk}/")
    page.get_by_role("button", name="Prendre", exact=True).click()
    page.locator("#hide-reason").fill("Pourriel")
    page.get_by_role("button", name="Masquer", exact=True).click()
    expect(page.locator(".hidden-where")).to_be_visible()
    assert youtube.status_of(spam) == "rejected"
    assert page.evaluate(OVERFLOWING) == []
    assert console_errors == []
