"""The author panel of the comment page and the API's context of a comment:
the author's earlier comments with what was decided on each, the registry entry
of an undisclosed tie, the thread."""

import datetime

import pytest
from django.urls import reverse

from core.roles import Role
from decisions.models import Statement
from moderation import registry
from moderation.models import Answer, Channel, Comment
from moderation.services.ingest import comment_ingest
from policies.models import Disclosure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
PHONE = "514-555-0199"


def ingest(channel, external_id, *, text="Bonjour", author="habitue", hours=0, **extra):
    return comment_ingest(
        channel=channel,
        external_id=external_id,
        author=author,
        text=text,
        posted_at=POSTED + datetime.timedelta(hours=hours),
        **extra,
    )[0]


def history_of(client, user, comment):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert response.status_code == 200
    return response


@pytest.fixture
def decided(channel, personas):
    """Earlier comments of one author, each decided differently."""
    answered = ingest(channel, "c-answered", hours=1, text="Où est ma commande ?")
    Answer.objects.create(
        comment=answered,
        author=personas["responder"],
        body="Merci de votre patience, votre commande part demain matin "
        "depuis notre entrepôt de Laval, comme promis la semaine dernière",
        status=Answer.Status.PUBLISHED,
    )
    Comment.objects.filter(pk=answered.pk).update(status=Comment.Status.ANSWERED)
    hidden = ingest(channel, "c-hidden", hours=2, text=f"Appelez-moi au {PHONE}")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    Statement.objects.create(
        reference="D-2026-0042", comment=hidden, kind="hidden", platform="facebook",
        restricted_at=POSTED, detected_automatically=True,
        decided_automatically=False, language="fr",
    )  # fmt: skip
    removed = ingest(channel, "c-removed", hours=3)
    Comment.objects.filter(pk=removed.pk).update(removed_on_platform_at=POSTED)
    closed = ingest(channel, "c-closed", hours=4)
    Comment.objects.filter(pk=closed.pk).update(status=Comment.Status.CLOSED)
    current = ingest(channel, "c-now", hours=5)
    return {
        "answered": answered,
        "hidden": hidden,
        "removed": removed,
        "closed": closed,
        "current": current,
    }


def test_the_panel_says_what_was_decided_on_each_earlier_comment(
    client, manager, decided
):
    response = history_of(client, manager, decided["current"])
    rows = response.context["history"].comments
    assert [row.comment.external_id for row in rows] == [
        "c-closed",
        "c-removed",
        "c-hidden",
        "c-answered",
    ]
    assert [row.decision for row in rows] == [
        "Closed, no action needed",
        "Removed on the platform",
        "Hidden",
        "Answered",
    ]
    assert rows[2].statement == "D-2026-0042"
    assert rows[3].answer.startswith("Merci de votre patience")
    assert rows[3].answer.endswith("…")
    html = response.content.decode()
    assert reverse("decisions:statement", args=["D-2026-0042"]) in html
    assert "statement D-2026-0042" in html
    assert "answered: “Merci de votre patience" in html
    assert response.context["history"].more == ""


def test_the_panel_lists_only_the_comments_posted_before_this_one(
    client, api_client, manager, channel, decided
):
    """Opened on an older comment, the panel shows what came before it, not
    what the author wrote afterwards; on the newest, all the earlier ones."""
    ingest(channel, "c-later", hours=8, text="Toujours rien ?")
    # The same instant as c-removed, received after it: it is not earlier.
    same_instant = ingest(channel, "c-same", hours=3)
    hidden = decided["hidden"]
    page = history_of(client, manager, hidden)
    assert [row.comment.external_id for row in page.context["history"].comments] == [
        "c-answered"
    ]
    html = page.content.decode()
    panel = html[html.index('<section class="author-history"') :]
    panel = panel[: panel.index("</section>")]
    assert "Earlier comments by habitue" in panel
    assert reverse("moderation:comment", args=[decided["answered"].pk]) in panel
    for later in ("c-removed", "c-closed", "c-now", "c-later", "c-same"):
        pk = Comment.objects.get(external_id=later).pk
        assert f'href="{reverse("moderation:comment", args=[pk])}"' not in panel
    body = context_of(api_client, manager, hidden).json()
    assert [r["id"] for r in body["author_history"]["comments"]] == [
        decided["answered"].pk
    ]
    # At the same instant, the one received first is the earlier.
    rows = history_of(client, manager, same_instant).context["history"].comments
    assert [row.comment.external_id for row in rows] == [
        "c-removed",
        "c-hidden",
        "c-answered",
    ]
    rows = history_of(client, manager, decided["removed"]).context["history"].comments
    assert [row.comment.external_id for row in rows] == ["c-hidden", "c-answered"]
    # The first comment has no earlier one: no panel at all.
    first = history_of(client, manager, decided["answered"])
    assert first.context["history"].comments == []
    assert "author-history" not in first.content.decode()
    assert (
        context_of(api_client, manager, decided["answered"]).json()["author_history"][
            "comments"
        ]
        == []
    )


