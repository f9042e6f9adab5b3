"""Search in the inbox, by words and by author, accents aside; saved filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import search, selectors
from moderation.models import Comment, SavedFilter
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_close
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def ingest(channel, external_id, text, author="lecteur", author_name=""):
    return comment_ingest(
        channel=channel,
        external_id=external_id,
        author=author,
        author_name=author_name,
        text=text,
        posted_at=POSTED,
    )[0]


def found(client, **params):
    page = client.get(reverse("moderation:inbox"), params)
    assert page.status_code == 200
    return [comment.external_id for comment in page.context["page"]]


def test_words_are_found_whatever_their_accents_and_case(client, personas, channel):
    ingest(channel, "fr", "Le délai est dépassé à Montréal, encore.")
    ingest(channel, "en", "The CAFÉ downtown never answers the phone.")
    ingest(channel, "other", "Rien à voir ici.")
    client.force_login(personas["responder"])
    assert found(client, q="montreal") == ["fr"]
    assert found(client, q="DELAI depassé") == ["fr"]
    assert found(client, q="Café") == ["en"]
    assert found(client, q="cafe phone") == ["en"]
    # Every word must be there.
    assert found(client, q="cafe montreal") == []
    assert found(client, q="Toronto") == []


def test_authors_are_found_by_handle_words_and_by_the_author_filter(
    client, personas, channel
):
    ingest(channel, "a", "Bonjour", author="jeanne.tremblay", author_name="Jeanne")
    ingest(channel, "b", "Bonjour", author="marc", author_name="Marc Bélanger")
    client.force_login(personas["responder"])
    assert found(client, q="belanger") == ["b"]
    assert found(client, q="jeanne") == ["a"]
    assert found(client, author="marc") == ["b"]
    assert found(client, author="mar") == []  # the handle, exactly
    assert found(client, q="bonjour", author="jeanne.tremblay") == ["a"]


def test_search_keeps_to_open_comments_and_the_reader_s_channels(
    client, personas, channel, manager
):
    from moderation.models import Channel

    elsewhere = Channel.objects.create(
        slug="x-other", platform="x", handle="o", calendar=channel.calendar
    )
    closed = ingest(channel, "closed", "Facture erronée")
    comment_close(comment=closed, actor=manager, reason="Réglé")
    ingest(channel, "open", "Facture erronée")
    ingest(elsewhere, "theirs", "Facture erronée")
    scoped = make_user("scoped", ["responder"], channels=[channel.slug])
    client.force_login(scoped)
    assert found(client, q="facture") == ["open"]
    # The history, when asked for.
    assert found(client, q="facture", status="closed") == ["closed"]


@pytest.mark.parametrize("prefix_rows", [2, 5, 1000])
def test_both_steps_return_the_matches_in_the_inbox_order(
    personas, channel, monkeypatch, prefix_rows
):
    # The bounded walk of the urgency index, the GIN index, or both.
    monkeypatch.setattr(search, "PREFIX_ROWS", prefix_rows)
    for index in range(12):
        word = "souvent" if index % 3 else "rarement"
        ingest(channel, f"c-{index:02}", f"Texte {index} {word}")
    user = personas["responder"]
    comments = selectors.inbox(user=user)
    asked = [("souvent", 3), ("souvent", 50), ("rarement", 2), ("texte", 5)]
    for words, limit in asked:
        expected = [
            c.pk for c in comments if search.words_of(words)[0] in search.fold(c.text)
        ][:limit]
        assert search.matching_ids(comments, words, limit=limit) == expected


def test_a_search_page_runs_the_same_queries_whatever_it_finds(
    client, personas, channel
):
    client.force_login(personas["responder"])
    for index in range(3):
        ingest(channel, f"few-{index}", "Une facture")
    with CaptureQueriesContext(connection) as few:
        assert len(found(client, q="facture")) == 3
    for index in range(60):
        ingest(channel, f"many-{index}", "Une facture de plus")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("moderation:inbox"), {"q": "facture"})
    assert len(page.context["page"]) == 50
    assert page.context["page"].has_next
    assert len(many.captured_queries) == len(few.captured_queries)
    # One more query than the inbox without words, at most: the matching ids.
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("moderation:inbox"))
    assert len(few.captured_queries) <= len(plain.captured_queries) + 1


def test_counts_stop_at_99(client, personas, channel):
    for index in range(101):
        ingest(channel, f"c-{index}", "Encore une facture")
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:inbox"), {"q": "facture", "page": "3"})
    assert page.context["page"].total_capped
    assert "of more than 99" in page.content.decode() or "sur plus de 99" in (
        page.content.decode()
    )
    assert len(page.context["page"]) == 1


@pytest.mark.parametrize(
    "words", ["'&|!:*()", "a & b | !c", "<script>", "' OR 1=1 --", "x" * 200]
)
def test_hostile_words_find_nothing_and_break_nothing(client, personas, channel, words):
    ingest(channel, "c-1", "Texte banal")
    client.force_login(personas["responder"])
    assert found(client, q=words) in ([], ["c-1"])


def test_too_long_a_search_is_refused_with_a_message(client, personas, channel):
    ingest(channel, "c-1", "Texte banal")
    client.force_login(personas["responder"])
    page = client.get(reverse("moderation:inbox"), {"q": "x" * 201})
    assert page.status_code == 200
    assert page.context["search_errors"]
    assert [c.external_id for c in page.context["page"]] == ["c-1"]


def test_fold_drops_accents_and_case():
    assert search.fold("Élevée, ÇA, naïve, Œuvre") == "elevee, ca, naive, œuvre"
    assert search.words_of("l’été à Montréal!") == ["l", "ete", "a", "montreal"]


# -- saved filters ---------------------------------------------------------------


def test_saved_filters_are_each_person_s_own(client, personas, channel):
    responder, approver = personas["responder"], personas["approver"]
    client.force_login(responder)
    response = client.post(
        reverse("moderation:saved-filter-create"),
        {"name": "Factures", "query": "q=facture&status=new&evil=1&page=3"},
    )
    saved = SavedFilter.objects.get(user=responder)
    assert response.status_code == 302
    assert response["Location"].endswith("?q=facture&status=new")
    assert saved.query == "q=facture&status=new"  # unknown names dropped
    page = client.get(reverse("moderation:inbox"))
    assert page.context["saved_filters"] == [saved]
    assert "Factures" in page.content.decode()

    client.force_login(approver)
    page = client.get(reverse("moderation:inbox"))
    assert page.context["saved_filters"] == []
    assert "Factures" not in page.content.decode()
    refused = client.post(reverse("moderation:saved-filter-delete", args=[saved.pk]))
    assert refused.status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()

    client.force_login(responder)
    client.post(reverse("moderation:saved-filter-delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_needs_a_name_and_a_filter(client, personas, channel):
    client.force_login(personas["responder"])
    client.post(reverse("moderation:saved-filter-create"), {"name": "", "query": "q=x"})
    client.post(
        reverse("moderation:saved-filter-create"), {"name": "Rien", "query": "evil=1"}
    )
    assert not SavedFilter.objects.exists()
    # The same name again replaces the filters.
    for query in ("q=a", "q=b"):
        client.post(
            reverse("moderation:saved-filter-create"), {"name": "Mot", "query": query}
        )
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mot", "q=b")]


def test_outsiders_save_no_filter(client, personas):
    client.force_login(personas["outsider"])
    response = client.post(
        reverse("moderation:saved-filter-create"), {"name": "x", "query": "q=x"}
    )
    assert response.status_code == 403
    assert not SavedFilter.objects.exists()
    assert Comment.objects.count() == 0
