"""The inbox, comment and approvals pages: permissions, escaping, queries."""

import contextlib
import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from core.roles import Role
from moderation.models import Answer, Comment, Event
from moderation.services.answers import answer_submit
from moderation.services.escalation import comment_escalate
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim, comment_close
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Quel crétin'


def ingest(channel, external_id, text=HOSTILE, author="<b>troll</b>"):
    return comment_ingest(
        channel=channel,
        external_id=external_id,
        author=author,
        text=text,
        posted_at=POSTED,
    )[0]


@pytest.mark.parametrize(
    ("persona", "inbox", "approvals"),
    [
        ("manager", 200, 200),
        ("approver", 200, 200),
        ("responder", 200, 403),
        ("api_reader", 403, 403),
        ("outsider", 403, 403),
    ],
)
def test_page_permissions(client, personas, channel, persona, inbox, approvals):
    comment = ingest(channel, "c-1")
    client.force_login(personas[persona])
    assert client.get(reverse("moderation:inbox")).status_code == inbox
    assert (
        client.get(reverse("moderation:comment", args=[comment.pk])).status_code
        == inbox
    )
    assert client.get(reverse("moderation:approvals")).status_code == approvals


def test_inbox_escapes_hostile_text_and_orders_by_urgency(client, personas, channel):
    calm = ingest(channel, "c-calm", text="Merci pour tout", author="fan")
    urgent = ingest(channel, "c-urgent", text="Je vais te tuer", author="angry")
    ingest(channel, "c-hostile")
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:inbox"))
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;troll&lt;/b&gt;" in html
    ordered = [c.pk for c in page.context["page"]]
    assert ordered[0] == urgent.pk
    assert ordered[-1] == calm.pk


def test_inbox_runs_the_same_queries_whatever_the_page(
    client, personas, channel, django_assert_max_num_queries
):
    client.force_login(personas["responder"])
    for index in range(3):
        ingest(channel, f"c-{index}")
    # Nine, one for the crisis banner, one for the views' counts and one for
    # the person's saved filters and one for the navigation's Mentions badge.
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("moderation:inbox"))
    for index in range(3, 30):
        ingest(channel, f"c-{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("moderation:inbox"))


def test_inbox_runs_the_same_queries_whatever_the_page_size(client, personas, channel):
    for index in range(120):
        ingest(channel, f"c-{index}")
    client.force_login(personas["responder"])
    counts = []
    for size in (25, 50, 100):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("moderation:inbox"), {"size": size})
        assert len(page.context["page"]) == size
        counts.append(len(queries))
    assert counts == [counts[0]] * 3
    assert counts[0] <= 13  # the saved filters and the *Mentions* badge: one each


def test_the_pager_counts_up_to_a_cap_and_pages_without_counting_everything(
    client, personas, channel, monkeypatch
):
    from core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    for index in range(60):
        ingest(channel, f"c-{index}", text="Merci")
    urgent_first = list(
        Comment.objects.order_by("first_response_due_at", "-priority", "pk")
    )
    client.force_login(personas["responder"])
    with in_english(client):
        first = client.get(reverse("moderation:inbox"), {"size": 25})
        last = client.get(reverse("moderation:inbox"), {"size": 25, "page": 3})
    html = first.content.decode()
    assert "1–25 of more than 30" in html
    assert 'href="?size=25&amp;page=2" rel="next"' in html
    assert 'rel="prev"' not in html
    assert list(last.context["page"]) == urgent_first[50:]
    html = last.content.decode()
    assert "51–60 of more than 30" in html
    assert 'href="?size=25&amp;page=2" rel="prev"' in html
    assert 'rel="next"' not in html
    # Unreadable numbers and sizes fall back to the first page of 50.
    odd = client.get(reverse("moderation:inbox"), {"size": 7, "page": "x"})
    assert (odd.context["page"].size, odd.context["page"].number) == (50, 1)
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    with in_english(client):
        exact = client.get(reverse("moderation:inbox"))
    assert "1–50 of 60" in exact.content.decode()


