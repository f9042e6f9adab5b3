"""The workbench: answer editor, reasons in words, sent back, views with
counts, urgency, undo."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from moderation import reasons, selectors
from moderation.models import Answer, Comment, Event, OutboxMessage
from moderation.services.answers import answer_approve, answer_reject, answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import Conflict
from moderation.services.triage import (
    UNDO_SECONDS,
    comment_claim,
    comment_hide,
    comment_undo,
)
from policies.models import AnswerTemplate, Rule
from tests.moderation.test_transitions import delegated  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
DEFAMATION = "Vous êtes des escrocs"


def new_comment(
    channel, text="Votre service est le pire", external_id="c-1", posted_at=POSTED
):
    comment, _created = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="jeanne",
        text=text,
        posted_at=posted_at,
    )
    return comment


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# Reasons in words


@pytest.mark.parametrize(
    ("language", "to_you", "expected"),
    [
        (
            "en",
            False,
            "Approval is needed because answers to Defamation need approval and "
            "its author's delegation does not cover this category.",
        ),
        (
            "en",
            True,
            "Approval is needed because answers to Defamation need approval and "
            "your delegation does not cover this category.",
        ),
        (
            "fr",
            False,
            "Une approbation est nécessaire, car les réponses à Diffamation "
            "doivent être approuvées et la délégation de son auteur ne couvre "
            "pas cette catégorie.",
        ),
    ],
)
def test_a_stored_reason_reads_as_a_sentence(language, to_you, expected):
    with translation.override(language):
        names = {"defamation": "Diffamation" if language == "fr" else "Defamation"}
        said = reasons.sentence(
            "rule:defamation; category_out_of_scope", rule_names=names, to_you=to_you
        )
    assert said == expected


def test_every_delegation_code_has_words_in_both_languages():
    from staffing import delegation

    codes = [
        delegation.NO_GRANT,
        delegation.CHANNEL_OUT_OF_SCOPE,
        delegation.CATEGORY_OUT_OF_SCOPE,
        delegation.SEVERITY_TOO_HIGH,
        delegation.ACCREDITATION_MISSING,
        delegation.ACCREDITATION_EXPIRED,
    ]
    for words in (reasons.TO_YOU, reasons.ABOUT_AUTHOR):
        assert set(words) == set(codes)
        for code in codes:
            with translation.override("en"):
                english_words = str(words[code])
            with translation.override("fr"):
                assert str(words[code]) != english_words
    # A code this version does not know is shown as it is, not dropped.
    assert reasons.clauses(["something_new"]) == ["something_new"]
    assert reasons.sentence("") == ""


def test_the_approvals_page_and_the_history_say_why_in_words(client, channel, personas):
    comment = new_comment(channel, text=DEFAMATION)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    answer_submit(comment=comment, actor=responder, body="Écrivez-nous.")
    client.force_login(personas["approver"])
    english(client)
    html = client.get(reverse("moderation:approvals")).content.decode()
    name = Rule.objects.get(version__number=comment.policy_version, slug="defamation")
    assert f"answers to {name.name_en} need approval" in html
    assert "its author has no delegation to answer on their own" in html
    assert "rule:defamation" not in html and "no_grant" not in html
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    html = page.content.decode()
    assert "rule:defamation" not in html and "no_grant" not in html
    assert f"answers to {name.name_en} need approval" in html


def test_the_api_says_why_in_words_and_keeps_the_codes(api_client, channel, personas):
    comment = new_comment(channel, text=DEFAMATION)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Écrivez-nous.")
    api_client.force_authenticate(personas["approver"])
    found = api_client.get(
        f"/api/v1/answers/{answer.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert found["needs_approval_because"] == "rule:defamation; no_grant"
    assert found["approval_reason"].startswith("Approval is needed because")


# The answer editor


def test_what_sending_does_is_said_before_sending_and_is_what_happens(
    client,
    channel,
    personas,
    delegated,  # noqa: F811 (fixture)
):
    calm = new_comment(channel, external_id="calm")
    risky = new_comment(channel, text=DEFAMATION, external_id="risky")
    for comment in (calm, risky):
        comment_claim(comment=comment, actor=delegated)
    client.force_login(delegated)
    english(client)
    calm_page = client.get(reverse("moderation:comment", args=[calm.pk]))
    assert calm_page.context["publishes"] is True
    assert "Sending publishes the answer now." in calm_page.content.decode()
    risky_page = client.get(reverse("moderation:comment", args=[risky.pk]))
    assert risky_page.context["publishes"] is False
    assert (
        "Sending puts the answer up for approval because answers to"
        in risky_page.content.decode()
    )
    # The same code decides: what the page said is what sending does.
    for comment, page in ((calm, calm_page), (risky, risky_page)):
        client.post(
            reverse("moderation:comment-answer", args=[comment.pk]), {"body": "Merci."}
        )
        answer = Answer.objects.get(comment=comment)
        assert (answer.status == Answer.Status.PUBLISHED) is page.context["publishes"]


def test_a_template_s_variables_are_filled_and_unknown_ones_stay():
    variables = {"author": "Jeanne", "netiquette": "https://example.org/n/"}
    assert (
        selectors.fill_template(
            "Bonjour {author}, voir {netiquette}. {inconnu} {{author}}", variables
        )
        == "Bonjour Jeanne, voir https://example.org/n/. {inconnu} {Jeanne}"
    )


def test_templates_are_offered_in_the_comment_s_language_filled_in(
    client, channel, personas
):
    comment = new_comment(channel, text="Ferme ta gueule connard")
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    rules = list(selectors.rules_of(comment))
    offered = [
        t for rule in rules for t in rule.answer_templates.all() if t.language == "fr"
    ]
    assert offered
    client.force_login(responder)
    english(client)
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    filled = {t.pk: body for t, body in page.context["templates"]}
    assert set(filled) == {t.pk for t in offered}
    html = page.content.decode()
    assert 'class="secondary insert-template"' in html
    with translation.override("fr"):
        variables = selectors.template_variables(
            comment, rule=rules[0], links={"netiquette": "https://x.example/"}
        )
    assert variables["author"] == "jeanne"
    assert variables["rule"] == rules[0].name_fr
    # The answer records the template it started from, if it is this comment's.
    template = offered[0]
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": filled[template.pk], "template": template.pk},
    )
    assert Answer.objects.get(comment=comment).template == template


def test_a_template_of_another_rule_is_not_recorded(client, channel, personas):
    comment = new_comment(channel)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    foreign = AnswerTemplate.objects.exclude(
        rule__slug__in=[r.slug for r in selectors.rules_of(comment)]
    ).first()
    client.force_login(responder)
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Merci.", "template": foreign.pk},
    )
    assert Answer.objects.get(comment=comment).template is None


def test_after_answering_the_page_goes_to_the_next_comment(client, channel, personas):
    first = new_comment(channel, external_id="first")
    second = new_comment(channel, external_id="second")
    responder = personas["responder"]
    comment_claim(comment=first, actor=responder)
    client.force_login(responder)
    page = client.get(reverse("moderation:comment", args=[first.pk]))
    assert page.context["next_comment"] == second
    answered = client.post(
        reverse("moderation:comment-answer", args=[first.pk]), {"body": "Merci."}
    )
    assert answered.url == reverse("moderation:comment", args=[second.pk])


def test_the_page_says_the_outcome_once_answered(
    client,
    channel,
    personas,
    delegated,  # noqa: F811 (fixture)
):
    comment = new_comment(channel, posted_at=timezone.now())
    comment_claim(comment=comment, actor=delegated)
    answer_submit(
        comment=comment,
        actor=delegated,
        body="Merci.",
        now=comment.posted_at + datetime.timedelta(minutes=3, seconds=10),
    )
    client.force_login(delegated)
    english(client)
    html = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "Answered in 3 min, target met." in html


# Sent back


def test_a_sent_back_answer_is_marked_prefilled_and_resent(client, channel, personas):
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Premier <jet>")
    answer_reject(answer=answer, actor=approver, reason="Plus <court>, svp")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    assert comment.sent_back_at is not None
    answer.refresh_from_db()
    assert answer.sent_back_reason == "Plus <court>, svp"
    client.force_login(responder)
    english(client)
    inbox = client.get(reverse("moderation:inbox"), {"view": "sent_back"})
    assert [row.comment for row in inbox.context["rows"]] == [comment]
    assert inbox.context["rows"][0].sent_back
    assert "row-sent-back" in inbox.content.decode()
    counts = {name: count for name, _label, count, _on in inbox.context["views"]}
    assert counts["sent_back"] == "1"
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    html = page.content.decode()
    assert "Sent back by approver:" in html
    assert "Plus &lt;court&gt;, svp" in html
    assert ">Premier &lt;jet&gt;</textarea>" in html
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]), {"body": "Court."}
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING_APPROVAL
    assert comment.sent_back_at is None
    assert not selectors.inbox(user=responder, view="sent_back").exists()


def test_an_approver_edits_then_approves_and_both_are_recorded(
    client, channel, personas
):
    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Brouillon")
    client.force_login(approver)
    client.post(
        reverse("moderation:answer-approve", args=[answer.pk]), {"body": "Corrigé"}
    )
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PUBLISHED
    assert answer.body == "Corrigé"
    assert OutboxMessage.objects.get(answer=answer).payload["body"] == "Corrigé"
    edited, approved = Event.objects.filter(comment=comment).order_by("pk")[
        Event.objects.filter(comment=comment).count() - 2 :
    ]
    assert (edited.action, edited.actor, edited.reason) == (
        "answer_edited",
        approver,
        "Brouillon",
    )
    assert (approved.action, approved.actor) == ("answer_approved", approver)


def test_an_unchanged_approval_writes_no_edit_and_an_empty_edit_is_refused(
    channel, personas
):
    from django.core.exceptions import ValidationError

    comment = new_comment(channel)
    responder, approver = personas["responder"], personas["approver"]
    comment_claim(comment=comment, actor=responder)
    answer = answer_submit(comment=comment, actor=responder, body="Texte")
    with pytest.raises(ValidationError):
        answer_approve(answer=answer, actor=approver, body="   ")
    answer_approve(answer=answer, actor=approver, body="Texte")
    assert not Event.objects.filter(action="answer_edited").exists()


# Views with counts


def test_views_count_in_one_query_and_stop_at_the_cap(
    client, channel, personas, monkeypatch, django_assert_num_queries
):
    responder = personas["responder"]
    for index in range(5):
        new_comment(channel, external_id=f"c-{index}")
    mine = new_comment(channel, external_id="mine")
    comment_claim(comment=mine, actor=responder)
    now = timezone.now()
    with django_assert_num_queries(1):
        counts = selectors.view_counts(user=responder, now=now)
    assert counts["open"] == "6"
    assert counts["mine"] == "1"
    assert counts["unassigned"] == "5"
    assert counts["sent_back"] == "0"
    assert counts["escalated"] == "0"
    monkeypatch.setattr(selectors, "VIEW_COUNT_CAP", 3)
    counts = selectors.view_counts(user=responder, now=now)
    assert counts["open"] == "3+"
    assert counts["mine"] == "1"
    client.force_login(responder)
    english(client)
    html = client.get(reverse("moderation:inbox"), {"view": "mine"}).content.decode()
    assert 'aria-current="page">Mine <span class="count">(1)</span>' in html
    assert 'All open <span class="count">(3+)</span>' in html


def test_the_breaching_view_holds_what_falls_due_within_the_hour(channel, personas):
    responder = personas["responder"]
    comment = new_comment(channel)
    due = comment.first_response_due_at
    with time_machine.travel(due - datetime.timedelta(minutes=61), tick=False):
        assert not selectors.inbox(user=responder, view="breaching").exists()
    with time_machine.travel(due - datetime.timedelta(minutes=59), tick=False):
        assert list(selectors.inbox(user=responder, view="breaching")) == [comment]
    with time_machine.travel(due + datetime.timedelta(minutes=1), tick=False):
        assert not selectors.inbox(user=responder, view="breaching").exists()


def test_an_outsider_counts_nothing_of_other_channels(channel, personas):
    new_comment(channel)
    counts = selectors.view_counts(user=personas["outsider"], now=timezone.now())
    assert set(counts.values()) == {"0"}


def test_the_navigation_counts_answers_waiting_for_approval(client, channel, personas):
    responder, approver = personas["responder"], personas["approver"]
    client.force_login(approver)
    english(client)
    labels = [
        str(label) for label, _url in client.get("/", follow=True).context["nav_items"]
    ]
    assert "Approvals" in labels
    for index in range(2):
        comment = new_comment(channel, external_id=f"c-{index}")
        comment_claim(comment=comment, actor=responder)
        answer_submit(comment=comment, actor=responder, body="Merci.")
    labels = [
        str(label) for label, _url in client.get("/", follow=True).context["nav_items"]
    ]
    assert "Approvals (2)" in labels


# Urgency


def test_rows_in_the_warning_window_are_amber_and_overdue_ones_red(
    client, channel, personas
):
    comment = new_comment(channel)
    responder = personas["responder"]
    assert comment.warn_at is not None
    client.force_login(responder)
    for moment, expected in (
        (comment.warn_at - datetime.timedelta(minutes=1), ""),
        (comment.warn_at, "row-warning"),
        (comment.first_response_due_at + datetime.timedelta(minutes=1), "row-late"),
    ):
        with time_machine.travel(moment, tick=False):
            page = client.get(reverse("moderation:inbox"))
        row = page.context["rows"][0]
        html = page.content.decode()
        if expected == "row-warning":
            assert row.warning and not row.late
        elif expected == "row-late":
            assert row.late and not row.warning
        else:
            assert not row.warning and not row.late
            assert "row-warning" not in html and "row-late" not in html
        if expected:
            assert expected in html


# Undo


def test_hide_then_undo_restores_the_comment_with_two_events(channel, personas):
    comment = new_comment(channel)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    now = timezone.now()
    comment_hide(comment=comment, actor=responder, reason="insulte", now=now)
    comment_undo(
        comment=comment,
        actor=responder,
        now=now + datetime.timedelta(seconds=UNDO_SECONDS - 1),
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    assert comment.assignee == responder
    last_two = list(Event.objects.filter(comment=comment).order_by("-pk")[:2])
    assert [e.action for e in reversed(last_two)] == ["hidden", "undone"]
    assert (last_two[0].before, last_two[0].after) == ("hidden", "assigned")


def test_undo_is_refused_once_the_seconds_are_over_or_to_someone_else(
    channel, personas
):
    comment = new_comment(channel)
    responder, manager = personas["responder"], personas["manager"]
    comment_claim(comment=comment, actor=responder)
    now = timezone.now()
    comment_hide(comment=comment, actor=responder, reason="insulte", now=now)
    with pytest.raises(Conflict):
        comment_undo(comment=comment, actor=manager, now=now)
    with pytest.raises(Conflict):
        comment_undo(
            comment=comment,
            actor=responder,
            now=now + datetime.timedelta(seconds=UNDO_SECONDS),
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert not Event.objects.filter(action="undone").exists()


def test_the_comment_page_offers_undo_and_the_undo_is_a_post(client, channel, personas):
    comment = new_comment(channel)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    client.force_login(responder)
    english(client)
    client.post(
        reverse("moderation:comment-hide", args=[comment.pk]), {"reason": "spam"}
    )
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert page.context["undo"] is not None
    assert reverse("moderation:comment-undo", args=[comment.pk]) in (
        page.content.decode()
    )
    assert (
        client.get(reverse("moderation:comment-undo", args=[comment.pk])).status_code
        == 405
    )
    client.post(reverse("moderation:comment-undo", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    html = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "undone (Hidden → Assigned) — hidden</li>" in html


def test_a_bulk_hide_offers_undo_in_the_inbox(client, channel, personas):
    responder = personas["responder"]
    comments = [new_comment(channel, external_id=f"c-{i}") for i in range(2)]
    client.force_login(responder)
    english(client)
    client.post(
        reverse("moderation:inbox-bulk"),
        {"action": "hide", "comments": [c.pk for c in comments], "reason": "spam"},
    )
    inbox = client.get(reverse("moderation:inbox"))
    assert sorted(inbox.context["undo"]["ids"]) == sorted(c.pk for c in comments)
    assert "You can undo it for a few seconds." in inbox.content.decode()
    assert "This applies to __count__ comments." in inbox.content.decode()
    client.post(reverse("moderation:inbox-undo"))
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == Comment.Status.NEW
    assert Event.objects.filter(action="undone").count() == 2
    # Once used, nothing is left to undo.
    again = client.post(reverse("moderation:inbox-undo"), follow=True)
    assert "There is nothing to undo." in again.content.decode()


def test_a_refresh_marks_the_rows_received_since_the_page_was_shown(
    client, channel, personas
):
    responder = personas["responder"]
    old = new_comment(channel, external_id="old")
    client.force_login(responder)
    shown = client.get(reverse("moderation:inbox"))
    since = shown.context["version"]
    assert not any(row.fresh for row in shown.context["rows"])
    fresh = new_comment(channel, external_id="fresh")
    polled = client.get(
        reverse("moderation:inbox"), {"since": since}, HTTP_HX_TARGET="inbox-live"
    )
    marked = {row.comment.pk: row.fresh for row in polled.context["rows"]}
    assert marked == {old.pk: False, fresh.pk: True}
    assert polled.content.decode().count("new-row") == 1
    # A version that is not one marks nothing rather than failing.
    assert selectors.received_since([fresh.pk], since="x.1") == set()


# The API


def test_the_api_gives_a_comment_s_audit_trail_in_words(api_client, channel, personas):
    comment = new_comment(channel, text=DEFAMATION)
    responder = personas["responder"]
    comment_claim(comment=comment, actor=responder)
    answer_submit(comment=comment, actor=responder, body="Écrivez-nous.")
    api_client.force_authenticate(responder)
    events = api_client.get(
        f"/api/v1/comments/{comment.pk}/events/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert [e["action"] for e in events] == [
        "ingested",
        "claimed",
        "answer_submitted",
    ]
    submitted = events[-1]
    assert submitted["actor"] == "responder"
    assert submitted["reason"] == "rule:defamation; no_grant"
    assert submitted["reason_text"].startswith("Approval is needed because")
    # Someone who may not see the comment does not find its trail either.
    api_client.force_authenticate(personas["outsider"])
    refused = api_client.get(f"/api/v1/comments/{comment.pk}/events/")
    assert refused.status_code in (403, 404)


def test_the_api_filters_by_view_and_undoes(api_client, channel, personas):
    responder = personas["responder"]
    mine = new_comment(channel, external_id="mine")
    new_comment(channel, external_id="other")
    comment_claim(comment=mine, actor=responder)
    api_client.force_authenticate(responder)
    found = api_client.get("/api/v1/comments/", {"view": "mine"}).json()
    ids = [c["id"] for c in found.get("results", found)]
    assert ids == [mine.pk]
    assert api_client.get("/api/v1/comments/", {"view": "nope"}).status_code == 400
    api_client.post(f"/api/v1/comments/{mine.pk}/hide/", {"reason": "spam"})
    undone = api_client.post(f"/api/v1/comments/{mine.pk}/undo/")
    assert undone.status_code == 200
    assert undone.json()["status"] == "assigned"
    again = api_client.post(f"/api/v1/comments/{mine.pk}/undo/")
    assert again.status_code == 409
