"""An appeal of a deletion in a browser, in French and in English: a manager
deletes a comment where the rulebook says so; its author reads the statement
and appeals; a different reviewer, warned that the platform's copy cannot be
put back, reverses it; the comment is restored here only, nothing but the
outcome goes to the platform (a real HTTP server on loopback), and the
author's page says what could not be undone."""

import datetime
import json
import re

import pytest
from playwright.sync_api import expect

from decisions.references import link_secret
from moderation import registry
from moderation.models import Comment, Event
from moderation.services.ingest import comment_ingest
from tests.decisions.conftest import deleting_channel, webhook_channel  # noqa: F401
from tests.e2e.conftest import open_menu
from tests.e2e.test_due_process_journey import WORDS, sign_in
from tests.moderation.conftest import receiver  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MORE = {
    "fr": {
        "reason": "Motif",
        "delete": "Supprimer sur la plateforme",
        "warned": "Infirmer cette décision rétablit le commentaire ici seulement",
        "gone": "Le commentaire a été supprimé sur la plateforme et ne peut pas y "
        "être rétabli",
        "repost": "vous pouvez nous le demander et le publier de nouveau",
        "told": "Votre appel de la décision",
    },
    "en": {
        "reason": "Reason",
        "delete": "Delete it on the platform",
        "warned": "Reversing this decision restores the comment here only",
        "gone": "The comment was deleted on the platform and cannot be put back there",
        "repost": "you may ask us for it and post it again",
        "told": "Your appeal of decision",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_deletion_reversed_on_appeal_is_restored_here_only(
    live_server,
    page,
    personas,
    deleting_channel,  # noqa: F811
    deleting_rule,
    receiver,  # noqa: F811
    language,
    screenshot,
):
    w = {**WORDS[language], **MORE[language]}
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    comment, _ = comment_ingest(
        channel=deleting_channel,
        external_id=f"del-{language}",
        author="handle-e2e-5318",
        text=w["text"],
        posted_at=datetime.datetime.now(datetime.UTC),
        url=f"https://example.org/comments/del-{language}",
    )

    # A manager deletes it, from its confirmation page.
    sign_in(page, live_server, "manager", w)
    page.goto(f"{live_server.url}/inbox/{comment.pk}/delete/")
    page.get_by_label(w["reason"], exact=True).fill("Insultes")
    page.get_by_role("button", name=w["delete"]).click()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert comment.removed_on_platform_at is not None  # the platform confirmed
    statement = comment.statements.get(kind="deleted")
    open_menu(page)
    page.get_by_role("button", name=w["sign_out"]).click()

    # The author follows the link of their private message and appeals.
    sent = [json.loads(body) for _h, body in receiver.received]
    assert [b["kind"] for b in sent] == [
        registry.DELETE_KIND,
        registry.STATEMENT_KIND,
    ]
    link = re.search(r"https?://\S+", sent[1]["text"]).group(0)
    assert link.endswith(link_secret(statement.reference))
    author_page = live_server.url + link[link.index("/decisions/") :]
    page.goto(author_page)
    page.get_by_label(w["why"]).fill("C’était de l’ironie.")
    page.get_by_role("button", name=w["send"]).click()
    expect(page.get_by_text(w["received"])).to_be_visible()

    # Another reviewer, warned, reverses it.
    sign_in(page, live_server, "approver", w)
    page.goto(live_server.url + "/decisions/queue/")
    page.locator("table.queue a").first.click()
    expect(page.locator(".deletion-reversal-note")).to_contain_text(w["warned"])
    page.get_by_label(w["reversed_label"]).check()
    page.get_by_label(w["reasons"]).fill("Ironie, pas une insulte.")
    page.get_by_role("button", name=w["decide"]).click()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.CLOSED
    restored = Event.objects.get(comment=comment, action="restored")
    assert restored.actor == personas["approver"]
    # Nothing for the platform but the outcome, told to the author.
    sent = [json.loads(body) for _h, body in receiver.received]
    assert [b["kind"] for b in sent[2:]] == [registry.STATEMENT_KIND]
    assert sent[2]["outcome"] == "reversed"
    assert w["told"] in sent[2]["text"]
    assert w["gone"] in sent[2]["text"]
    open_menu(page)
    page.get_by_role("button", name=w["sign_out"]).click()

    # The author's page says the decision is reversed, and what could not be.
    page.goto(author_page)
    expect(page.get_by_text(w["reversed"])).to_be_visible()
    expect(page.locator(".deletion-reversed")).to_contain_text(w["gone"])
    expect(page.locator(".deletion-reversed")).to_contain_text(w["repost"])
    assert "handle-e2e-5318" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(f"deletion-reversed-{language}")