@pytest.mark.parametrize(
    ("query", "count"),
    [("", 2), ("?category=threat", 1), ("?assigned=me", 1), ("?assigned=none", 1),
     ("?status=assigned", 1), ("?channel=nowhere", 0)],
)  # fmt: skip
def test_inbox_filters(client, personas, channel, query, count):
    ingest(channel, "c-1", text="Je vais te tuer")
    mine = ingest(channel, "c-2", text="Quel crétin")
    comment_claim(comment=mine, actor=personas["responder"])
    client.force_login(personas["responder"])
    assert len(client.get(reverse("moderation:inbox") + query).context["page"]) == count


def test_comment_page_highlights_and_escapes(client, personas, channel):
    # An earlier comment of the same hostile author, answered with hostile
    # words: the author panel escapes its author, text and answer too.
    earlier = ingest(channel, "c-0")
    Answer.objects.create(
        comment=earlier, author=personas["manager"], body=HOSTILE, status="published"
    )
    comment = ingest(channel, "c-1")
    client.force_login(personas["responder"])
    html = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    # "Quel crétin" is aimed at someone: a grammar's match, of high confidence.
    sure = "sûr\u00a0: vise quelqu’un"
    assert f'<mark title="offensive-content ({sure})">Quel crétin</mark>' in html
    assert f"{sure}</span> offensive-content\u00a0: «\u00a0Quel crétin\u00a0»" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Masquez le commentaire selon la nétiquette" in html  # the rule's guidance
    assert "Commentaires précédents de &lt;b&gt;troll&lt;/b&gt;" in html
    assert reverse("moderation:comment", args=[earlier.pk]) in html
    assert "réponse\u00a0: «\u00a0&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "<b>troll</b>" not in html
    assert "<script>alert" not in html


def test_two_rules_on_the_same_span_are_highlighted_together(client, personas, channel):
    from moderation.models import RuleMatch

    comment = ingest(channel, "c-same", text="Mon NAS : 046 454 286")
    start = comment.text.index("046")
    for rule in ("information-about-employees", "confidential-information"):
        RuleMatch.objects.create(
            comment=comment, policy_version=comment.policy_version, rule=rule,
            category="confidential_info", severity="high", pattern="sin",
            start=start, end=start + 11, excerpt="046 454 286",
        )  # fmt: skip
    client.force_login(personas["manager"])
    response = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert response.status_code == 200
    [highlighted] = [found for piece, found in response.context["pieces"] if found]
    assert {m.rule for m in highlighted} >= {
        "information-about-employees",
        "confidential-information",
    }


def test_claim_answer_and_approve_through_the_pages(client, personas, channel):
    comment = ingest(channel, "c-1", text="Votre service est le pire")
    client.force_login(personas["responder"])
    client.post(reverse("moderation:comment-claim", args=[comment.pk]))
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert page.context["can_answer"]
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]), {"body": "Désolés."}
    )
    answer = Answer.objects.get()
    assert answer.status == "pending_approval"
    client.force_login(personas["approver"])
    approvals = client.get(reverse("moderation:approvals")).content.decode()
    assert "Désolés." in approvals
    client.post(reverse("moderation:answer-approve", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.status == "published"
    assert Comment.objects.get().status == "answered"


def test_errors_come_back_as_messages(client, personas, channel):
    comment = ingest(channel, "c-1")
    comment_claim(comment=comment, actor=personas["approver"])
    client.force_login(personas["responder"])
    response = client.post(
        reverse("moderation:comment-claim", args=[comment.pk]), follow=True
    )
    assert "Déjà pris en charge par approver" in response.content.decode()
    free = ingest(channel, "c-2")
    empty = client.post(
        reverse("moderation:comment-escalate", args=[free.pk]),
        {"reason": ""},
        follow=True,
    )
    assert "Indiquez pourquoi" in empty.content.decode()


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_page_forms_apply_the_apis_limits(client, personas, channel):
    comment = ingest(channel, "c-long")
    comment_claim(comment=comment, actor=personas["responder"])
    client.force_login(personas["responder"])
    events = Event.objects.count()
    for verb in ("escalate", "hide", "close"):
        response = client.post(
            reverse(f"moderation:comment-{verb}", args=[comment.pk]),
            {"reason": "x" * 2_001},
            follow=True,
        )
        assert page_messages(response) == [
            "Motif\u00a0: Assurez-vous que cette valeur comporte au plus 2000 "
            "caractères (actuellement 2001)."
        ]
    response = client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "x" * 2_000_000},
        follow=True,
    )
    assert page_messages(response) == [
        "Votre réponse\u00a0: Assurez-vous que cette valeur comporte au plus 8000 "
        "caractères (actuellement 2000000)."
    ]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
    assert not Answer.objects.exists()
    assert Event.objects.count() == events
    # At the limit, the reason is kept whole.
    client.post(
        reverse("moderation:comment-escalate", args=[comment.pk]),
        {"reason": "x" * 2_000},
    )
    assert Event.objects.get(action="escalated").reason == "x" * 2_000


