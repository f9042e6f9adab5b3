"""Working together: macros, presence, internal notes and their mentions."""

import pytest
from django.urls import reverse

from moderation.macros import default_macros, macros_seed
from moderation.models import Answer, Comment, Event, Macro
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.triage import comment_claim, comment_undo
from tests.moderation.test_transitions import delegated  # noqa: F401 (fixture)
from tests.moderation.test_workbench import DEFAMATION, english, new_comment

pytestmark = pytest.mark.django_db

INSULT = "Ferme ta gueule connard"


@pytest.fixture
def macros(db):
    macros_seed()
    return {macro.rule or macro.then: macro for macro in Macro.objects.all()}


# Macros


def test_every_default_template_that_says_hidden_has_a_macro_that_hides(macros):
    names = {macro.name_fr for macro in Macro.objects.filter(then="hide")}
    assert "Rappel de la nétiquette" in names
    assert all("masqué" in macro.body_fr for macro in Macro.objects.filter(then="hide"))
    # Seeded once: a manager's deletion is kept at the next start.
    Macro.objects.filter(rule="offensive-content").delete()
    assert macros_seed() == 0
    assert len(default_macros()) == 7


def test_the_netiquette_macro_takes_the_template_s_place_and_hides_on_send(
    client,
    channel,
    delegated,  # noqa: F811 (fixture)
    macros,
):
    comment = new_comment(channel, text=INSULT)
    comment_claim(comment=comment, actor=delegated)
    client.force_login(delegated)
    english(client)
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    offered = {
        macro.pk: (body, name, said)
        for macro, body, name, said in page.context["macros"]
    }
    netiquette = macros["offensive-content"]
    assert netiquette.pk in offered
    # The template of the same title is offered as the macro only.
    assert "Rappel de la nétiquette" not in {
        t.title for t, _body in page.context["templates"]
    }
    body, name, said = offered[netiquette.pk]
    assert "Votre commentaire a été masqué" in body
    assert said == (
        "Sending publishes the answer now. Once the answer is published, the "
        "comment is hidden."
    )
    # The macro of another rule is not offered on this comment.
    assert macros["sexual-content"].pk not in offered
    sent = client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": body, "macro": netiquette.pk},
    )
    assert sent.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert comment.first_responded_at is not None
    answer = Answer.objects.get(comment=comment)
    assert answer.status == Answer.Status.PUBLISHED and answer.then == "hide"
    actions = list(comment.events.values_list("action", "before", "after"))
    assert actions[-2:] == [
        ("answered", "assigned", "answered"),
        ("hidden", "answered", "hidden"),
    ]
    # A statement of reasons, as for the Hide button.
    assert comment.statements.count() == 1
    # Undone, it is answered again, as it was.
    comment_undo(comment=comment, actor=delegated)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ANSWERED


def test_a_macro_s_hide_waits_for_the_approval_of_the_answer(channel, personas, macros):
    hides = Macro.objects.create(
        name_fr="Masquer", name_en="Hide", body_fr="Masqué.", body_en="Hidden.",
        then="hide",
    )  # fmt: skip
    responder, approver = personas["responder"], personas["approver"]
    comment = new_comment(channel, text=DEFAMATION)
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(
        comment=comment, actor=responder, body="Nous vérifions.", macro=hides
    )
    assert answer.status == Answer.Status.PENDING_APPROVAL
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING_APPROVAL
    answer_approve(answer=answer, actor=approver)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    hidden = comment.events.get(action=Event.Action.HIDDEN)
    # Hidden as its author chose, once the approver published the answer.
    assert hidden.actor == responder and hidden.before == "answered"


def test_a_closing_macro_closes_without_an_answer(client, channel, personas, macros):
    responder = personas["responder"]
    comment = new_comment(channel)
    comment_claim(comment=comment, actor=responder)
    client.force_login(responder)
    english(client)
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    offered = {macro.pk: said for macro, _b, _n, said in page.context["macros"]}
    assert offered[macros["close"].pk] == (
        "Sending closes the comment without an answer; the text is kept as the reason."
    )
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Hors sujet.", "macro": macros["close"].pk},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.CLOSED
    assert not Answer.objects.filter(comment=comment).exists()
    assert comment.events.get(action="closed").reason == "Hors sujet."


def test_an_inactive_or_unknown_macro_only_answers(
    client,
    channel,
    delegated,  # noqa: F811 (fixture)
    macros,
):
    netiquette = macros["offensive-content"]
    netiquette.active = False
    netiquette.save()
    comment = new_comment(channel, text=INSULT)
    comment_claim(comment=comment, actor=delegated)
    client.force_login(delegated)
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert netiquette.pk not in {m.pk for m, *_rest in page.context["macros"]}
    for macro in (netiquette.pk, 999999):
        client.post(
            reverse("moderation:comment-answer", args=[comment.pk]),
            {"body": "Merci.", "macro": macro},
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ANSWERED
    bad = client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Merci.", "macro": "x<script>"},
    )
    assert bad.status_code == 302


def test_an_answered_comment_may_be_hidden(
    channel,
    delegated,  # noqa: F811 (fixture)
):
    from moderation.services.triage import comment_hide

    comment = new_comment(channel, text=INSULT)
    comment_claim(comment=comment, actor=delegated)
    answer_submit(comment=comment, actor=delegated, body="Merci.")
    comment = comment_hide(comment=comment, actor=delegated, reason="insulte")
    assert comment.status == Comment.Status.HIDDEN
