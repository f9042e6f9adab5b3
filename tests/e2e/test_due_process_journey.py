"""Due process in a browser, in French and in English: a responder hides a
comment; its author reads the statement in their language and appeals; a
different reviewer reverses it and the comment is shown again on the platform
(the signed webhook connector, a real HTTP server on loopback); a member of
the public reports a comment and receives a receipt and the decision; the
transparency page counts all of it."""

import datetime
import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from decisions.references import link_secret
from moderation import registry
from moderation.models import Comment
from moderation.services.ingest import comment_ingest
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu
from tests.moderation.conftest import receiver  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "text": "Vous êtes des imbéciles <b>gras</b>",
        "user": "Nom d’utilisateur",
        "password": "Mot de passe",
        "sign_in": "Se connecter",
        "sign_out": "Se déconnecter",
        "reason": "Motif du masquage",
        "hide": "Masquer",
        "title": "Exposé des motifs",
        "rule": "Contenu offensant",
        "why": "Pourquoi la décision devrait-elle changer",
        "send": "Envoyer mon appel",
        "received": "Votre appel a été reçu",
        "queue": "Appels et signalements",
        "reversed_label": "Infirmée",
        "reasons": "Motifs",
        "decide": "Trancher",
        "reversed": "Cette décision a été infirmée en appel",
        "report": "Signaler un contenu",
        "url": "Adresse (URL) du commentaire",
        "report_why": "En quoi est-il illégal",
        "name": "Votre nom",
        "email": "Votre courriel",
        "good_faith": "Je suis convaincu de bonne foi",
        "send_report": "Envoyer le signalement",
        "report_received": "Signalement reçu",
        "acted": "Suite donnée",
    },
    "en": {
        "text": "You are all idiots <b>bold</b>",
        "user": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "reason": "Reason to hide",
        "hide": "Hide",
        "title": "Statement of reasons",
        "rule": "Offensive content",
        "why": "Why should the decision change?",
        "send": "Send my appeal",
        "received": "Your appeal was received",
        "queue": "Appeals and reports",
        "reversed_label": "Reversed",
        "reasons": "Reasons",
        "decide": "Decide",
        "reversed": "This decision was reversed on appeal",
        "report": "Report content",
        "url": "Address (URL) of the comment",
        "report_why": "Why is it illegal",
        "name": "Your name",
        "email": "Your e-mail",
        "good_faith": "I am convinced in good faith",
        "send_report": "Send the report",
        "report_received": "Report received",
        "acted": "Acted upon",
    },
}


def sign_in(page, live_server, username, w):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(w["user"]).fill(username)
    page.get_by_label(w["password"]).fill(PASSWORD)
    page.get_by_role("button", name=w["sign_in"]).last.click()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_hide_statement_appeal_reversal_report_and_transparency(
    live_server,
    page,
    personas,
    channel,
    receiver,  # noqa: F811
    language,
    screenshot,
):
    w = WORDS[language]
    channel.connector = "webhook"
    channel.publish_url = receiver.url
    channel.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    url = f"https://www.facebook.com/organisation/posts/1?comment_id=e2e-{language}"
    comment, _ = comment_ingest(
        channel=channel,
        external_id=f"e2e-{language}",
        author="handle-e2e-7421",
        text=w["text"],
        posted_at=datetime.datetime.now(datetime.UTC),
        url=url,
    )

    # A responder hides it from its page.
    sign_in(page, live_server, "responder", w)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/")
    page.get_by_placeholder(w["reason"]).fill("Insultes")
    page.get_by_role("button", name=w["hide"], exact=True).click()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    statement = comment.statements.get()
    assert statement.language == language
    open_menu(page)
    page.get_by_role("button", name=w["sign_out"]).click()

    # The author opens the link they were sent in a private message.
    sent = [json.loads(body) for _h, body in receiver.received]
    notice = next(b for b in sent if b["kind"] == registry.STATEMENT_KIND)
    link = re.search(r"https?://\S+", notice["text"]).group(0)
    assert link.endswith(link_secret(statement.reference))
    page.goto(live_server.url + link[link.index("/decisions/") :])
    expect(page.get_by_role("heading", level=1)).to_contain_text(w["title"])
    expect(page.get_by_text(w["rule"]).first).to_be_visible()
    assert "handle-e2e-7421" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label(w["why"]).fill("C’était de l’ironie.")
    page.get_by_role("button", name=w["send"]).click()
    expect(page.get_by_text(w["received"])).to_be_visible()
    screenshot(f"appealed-{language}")

    # A different reviewer reverses it; the comment is shown again there.
    sign_in(page, live_server, "approver", w)
    page.goto(live_server.url + "/decisions/queue/")
    page.locator("table.queue a").first.click()
    page.get_by_label(w["reversed_label"]).check()
    page.get_by_label(w["reasons"]).fill("Ironie, pas une insulte.")
    page.get_by_role("button", name=w["decide"]).click()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NEW
    kinds = [json.loads(body)["kind"] for _h, body in receiver.received]
    assert registry.UNHIDE_KIND in kinds
    page.goto(live_server.url + link[link.index("/decisions/") :])
    expect(page.get_by_text(w["reversed"])).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name=w["sign_out"]).click()

    # A member of the public reports the comment.
    page.goto(live_server.url + "/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["report"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label(w["url"]).fill(url)
    page.get_by_label(w["report_why"]).fill("Insulte")
    page.get_by_label(w["name"]).fill("Marie")
    page.get_by_label(w["email"]).fill("marie@example.org")
    page.get_by_label(w["good_faith"]).check()
    page.get_by_role("button", name=w["send_report"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["report_received"])
    assert [m.to for m in mail.outbox] == [["marie@example.org"]]

    sign_in(page, live_server, "approver", w)
    page.goto(live_server.url + "/decisions/queue/")
    page.locator("table.queue a").first.click()
    page.get_by_label(w["acted"]).check()
    page.get_by_label(w["reasons"]).fill("Masqué.")
    page.get_by_role("button", name=w["decide"]).click()
    assert len(mail.outbox) == 2
    assert "Masqué." in mail.outbox[1].body

    # The transparency page shows these figures.
    page.goto(live_server.url + "/transparency/")
    expect(page.locator('[data-figure="decisions"]')).to_have_text("1")
    expect(page.locator('[data-figure="appeals"]')).to_have_text("1")
    expect(page.locator('[data-figure="reversed"]')).to_have_text("1")
    expect(page.locator('[data-figure="notices"]')).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(f"transparency-{language}")