def test_a_rejection_reason_over_the_limit_is_a_form_error(client, personas, channel):
    comment = ingest(channel, "c-reject", text="Votre service est le pire")
    comment_claim(comment=comment, actor=personas["responder"])
    answer = answer_submit(
        comment=comment, actor=personas["responder"], body="Désolés."
    )
    assert answer.status == Answer.Status.PENDING_APPROVAL
    client.force_login(personas["approver"])
    response = client.post(
        reverse("moderation:answer-reject", args=[answer.pk]),
        {"reason": "x" * 2_001},
        follow=True,
    )
    assert page_messages(response)[0].startswith("Motif\u00a0: Assurez-vous")
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING_APPROVAL


def test_comment_page_lists_the_authors_other_comments_and_a_readable_history(
    client, personas, channel
):
    first = ingest(channel, "c-1", text="Premier message", author="habitue")
    second = ingest(channel, "c-2", text="Deuxième message", author="habitue")
    comment_claim(comment=second, actor=personas["responder"])
    client.force_login(personas["responder"])
    html = client.get(reverse("moderation:comment", args=[second.pk])).content.decode()
    assert "Commentaires précédents de habitue" in html
    assert reverse("moderation:comment", args=[first.pk]) in html
    assert "pris en charge (Nouveau → Assigné)" in html


def test_the_reasons_the_product_writes_are_read_in_the_readers_language(
    client, api_client, personas, channel
):
    """Nobody on shift: routing writes its reason in the trail; the French
    page and the API read it in their language, as people's reasons are kept
    as written."""
    from moderation.services.routing import comments_route_waiting

    comment = ingest(channel, "c-1", text="Bonjour")
    comments_route_waiting()
    gap = comment.events.get(action="routing_gap")
    assert gap.reason == "nobody on shift may answer this comment"
    client.force_login(personas["manager"])
    html = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "personne en poste ne peut répondre à ce commentaire" in html
    assert "nobody on shift" not in html
    api_client.force_authenticate(personas["manager"])
    events = api_client.get(
        f"/api/v1/comments/{comment.pk}/events/", HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    rows = events["results"] if isinstance(events, dict) else events
    [read] = [e["reason_text"] for e in rows if e["action"] == "routing_gap"]
    assert read == "personne en poste ne peut répondre à ce commentaire"


def test_backtest_shows_what_a_draft_would_flag_differently(client, personas, channel):
    from policies.services.rulebook import policy_version_create_draft

    ingest(channel, "c-1", text="Quel tocard")
    ingest(channel, "c-2", text="Merci pour tout, super service")
    manager = personas["manager"]
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="offensive-content")
    rule.patterns.filter(expression="tocard").delete()
    rule.patterns.create(kind="keyword", language="fr", expression="super")
    client.force_login(manager)
    change_page = client.get(
        f"/admin/policies/policyversion/{draft.pk}/change/"
    ).content.decode()
    # The draft's page links to its review, which links to the backtest.
    assert reverse("moderation:version-review", args=[draft.pk]) in change_page
    page = client.get(reverse("moderation:backtest", args=[draft.pk]) + "?days=7")
    assert page.context["checked"] == 2
    changes = {
        c.external_id: (added, removed) for c, added, removed in page.context["changes"]
    }
    assert changes == {
        "c-1": ([], ["offensive-content"]),
        "c-2": (["offensive-content"], []),
    }
    client.force_login(personas["responder"])
    assert (
        client.get(reverse("moderation:backtest", args=[draft.pk])).status_code == 403
    )