def test_the_panel_is_in_french(client, manager, decided):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get(
        reverse("moderation:comment", args=[decided["current"].pk])
    ).content.decode()
    assert "Retiré sur la plateforme" in html
    assert "exposé des motifs D-2026-0042" in html
    assert "réponse\u00a0: «\u00a0Merci de votre patience" in html


def test_the_panel_masks_personal_data_for_who_need_not_see_it(
    client, personas, decided
):
    manager_rows = history_of(client, personas["manager"], decided["current"])
    responder_rows = history_of(client, personas["responder"], decided["current"])
    assert PHONE in manager_rows.content.decode()
    assert PHONE not in responder_rows.content.decode()
    assert "••••••••••••" in responder_rows.content.decode()


def test_the_panel_shows_only_comments_the_viewer_may_see(client, channel, personas):
    current = ingest(channel, "c-now", hours=5)
    escalated = ingest(channel, "c-esc", hours=1, text="Secret")
    counsel = personas["counsel"]
    Comment.objects.filter(pk=current.pk).update(
        status=Comment.Status.ESCALATED, escalated_to=counsel
    )
    response = history_of(client, counsel, current)
    assert response.context["history"].comments == []
    assert reverse("moderation:comment", args=[escalated.pk]) not in (
        response.content.decode()
    )


@pytest.mark.parametrize("earlier", [1, 15])
def test_the_panel_costs_the_same_whatever_the_history(
    client, manager, channel, django_assert_max_num_queries, earlier
):
    for number in range(earlier):
        comment = ingest(channel, f"c-{number}", hours=number)
        Answer.objects.create(
            comment=comment, author=manager, body="Merci", status="published"
        )
        Statement.objects.create(
            reference=f"D-{number}", comment=comment, kind="hidden",
            platform="facebook", restricted_at=POSTED, language="fr",
            detected_automatically=True, decided_automatically=False,
        )  # fmt: skip
    current = ingest(channel, "c-now", hours=20)
    client.force_login(manager)
    path = reverse("moderation:comment", args=[current.pk])
    client.get(path)
    # The page, plus the panel's comments, their matches, statements and
    # answers, and one capped count once the panel is full: 20 at most.
    with django_assert_max_num_queries(20):
        response = client.get(path)
    assert len(response.context["history"].comments) == min(earlier, 10)
    assert response.context["history"].more == ("5" if earlier == 15 else "")


def test_the_more_count_is_capped(client, manager, channel):
    from moderation import selectors

    for number in range(12):
        ingest(channel, f"c-{number}", hours=number)
    current = ingest(channel, "c-now", hours=20)
    history = selectors.author_history(current, user=manager, limit=2)
    assert history.more == "10"
    capped = selectors.HISTORY_COUNT_CAP
    selectors.HISTORY_COUNT_CAP = 5
    try:
        history = selectors.author_history(current, user=manager, limit=2)
    finally:
        selectors.HISTORY_COUNT_CAP = capped
    assert history.more == "5+"


@pytest.fixture
def tie(channel):
    disclosure = Disclosure.objects.create(
        party="Dr <i>Tremblay</i>", kind="paid_expert",
        statement_fr="Payée pour ses conférences", statement_en="Paid for talks",
        starts_on=datetime.date(2020, 1, 1), published=True,
    )  # fmt: skip
    disclosure.handles.create(platform="facebook", handle="drtremblay")
    return disclosure


def test_an_undisclosed_tie_shows_the_registry_entry_that_matched(
    client, manager, channel, tie
):
    comment = ingest(
        channel, "c-tie", author="@DrTremblay", text="Ce produit est génial"
    )
    assert "undisclosed_tie" in {m.category for m in comment.matches.all()}
    response = history_of(client, manager, comment)
    [entry] = response.context["history"].ties
    assert entry.party == "Dr <i>Tremblay</i>"
    assert entry.public
    html = response.content.decode()
    assert "Dr &lt;i&gt;Tremblay&lt;/i&gt;" in html
    assert "Paid expert" in html
    assert f'href="{reverse("policies:disclosures")}"' in html
    assert "disclosed in the public registry" in html


