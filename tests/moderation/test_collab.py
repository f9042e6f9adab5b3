"""Working together: macros, presence, internal notes and their mentions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
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


# Presence


def test_presence_shows_who_else_has_the_comment_open_and_forgets_who_left(
    client, channel, personas
):
    from django.core.cache import cache

    from moderation import presence

    comment = new_comment(channel)
    cache.delete(f"presence:comment:{comment.pk}")
    manager, responder = personas["manager"], personas["responder"]
    client.force_login(manager)
    first = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert first.context["present"] == []
    client.force_login(responder)
    english(client)
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert page.context["present"] == ["manager"]
    assert "Also open by manager" in page.content.decode()
    poll = client.get(
        reverse("moderation:comment-presence", args=[comment.pk]),
        HTTP_HX_REQUEST="true",
    )
    html = poll.content.decode()
    assert html.startswith('<p id="presence"') and "manager" in html
    assert 'hx-trigger="every 10s, presence:back"' in html
    # In French too.
    client.cookies["django_language"] = "fr"
    poll = client.get(reverse("moderation:comment-presence", args=[comment.pk]))
    assert "Aussi ouvert par manager" in poll.content.decode()
    client.force_login(manager)
    left = client.post(reverse("moderation:comment-presence-leave", args=[comment.pk]))
    assert left.status_code == 204
    assert presence.present(comment.pk) == {personas["responder"].pk: "responder"}
    # Expired: who stopped asking is no longer there.
    later = presence.time.time() + presence.PRESENCE_SECONDS + 1
    assert presence.present(comment.pk, now=later) == {}


def test_presence_is_refused_to_who_may_not_see_the_comment(client, channel, personas):
    from core.roles import Role
    from tests.conftest import make_user

    comment = new_comment(channel)
    elsewhere = make_user("zoe", [Role.RESPONDER], channels=["instagram-other"])
    client.force_login(elsewhere)
    url = reverse("moderation:comment-presence", args=[comment.pk])
    assert client.get(url).status_code == 404
    client.force_login(personas["outsider"])
    assert client.get(url).status_code == 403


# Notes and mentions


HOSTILE = '<script>alert("x")</script> @approver regarde'


def test_a_note_mentioning_a_colleague_tells_them_in_the_app_and_by_mail(
    client, channel, personas
):
    from core.models import OutgoingMail
    from moderation.models import Mention, Note

    approver = personas["approver"]
    approver.language = "en"
    approver.save()
    comment = new_comment(channel)
    client.force_login(personas["responder"])
    sent = client.post(
        reverse("moderation:comment-note", args=[comment.pk]), {"body": HOSTILE}
    )
    assert sent.status_code == 302 and sent["Location"].endswith("#notes")
    note = Note.objects.get(comment=comment)
    assert list(note.mentioned.all()) == [approver]
    mail = OutgoingMail.objects.get(kind="mention")
    assert mail.recipients == ["approver@example.org"]
    assert mail.subject == "responder mentioned you in a note on Facebook @organisation"
    assert HOSTILE in mail.body
    assert f"/inbox/{comment.pk}/" in mail.body
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html

    client.force_login(approver)
    english(client)
    inbox = client.get(reverse("moderation:approvals")).content.decode()
    assert "Mentions (1)" in inbox
    mentions = client.get(reverse("moderation:mentions"))
    assert mentions.status_code == 200
    assert "&lt;script&gt;" in mentions.content.decode()
    # Opening the comment reads the mention.
    client.get(reverse("moderation:comment", args=[comment.pk]))
    assert Mention.objects.get().read_at is not None
    assert (
        "Mentions (1)"
        not in client.get(reverse("moderation:mentions")).content.decode()
    )


def test_a_note_is_in_french_for_a_french_reader(channel, personas):
    from core.models import OutgoingMail
    from moderation.services.collab import note_add

    approver = personas["approver"]
    approver.language = "fr"
    approver.save()
    comment = new_comment(channel)
    note_add(comment=comment, actor=personas["responder"], body="@approver, vu ?")
    mail = OutgoingMail.objects.get(kind="mention")
    assert mail.subject == (
        "responder vous a mentionné dans une note sur Facebook @organisation"
    )
    assert mail.body.startswith("responder a écrit\u00a0:")


def test_mentions_are_read_from_the_text(db):
    from moderation.services.collab import mentioned_usernames

    assert mentioned_usernames(
        "@alice, voir avec @bob.martin. Écrire à jean@example.org. @alice (@eve)!"
    ) == ["alice", "bob.martin", "eve"]


def test_a_note_refuses_whoever_may_not_see_the_comment(client, channel, personas):
    from core.roles import Role
    from moderation.models import Note
    from moderation.services.collab import note_add
    from tests.conftest import make_user

    comment = new_comment(channel)
    elsewhere = make_user("zoe", [Role.RESPONDER], channels=["instagram-other"])
    responder = personas["responder"]
    # Mentioning someone who may not see it, or nobody at all: a field error.
    for body in ("@zoe regarde", "@personne regarde", "   "):
        with pytest.raises(ValidationError) as refused:
            note_add(comment=comment, actor=responder, body=body)
        assert "body" in refused.value.message_dict
    assert not Note.objects.exists()
    note_add(comment=comment, actor=responder, body="Le texte de la note")
    # The page and the API of someone who may not see it: 404; of an outsider: 403.
    client.force_login(elsewhere)
    url = reverse("moderation:comment-note", args=[comment.pk])
    assert client.post(url, {"body": "Moi aussi"}).status_code == 404
    assert (
        client.get(reverse("moderation:comment", args=[comment.pk])).status_code == 404
    )
    mentions = client.get(reverse("moderation:mentions")).content.decode()
    assert "Le texte de la note" not in mentions
    client.force_login(personas["outsider"])
    assert client.post(url, {"body": "Moi aussi"}).status_code == 403
    assert Note.objects.count() == 1
    with pytest.raises(PermissionDenied):
        note_add(comment=comment, actor=elsewhere, body="Moi aussi")


def test_the_notes_api_lists_and_writes_notes(api_client, channel, personas):
    from core.roles import Role
    from tests.conftest import make_user

    comment = new_comment(channel)
    url = f"/api/v1/comments/{comment.pk}/notes/"
    api_client.force_authenticate(personas["responder"])
    created = api_client.post(url, {"body": "@approver <b>vu</b>"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["mentioned"] == ["approver"]
    assert created.json()["author"] == "responder"
    listed = api_client.get(url).json()
    assert [n["body"] for n in listed["results"]] == ["@approver <b>vu</b>"]
    refused = api_client.post(url, {"body": "@zoe"}, format="json")
    assert refused.status_code == 400 and "body" in refused.json()
    empty = api_client.post(url, {"body": ""}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()
    long = api_client.post(url, {"body": "x" * 2001}, format="json")
    assert long.status_code == 400 and "body" in long.json()
    elsewhere = make_user("zoe", [Role.RESPONDER], channels=["instagram-other"])
    api_client.force_authenticate(elsewhere)
    assert api_client.get(url).status_code == 404
    assert api_client.post(url, {"body": "x"}, format="json").status_code == 404
    api_client.force_authenticate(personas["outsider"])
    assert api_client.get(url).status_code == 403


def test_notes_past_their_retention_are_deleted_unless_held(channel, personas):
    import datetime

    from django.utils import timezone

    from decisions.models import Category, LegalHold
    from decisions.services.retention import retention_run, retention_set
    from moderation.models import Note
    from moderation.services.collab import note_add

    old = timezone.now() - datetime.timedelta(days=40)
    kept = new_comment(channel, external_id="held")
    gone = new_comment(channel, external_id="gone")
    for comment in (kept, gone):
        note_add(
            comment=comment, actor=personas["responder"], body="@approver", now=old
        )
    note_add(comment=gone, actor=personas["responder"], body="récente")
    LegalHold.objects.create(
        comment=kept,
        reason="litige",
        placed_by=personas["manager"],
        placed_at=timezone.now(),
    )
    retention_set(
        actor=personas["privacy_officer"], days_by_category={Category.NOTES: 30}
    )
    run = retention_run()
    assert run.done[Category.NOTES] == 1
    assert sorted(Note.objects.values_list("body", flat=True)) == [
        "@approver",
        "récente",
    ]
    assert Note.objects.get(body="@approver").comment == kept