def test_personal_data_is_masked_for_those_who_need_not_see_it(
    client, api_client, personas, channel
):
    text = "Appelez-la au 514-555-0199, quelle idiote"
    comment = ingest(channel, "c-pii", text=text, author="voisin")
    comment_claim(comment=comment, actor=personas["responder"])
    masked = "Appelez-la au ••••••••••••, quelle idiote"
    other = make_user("other", [Role.RESPONDER])

    client.force_login(other)
    inbox = client.get(reverse("moderation:inbox")).content.decode()
    assert "514-555-0199" not in inbox and "••••••••••••" in inbox
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "514-555-0199" not in page

    for persona in ("responder", "approver"):  # the assignee, an approver
        client.force_login(personas[persona])
        page = client.get(
            reverse("moderation:comment", args=[comment.pk])
        ).content.decode()
        assert "514-555-0199" in page

    api_client.force_authenticate(other)
    assert api_client.get(f"/api/v1/comments/{comment.pk}/").json()["text"] == masked
    api_client.force_authenticate(personas["approver"])
    assert api_client.get(f"/api/v1/comments/{comment.pk}/").json()["text"] == text


# -- live refresh and bulk actions ----------------------------------------------

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-live"}


def test_the_inbox_refresh_is_one_cheap_query_while_nothing_changes(
    client, personas, channel, django_assert_num_queries
):
    ingest(channel, "c-1")
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:inbox"))
    version = page.context["version"]
    assert f'value="{version}"' in page.content.decode()
    assert "HX-Target" in page["Vary"]
    # Session, user, roles, then the version: nothing else while nothing changed.
    with django_assert_num_queries(4):
        unchanged = client.get(reverse("moderation:inbox"), {"since": version}, **POLL)
    assert unchanged.status_code == 204
    assert unchanged.content == b""

    ingest(channel, "c-2", text="Je vais te tuer", author="newcomer")
    changed = client.get(reverse("moderation:inbox"), {"since": version}, **POLL)
    html = changed.content.decode()
    assert changed.status_code == 200
    assert html.startswith('<div id="inbox-live"')  # the table alone, no page
    assert "newcomer" in html
    assert "&lt;b&gt;troll&lt;/b&gt;" in html  # escaped in the fragment too
    assert changed.context["version"] != version


def test_the_refresh_keeps_the_filters_and_the_page(client, personas, channel):
    ingest(channel, "c-1")
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:inbox"), {"category": "threat", "page": 1})
    assert 'hx-get="/inbox/?category=threat&amp;page=1"' in page.content.decode()
    fragment = client.get(
        reverse("moderation:inbox"), {"category": "threat", "since": "0.0"}, **POLL
    )
    assert len(fragment.context["page"]) == 0


def test_the_version_changes_with_the_minute(client, personas, channel):
    import time_machine

    ingest(channel, "c-1")
    client.force_login(personas["responder"])
    with time_machine.travel(POSTED, tick=False):
        version = client.get(reverse("moderation:inbox")).context["version"]
        poll = client.get(reverse("moderation:inbox"), {"since": version}, **POLL)
        assert poll.status_code == 204
    with time_machine.travel(POSTED + datetime.timedelta(minutes=1), tick=False):
        poll = client.get(reverse("moderation:inbox"), {"since": version}, **POLL)
        assert poll.status_code == 200  # the countdowns moved


@contextlib.contextmanager
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]


def bulk(client, action, comments, **extra):
    data = {"action": action, "comments": [c.pk for c in comments], **extra}
    return client.post(reverse("moderation:inbox-bulk"), data, follow=True)