def test_a_disclosed_tie_shows_no_registry_entry(client, manager, channel, tie):
    comment = ingest(
        channel, "c-tie", author="drtremblay", text="Ce produit est génial #partenaire"
    )
    response = history_of(client, manager, comment)
    assert response.context["history"].ties == []
    assert "registry of ties" not in response.content.decode()


def test_a_tie_no_longer_in_force_is_shown_unlinked(client, manager, channel, tie):
    comment = ingest(channel, "c-tie", author="drtremblay", text="Génial")
    Disclosure.objects.filter(pk=tie.pk).update(ends_on=datetime.date(2021, 1, 1))
    response = history_of(client, manager, comment)
    [entry] = response.context["history"].ties
    assert not entry.public
    assert "not published in the public registry" in response.content.decode()


# The API.


def context_of(api_client, user, comment):
    api_client.force_authenticate(user)
    return api_client.get(
        f"/api/v1/comments/{comment.pk}/context/", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_the_api_gives_the_thread_and_the_history(
    api_client, personas, channel, decided, tie
):
    ingest(channel, "p-1", author="voisin", text=f"Mon numéro : {PHONE}")
    reply = ingest(
        channel,
        "c-reply",
        hours=6,
        parent="p-1",
        post=registry.Post(
            external_id="post-1",
            text="Notre annonce",
            url="https://social.example/org/post-1",
            posted_at=POSTED,
        ),
    )
    response = context_of(api_client, personas["responder"], reply)
    assert response.status_code == 200
    body = response.json()
    assert body["thread"]["post"] == {
        "external_id": "post-1",
        "text": "Notre annonce",
        "url": "https://social.example/org/post-1",
        "posted_at": "2026-11-27T16:00:00-05:00",
    }
    parent = body["thread"]["parent"]
    assert parent["external_id"] == "p-1"
    assert parent["author"] == "voisin"
    assert PHONE not in parent["text"]
    history = body["author_history"]
    assert [row["decision"] for row in history["comments"]][:2] == [
        "Not handled yet",
        "Closed, no action needed",
    ]
    hidden = next(r for r in history["comments"] if r["status"] == "hidden")
    assert hidden["statement"] == "D-2026-0042"
    assert PHONE not in hidden["text"]
    assert history["more"] == ""
    assert history["ties"] == []


def test_the_api_gives_the_tie(api_client, manager, channel, tie):
    comment = ingest(channel, "c-tie", author="drtremblay", text="Génial")
    body = context_of(api_client, manager, comment).json()
    [entry] = body["author_history"]["ties"]
    assert entry["party"] == "Dr <i>Tremblay</i>"
    assert entry["handle"] == "drtremblay"
    assert entry["public_url"] == "http://testserver" + reverse("policies:disclosures")
    assert body["thread"] == {"post": None, "parent": None}


def test_the_api_context_of_a_comment_one_may_not_see_is_not_found(
    api_client, personas, channel
):
    elsewhere = Channel.objects.create(
        slug="x-elsewhere", platform="x", handle="organisation",
        languages=["fr"], calendar=channel.calendar,
    )  # fmt: skip
    scoped = make_user("scoped", [Role.RESPONDER], channels=[elsewhere.slug])
    comment = ingest(channel, "c-1")
    assert context_of(api_client, scoped, comment).status_code == 404
    assert context_of(api_client, personas["counsel"], comment).status_code == 404
    assert context_of(api_client, personas["outsider"], comment).status_code == 403
    # Their own channel's comment: only that channel's history.
    mine = ingest(elsewhere, "x-1", hours=2)
    ingest(elsewhere, "x-0", hours=1)
    body = context_of(api_client, scoped, mine).json()
    assert [r["id"] for r in body["author_history"]["comments"]] == [
        Comment.objects.get(external_id="x-0").pk
    ]


def test_erased_authors_are_not_tied_together_again(
    client, channel, personas, api_client
):
    """Retention or an access request empties a handle: the comments that lost
    it are no one's, and no panel lists them as one author's."""
    first = ingest(channel, "gone-1", author="parti")
    second = ingest(channel, "gone-2", author="parti", hours=1)
    Comment.objects.filter(pk__in=[first.pk, second.pk]).update(author="")
    page = history_of(client, personas["manager"], second)
    assert page.context["history"].comments == []
    api_client.force_authenticate(personas["manager"])
    context = api_client.get(f"/api/v1/comments/{second.pk}/context/").json()
    assert context["author_history"]["comments"] == []
