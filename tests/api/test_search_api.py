"""Search parameters of the comments list, and saved filters in the API."""

import datetime

import pytest

from moderation.models import SavedFilter
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_close

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def ingest(channel, external_id, text, author="lecteur"):
    return comment_ingest(
        channel=channel,
        external_id=external_id,
        author=author,
        text=text,
        posted_at=POSTED,
    )[0]


def listed(api_client, **params):
    response = api_client.get("/api/v1/comments/", params)
    assert response.status_code == 200, response.json()
    return [item["external_id"] for item in response.json()["results"]]


def test_the_comments_list_searches_words_and_authors(
    api_client, personas, channel, manager
):
    ingest(channel, "fr", "Le délai est dépassé à Montréal.", author="jeanne")
    ingest(channel, "en", "The café never answers.", author="marc")
    closed = ingest(channel, "closed", "Montréal encore", author="marc")
    comment_close(comment=closed, actor=manager, reason="Réglé")
    api_client.force_authenticate(personas["responder"])
    assert listed(api_client, q="montreal DELAI") == ["fr"]
    assert listed(api_client, q="cafe") == ["en"]
    # Open comments unless the status says otherwise.
    assert listed(api_client, q="montreal") == ["fr"]
    assert listed(api_client, q="montreal", status="closed") == ["closed"]
    assert sorted(listed(api_client, author="marc")) == ["closed", "en"]
    assert listed(api_client, q="toronto") == []


def test_too_long_a_search_is_a_400_naming_the_parameter(api_client, personas):
    api_client.force_authenticate(personas["responder"])
    response = api_client.get("/api/v1/comments/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "q" in response.json()


def test_saved_filters_belong_to_their_person(api_client, personas):
    responder, approver = personas["responder"], personas["approver"]
    api_client.force_authenticate(responder)
    created = api_client.post(
        "/api/v1/saved-filters/",
        {"name": "Factures", "query": "q=facture&evil=1"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["query"] == "q=facture"
    assert [f["name"] for f in api_client.get("/api/v1/saved-filters/").json()] == [
        "Factures"
    ]
    refused = api_client.post(
        "/api/v1/saved-filters/", {"name": "", "query": "evil=1"}, format="json"
    )
    assert refused.status_code == 400
    assert "name" in refused.json()

    api_client.force_authenticate(approver)
    assert api_client.get("/api/v1/saved-filters/").json() == []
    pk = created.json()["id"]
    assert api_client.delete(f"/api/v1/saved-filters/{pk}/").status_code == 404
    assert SavedFilter.objects.filter(pk=pk).exists()

    api_client.force_authenticate(responder)
    assert api_client.delete(f"/api/v1/saved-filters/{pk}/").status_code == 204
    assert not SavedFilter.objects.exists()