@pytest.mark.parametrize(
    ("action", "status"), [("close", "closed"), ("hide", "hidden")]
)
def test_bulk_close_and_hide(client, personas, channel, action, status):
    comments = [ingest(channel, f"c-{i}") for i in range(3)]
    client.force_login(personas["responder"])
    response = bulk(client, action, comments[:2], reason="Rien à faire")
    assert response.redirect_chain[-1][0] == reverse("moderation:inbox")
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == [status, status, "new"]
    assert [str(m) for m in response.context["messages"]] == [
        {"close": "2 commentaires fermés.", "hide": "2 commentaires masqués."}[action]
    ]


def test_bulk_reports_each_comment_it_could_not_change(client, personas, channel):
    done, already = ingest(channel, "c-1"), ingest(channel, "c-2")
    comment_close(comment=already, actor=personas["approver"], reason="Ok")
    client.force_login(personas["responder"])
    with in_english(client):
        response = bulk(client, "hide", [done, already], reason="Spam")
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "1 comment hidden."
    assert "<b>troll</b> (facebook-main/c-2): This comment is Closed" in messages[1]
    html = response.content.decode()
    assert "&lt;b&gt;troll&lt;/b&gt; (facebook-main/c-2)" in html


def test_messages_show_their_level(client, personas, channel):
    """A refusal is an error read out at once; a done action a success, and a
    bulk action's skipped comments warnings, read out when the reader pauses."""
    done, already = ingest(channel, "c-1"), ingest(channel, "c-2")
    comment_close(comment=already, actor=personas["approver"], reason="Ok")
    client.force_login(personas["responder"])
    with in_english(client):
        claimed = client.post(
            reverse("moderation:comment-claim", args=[done.pk]), follow=True
        )
        refused = client.post(
            reverse("moderation:comment-claim", args=[already.pk]), follow=True
        )
        hidden = bulk(client, "hide", [done, already], reason="Spam")
    assertContains(
        claimed,
        '<p class="message success" role="status">The comment is yours.</p>',
        html=True,
    )
    assertContains(
        refused,
        '<p class="message error" role="alert">'
        "This comment is Closed, no action needed and cannot be claimed.</p>",
        html=True,
    )
    assertContains(
        hidden,
        '<p class="message success" role="status">1 comment hidden.</p>',
        html=True,
    )
    assertContains(
        hidden,
        '<p class="message warning" role="status">&lt;b&gt;troll&lt;/b&gt; '
        "(facebook-main/c-2): This comment is Closed, no action needed: it cannot be "
        "hidden.</p>",
        html=True,
    )
    assert 'role="alert"' not in hidden.content.decode()


def test_bulk_escalate_needs_a_reason_and_changes_nothing_without_one(
    client, personas, channel
):
    comments = [ingest(channel, f"c-{i}") for i in range(2)]
    client.force_login(personas["responder"])
    with in_english(client):
        response = bulk(client, "escalate", comments)
    assert [str(m) for m in response.context["messages"]] == [
        "Say why the comments are escalated."
    ]
    assert set(Comment.objects.values_list("status", flat=True)) == {"new"}
    bulk(client, "escalate", comments, reason="Legal threat")
    assert set(Comment.objects.values_list("status", flat=True)) == {"escalated"}
    assert Comment.objects.first().events.last().reason == "Legal threat"


def test_bulk_assign_claims_for_responders_and_reassigns_for_managers(
    client, personas, channel
):
    first, second = ingest(channel, "c-1"), ingest(channel, "c-2")
    responder, approver = personas["responder"], personas["approver"]
    client.force_login(responder)
    # A responder cannot hand comments to someone else...
    with in_english(client):
        response = bulk(client, "assign", [first], assignee=approver.pk)
    assert "Select a valid choice" in str(list(response.context["messages"])[0])
    assert Comment.objects.get(pk=first.pk).assignee is None
    # ... but takes them.
    bulk(client, "assign", [first, second], assignee=responder.pk)
    assert set(Comment.objects.values_list("assignee", flat=True)) == {responder.pk}
    assert Event.objects.filter(action="claimed").count() == 2
    # A manager gives them to someone else.
    client.force_login(personas["manager"])
    bulk(client, "assign", [first], assignee=approver.pk)
    assert Comment.objects.get(pk=first.pk).assignee == approver


