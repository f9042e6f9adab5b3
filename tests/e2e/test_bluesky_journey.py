"""In the browser, against the local AT Protocol network: a Bluesky reply comes
into the inbox masked, with the organisation's post as context; a delegated
responder answers it (the phone number in it makes the answer wait for an
approver, delegation or not), an approver publishes the answer, and the user
reads it under their reply on Bluesky; a manager hides another reply and the
post's threadgate lists it; the Channels page shows the channel healthy, then
in error once its app password is revoked."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from connectors.polling import poll_once
from moderation.models import Comment, OutboxMessage
from staffing.models import Shift, TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "514-555-0199"
INSULT = f"Bande d'idiots, rappelez-moi au {PHONE}"
# Bluesky can hide it: the page says the platform is asked to.
HIDDEN = "la plateforme est priée de le masquer aussi"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 390, "height": 844},
    }


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()


def test_a_bluesky_reply_answered_in_the_browser_lands_under_it(
    live_server,
    page,
    personas,
    bluesky_channel,
    bluesky_org,
    bluesky_user,
    atproto,
    screenshot,
    console_errors,
):
    org, user = bluesky_org, bluesky_user
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=8),
    )
    # Delegated: trained, accredited, and granted the right to answer at once.
    program = TrainingProgram.objects.create(slug="p", name_fr="P", name_en="P")
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"],
        program=program, granted_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    grant_create(
        actor=personas["manager"], responder=personas["responder"],
        required_program=program,
        valid_from=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    post = org.post("Nos horaires changent le 1er décembre")
    insult = user.reply(post, INSULT, langs=["fr"])
    off_topic = atproto.account("bob").reply(post, "Hors sujet : achetez ma crème")
    assert poll_once(bluesky_channel, force=True).stored == 2
    comment = Comment.objects.get(external_id=insult.uri)
    assert comment.assignee == personas["responder"]  # routed

    sign_in(page, live_server, "responder")
    expect(page).to_have_url(live_server.url + "/inbox/")
    rows = page.locator("#inbox .inbox-row")
    expect(rows).to_have_count(2)
    # The assignee reads the phone number in their inbox, as on the comment's
    # page (others get it masked: tests/moderation/test_masking.py).
    expect(page.get_by_text(PHONE, exact=False)).to_be_visible()
    screenshot("inbox")

    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    expect(page.get_by_text(INSULT)).to_be_visible()  # its assignee reads it
    # The thread: the organisation's post it answers.
    expect(page.locator(".thread")).to_contain_text(
        "Nos horaires changent le 1er décembre"
    )
    body = "Merci de votre message ; écrivez-nous en privé."
    page.get_by_label("Votre réponse").fill(body)
    page.get_by_role("button", name="Envoyer la réponse").click()
    # The phone number's rule needs approval, delegated or not.
    expect(page.get_by_text("Réponse envoyée pour approbation.")).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, "approver")
    page.goto(f"{live_server.url}/approvals/")
    page.get_by_role("button", name="Approuver et publier").click()
    expect(page.get_by_text("Réponse approuvée et publiée.")).to_be_visible()
    message = OutboxMessage.objects.get(comment=comment, kind="answer.published")
    assert message.status == "sent", message.last_error

    atproto.process_all()
    thread = user.client.get_post_thread(insult.uri, depth=2).thread
    [answer] = thread.replies
    assert answer.post.record.text == body
    assert answer.post.author.did == org.did
    assert answer.post.uri == message.platform_id
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    screenshot("answered")
    open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()

    # A manager hides the other reply: the post's threadgate lists it.
    other = Comment.objects.get(external_id=off_topic.uri)
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/inbox/{other.pk}/")
    page.locator("#hide-reason").fill("Publicité")
    page.locator("form:has(#hide-reason)").get_by_role("button").click()
    expect(page.get_by_text(HIDDEN)).to_be_visible()
    gate = user.client.com.atproto.repo.get_record(
        {
            "repo": org.did,
            "collection": "app.bsky.feed.threadgate",
            "rkey": post.uri.rsplit("/", 1)[1],
        }
    ).value
    assert gate.hidden_replies == [off_topic.uri]

    # The Channels page: healthy, then in error once the app password is
    # revoked and the saved session has expired.
    page.goto(f"{live_server.url}/channels/")
    row = page.locator(f".channel-row[data-slug='{bluesky_channel.slug}']")
    expect(row.locator(".health")).to_have_text("En bonne santé")
    screenshot("channels-healthy")
    bluesky_org.revoke_app_password()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        assert poll_once(bluesky_channel, force=True).error
        page.goto(f"{live_server.url}/channels/")
        expect(row.locator(".health")).to_have_text("En erreur")
        expect(row).to_contain_text(
            "La plateforme a refusé les identifiants du canal : "
            "connectez-le de nouveau."
        )
    screenshot("channels-error")
    assert console_errors == []
