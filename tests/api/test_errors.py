"""How the API answers a refusal raised by a service: status and exact body."""

import json

import pytest

from moderation.models import Comment
from moderation.services import ingest
from policies import api as policies_api
from policies.classify import NoPublishedVersion

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "channel": "facebook-main",
    "external_id": "fb-1",
    "author": "someone",
    "text": "Espèce de crétin",
    "posted_at": "2026-11-27T21:00:00Z",
}
UNPUBLISHED = b'{"detail":"No policy version is published yet."}'


@pytest.fixture
def client_for(api_client, personas):
    def login(persona):
        api_client.force_authenticate(personas[persona])
        api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return api_client

    return login


@pytest.fixture
def unpublished(monkeypatch):
    """Classify as if no version of the rulebook were published."""

    def classify_text(**kwargs):
        raise NoPublishedVersion

    monkeypatch.setattr(ingest, "classify_text", classify_text)
    monkeypatch.setattr(policies_api, "classify_text", classify_text)


@pytest.fixture
def comment(channel, client_for):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    return Comment.objects.get()


def test_classify_before_any_publication_is_409(client_for, unpublished):
    response = client_for("api_reader").post(
        "/api/v1/classify/", {"text": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.content == UNPUBLISHED


def test_ingest_before_any_publication_is_409(channel, client_for, unpublished):
    api = client_for("api_reader")
    single = api.post("/api/v1/comments/", PAYLOAD, format="json")
    assert single.status_code == 409
    assert single.content == UNPUBLISHED
    bulk = api.post("/api/v1/comments/bulk/", [PAYLOAD], format="json")
    assert bulk.status_code == 409
    assert bulk.content == UNPUBLISHED
    assert not Comment.objects.exists()


def test_a_transition_that_lost_the_race_is_409_with_why(comment, client_for):
    client_for("responder").post(f"/api/v1/comments/{comment.pk}/claim/")
    taken = client_for("approver").post(f"/api/v1/comments/{comment.pk}/claim/")
    assert taken.status_code == 409
    assert taken.json() == {"detail": "Already taken by responder."}


def test_an_approval_no_longer_pending_is_409_with_why(comment, client_for):
    responder = client_for("responder")
    responder.post(f"/api/v1/comments/{comment.pk}/claim/")
    answer = responder.post(
        f"/api/v1/comments/{comment.pk}/answers/", {"body": "Merci."}, format="json"
    ).json()
    approver = client_for("approver")
    assert approver.post(f"/api/v1/answers/{answer['id']}/approve/").status_code == 200
    again = approver.post(f"/api/v1/answers/{answer['id']}/approve/")
    assert again.status_code == 409
    assert again.json() == {"detail": "This answer is no longer waiting for approval."}


def test_a_service_validation_error_is_400_by_field(comment, client_for):
    response = client_for("responder").post(
        f"/api/v1/comments/{comment.pk}/escalate/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why the comment is escalated."]}
    assert Comment.objects.get().status == Comment.Status.NEW


def test_a_service_validation_error_on_an_answer_is_400_by_field(comment, client_for):
    responder = client_for("responder")
    responder.post(f"/api/v1/comments/{comment.pk}/claim/")
    answer = responder.post(
        f"/api/v1/comments/{comment.pk}/answers/", {"body": "Bof."}, format="json"
    ).json()
    rejected = client_for("approver").post(
        f"/api/v1/answers/{answer['id']}/reject/", {}, format="json"
    )
    assert rejected.status_code == 400
    assert rejected.json() == {"reason": ["Say what to change."]}


def test_a_service_refusal_is_403_with_why(comment, client_for):
    client_for("responder").post(f"/api/v1/comments/{comment.pk}/claim/")
    response = client_for("approver").post(
        f"/api/v1/comments/{comment.pk}/hide/", {"reason": "Spam"}, format="json"
    )
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "detail": "responder holds this comment: only they or a manager may hide it."
    }