def test_bulk_needs_a_selection_and_goes_back_only_to_this_site(
    client, personas, channel
):
    client.force_login(personas["responder"])
    with in_english(client):
        response = bulk(
            client, "close", [], next="https://evil.example/", reason="Rien"
        )
    assert response.redirect_chain[-1][0] == reverse("moderation:inbox")
    assert [str(m) for m in response.context["messages"]] == [
        "Select at least one comment."
    ]
    comment = ingest(channel, "c-1")
    response = bulk(
        client, "close", [comment], next="/inbox/?status=closed", reason="Rien"
    )
    assert response.redirect_chain[-1][0] == "/inbox/?status=closed"


@pytest.mark.parametrize(("persona", "code"), [("api_reader", 403), ("outsider", 403)])
def test_bulk_is_for_responders(client, personas, channel, persona, code):
    comment = ingest(channel, "c-1")
    client.force_login(personas[persona])
    data = {"action": "close", "comments": [comment.pk]}
    assert client.post(reverse("moderation:inbox-bulk"), data).status_code == code
    assert Comment.objects.get(pk=comment.pk).status == "new"


def test_counsel_works_on_what_is_escalated_to_them_from_the_pages(
    client, personas, channel
):
    escalated = ingest(channel, "c-1", text="Vous êtes des escrocs")
    comment_escalate(
        comment=escalated, actor=personas["responder"], reason="Diffamation"
    )
    other = ingest(channel, "c-2")
    client.force_login(personas["counsel"])
    inbox = client.get(reverse("moderation:inbox"), {"assigned": "escalated"})
    assert [row.comment.pk for row in inbox.context["rows"]] == [escalated.pk]
    # Counsel's inbox holds only what is theirs; other comments are not found.
    everything = client.get(reverse("moderation:inbox"))
    assert [row.comment.pk for row in everything.context["rows"]] == [escalated.pk]
    assert client.get(reverse("moderation:comment", args=[other.pk])).status_code == 404
    page = client.get(reverse("moderation:comment", args=[escalated.pk]))
    html = page.content.decode()
    assert "Transmis à counsel" in html
    assert reverse("moderation:comment-take", args=[escalated.pk]) in html
    assert reverse("moderation:comment-answer", args=[escalated.pk]) in html
    assert reverse("moderation:comment-reassign", args=[escalated.pk]) not in html
    empty = client.post(
        reverse("moderation:comment-send-back", args=[escalated.pk]),
        {"reason": ""},
        follow=True,
    )
    assert "Indiquez pourquoi le commentaire retourne dans la file." in (
        empty.content.decode()
    )
    assert Comment.objects.get(pk=escalated.pk).status == "escalated"
    client.post(reverse("moderation:comment-take", args=[escalated.pk]))
    taken = Comment.objects.get(pk=escalated.pk)
    assert (taken.status, taken.assignee) == ("assigned", personas["counsel"])


def test_a_manager_reassigns_an_escalation_from_its_page(client, personas, channel):
    escalated = ingest(channel, "c-1", text="Vous êtes des escrocs")
    comment_escalate(
        comment=escalated, actor=personas["responder"], reason="Diffamation"
    )
    client.force_login(personas["manager"])
    url = reverse("moderation:comment-reassign", args=[escalated.pk])
    # Someone who does not handle escalations is not offered, nor accepted.
    for bad in (personas["responder"].pk, "x"):
        client.post(url, {"to": bad})
        assert Comment.objects.get(pk=escalated.pk).escalated_to == personas["counsel"]
    client.post(url, {"to": personas["manager"].pk})
    assert Comment.objects.get(pk=escalated.pk).escalated_to == personas["manager"]


def test_hiding_from_the_comment_page_needs_a_reason(client, personas, channel):
    comment = ingest(channel, "c-1")
    client.force_login(personas["responder"])
    url = reverse("moderation:comment-hide", args=[comment.pk])
    response = client.post(url, {"reason": " "}, follow=True)
    assert "Indiquez pourquoi le commentaire est masqué." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "new"
    client.post(url, {"reason": "Insultes"})
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    assert Event.objects.filter(comment=comment).last().reason == "Insultes"
