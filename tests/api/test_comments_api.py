"""REST contract of ingest, reading and claiming comments."""

import pytest

from moderation.models import Comment

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "channel": "facebook-main",
    "external_id": "fb-1",
    "author": "someone",
    "text": "Espèce de crétin",
    "posted_at": "2026-11-27T21:00:00Z",
    "url": "https://facebook.example/posts/1",
}


@pytest.fixture
def client_for(api_client, personas):
    def login(persona):
        api_client.force_authenticate(personas[persona])
        return api_client

    return login


@pytest.fixture(autouse=True)
def _channel(channel):
    return channel


def test_ingest_then_duplicate(client_for):
    api = client_for("api_reader")
    first = api.post("/api/v1/comments/", PAYLOAD, format="json")
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {"id", "status", "priority", "matches", "first_response_due_at"}
    assert body["status"] == "new"
    assert body["matches"][0]["rule"] == "offensive-content"
    # Medium severity on a 24/7 channel: eight hours after it was posted.
    assert body["first_response_due_at"] == "2026-11-28T00:00:00-05:00"
    again = api.post("/api/v1/comments/", {**PAYLOAD, "text": "changed"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "nowhere"}, "channel"),
        ({"external_id": ""}, "external_id"),
        ({"text": "x" * 20_001}, "text"),
        ({"posted_at": "yesterday"}, "posted_at"),
        ({"url": "not a url"}, "url"),
        ({"language": "de"}, "language"),
        # Far enough out that computing the due time would overflow.
        ({"posted_at": "9999-12-31T23:00:00Z"}, "posted_at"),
        ({"posted_at": "0001-01-01T00:00:00+05:00"}, "posted_at"),
    ],
)
def test_ingest_rejects_bad_input_with_nothing_written(client_for, change, field):
    response = client_for("api_reader").post(
        "/api/v1/comments/", {**PAYLOAD, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("api_reader", 201), ("manager", 201), ("responder", 403), ("outsider", 403)],
)
def test_who_may_ingest(client_for, persona, status):
    assert (
        client_for(persona)
        .post("/api/v1/comments/", PAYLOAD, format="json")
        .status_code
        == status
    )


def test_read_and_claim(client_for):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    responder = client_for("responder")
    listing = responder.get("/api/v1/comments/").json()
    assert [c["id"] for c in listing["results"]] == [comment.pk]
    assert listing["results"][0]["text"] == "Espèce de crétin"
    claim = responder.post(f"/api/v1/comments/{comment.pk}/claim/")
    assert claim.status_code == 200
    assert claim.json()["assignee"] == "responder"
    taken = client_for("approver").post(f"/api/v1/comments/{comment.pk}/claim/")
    assert taken.status_code == 409
    assert "responder" in taken.json()["detail"]
    assert (
        client_for("outsider").post(f"/api/v1/comments/{comment.pk}/claim/").status_code
        == 403
    )
    assert (
        client_for("responder").post("/api/v1/comments/999999/claim/").status_code
        == 404
    )


def test_list_runs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    api = client_for("api_reader")
    for index in range(5):
        api.post(
            "/api/v1/comments/",
            {**PAYLOAD, "external_id": f"fb-{index}"},
            format="json",
        )
    responder = client_for("responder")
    with django_assert_max_num_queries(4):
        responder.get("/api/v1/comments/")


def test_answer_and_approve_through_the_api(client_for):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    responder = client_for("responder")
    responder.post(f"/api/v1/comments/{comment.pk}/claim/")
    empty = responder.post(
        f"/api/v1/comments/{comment.pk}/answers/", {"body": ""}, format="json"
    )
    assert empty.status_code == 400
    answer = responder.post(
        f"/api/v1/comments/{comment.pk}/answers/", {"body": "Merci."}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["status"] == "pending_approval"
    answer_id = answer.json()["id"]
    assert (
        client_for("responder")
        .post(f"/api/v1/answers/{answer_id}/approve/")
        .status_code
        == 403
    )
    approved = client_for("approver").post(f"/api/v1/answers/{answer_id}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "published"
    again = client_for("manager").post(f"/api/v1/answers/{answer_id}/approve/")
    assert again.status_code == 409
    assert Comment.objects.get().status == "answered"


def test_reject_needs_a_reason(client_for):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    responder = client_for("responder")
    responder.post(f"/api/v1/comments/{comment.pk}/claim/")
    answer_id = responder.post(
        f"/api/v1/comments/{comment.pk}/answers/", {"body": "Bof."}, format="json"
    ).json()["id"]
    approver = client_for("approver")
    assert (
        approver.post(
            f"/api/v1/answers/{answer_id}/reject/", {}, format="json"
        ).status_code
        == 400
    )
    rejected = approver.post(
        f"/api/v1/answers/{answer_id}/reject/",
        {"reason": "Plus de tact."},
        format="json",
    )
    assert rejected.json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("responder", 200),
        ("approver", 200),
        ("manager", 200),
        ("api_reader", 403),
        ("counsel", 404),  # not escalated to them: not one they see
        ("outsider", 403),
    ],
)
@pytest.mark.parametrize("verb", ["hide", "close"])
def test_hide_and_close_by_role(client_for, persona, status, verb):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    response = client_for(persona).post(
        f"/api/v1/comments/{comment.pk}/{verb}/", {"reason": "Spam"}, format="json"
    )
    assert response.status_code == status


def test_escalate_needs_a_reason_and_conflicts_are_409(client_for):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    responder = client_for("responder")
    assert (
        responder.post(
            f"/api/v1/comments/{comment.pk}/escalate/", {}, format="json"
        ).status_code
        == 400
    )
    ok = responder.post(
        f"/api/v1/comments/{comment.pk}/escalate/", {"reason": "avocat"}, format="json"
    )
    assert ok.json()["status"] == "escalated"
    assert (
        responder.post(
            f"/api/v1/comments/{comment.pk}/escalate/", {"reason": "x"}, format="json"
        ).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["fb-threat", "fb-insult", "fb-thanks"]),
        ("?status=assigned", ["fb-insult"]),
        ("?category=threat", ["fb-threat"]),
        ("?assignee=responder", ["fb-insult"]),
        (
            "?channel=facebook-main&ordering=-priority",
            ["fb-threat", "fb-insult", "fb-thanks"],
        ),
        ("?ordering=posted_at", ["fb-thanks", "fb-insult", "fb-threat"]),
    ],
)
def test_comment_filters(client_for, query, expected):
    api = client_for("api_reader")
    for minutes, external_id, text in (
        (0, "fb-thanks", "Merci"),
        (1, "fb-insult", "Espèce de crétin"),
        (2, "fb-threat", "Je vais te tuer"),
    ):
        api.post(
            "/api/v1/comments/",
            {**PAYLOAD, "external_id": external_id, "text": text,
             "posted_at": f"2026-11-27T21:0{minutes}:00Z"},
            format="json",
        )  # fmt: skip
    responder = client_for("responder")
    responder.post(
        f"/api/v1/comments/{Comment.objects.get(external_id='fb-insult').pk}/claim/"
    )
    body = responder.get("/api/v1/comments/" + query).json()
    assert [c["external_id"] for c in body["results"]] == expected


@pytest.mark.parametrize(
    "query", ["?status=lost", "?category=nope", "?ordering=text", "?colour=red"]
)
def test_comment_filters_reject_bad_values(client_for, query):
    assert client_for("responder").get("/api/v1/comments/" + query).status_code == 400


@pytest.mark.parametrize("verb", ["hide", "close"])
def test_hide_and_close_need_a_reason(client_for, verb):
    client_for("api_reader").post("/api/v1/comments/", PAYLOAD, format="json")
    comment = Comment.objects.get()
    response = client_for("responder").post(
        f"/api/v1/comments/{comment.pk}/{verb}/", {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    assert Comment.objects.get().status == "new"


def test_an_escalation_through_the_api(client_for, personas, api_client):
    from core.roles import Role
    from tests.conftest import make_user

    client_for("api_reader").post(
        "/api/v1/comments/", {**PAYLOAD, "text": "Vous êtes des escrocs"}, format="json"
    )
    comment = Comment.objects.get()
    url = f"/api/v1/comments/{comment.pk}"
    escalated = client_for("responder").post(
        f"{url}/escalate/", {"reason": "Diffamation"}, format="json"
    )
    assert escalated.json()["escalated_to"] == "counsel"
    assert escalated.json()["escalation_due_at"]
    # Counsel sees it, and only it.
    counsel = client_for("counsel")
    listed = counsel.get("/api/v1/comments/").json()["results"]
    assert [c["id"] for c in listed] == [comment.pk]
    assert counsel.post(f"{url}/take/", {}, format="json").status_code == 200
    assert Comment.objects.get().assignee == personas["counsel"]
    # Back in the hands of a manager, who escalates again and reassigns.
    manager = client_for("manager")
    manager.post(f"{url}/release/", {}, format="json")
    manager.post(f"{url}/escalate/", {"reason": "Avis"}, format="json")
    other = make_user("counsel2", [Role.COUNSEL])
    refused = client_for("responder").post(
        f"{url}/reassign/", {"to": "counsel2"}, format="json"
    )
    assert refused.status_code == 403
    moved = client_for("manager").post(
        f"{url}/reassign/", {"to": "counsel2"}, format="json"
    )
    assert moved.json()["escalated_to"] == "counsel2"
    assert Comment.objects.get().escalated_to == other
    # Sending back needs a reason, and the person it is escalated to: to the
    # counsel it left, the comment is no longer one they see.
    assert (
        client_for("counsel").post(f"{url}/send-back/", {"reason": "x"}).status_code
        == 404
    )
    api_client.force_authenticate(other)
    back = api_client
    empty = back.post(f"{url}/send-back/", {"reason": ""}, format="json")
    assert (empty.status_code, set(empty.json())) == (400, {"reason"})
    done = back.post(f"{url}/send-back/", {"reason": "Rien"}, format="json")
    assert done.json()["status"] in ("new", "assigned")  # routed again at once
    # Sent back, it is no longer counsel's to see, let alone to take.
    assert back.post(f"{url}/take/").status_code == 404


def test_the_escalatee_sees_the_personal_data_others_do_not(client_for):
    text = "Vous êtes des escrocs, écrivez à jean.tremblay@example.org"
    client_for("api_reader").post(
        "/api/v1/comments/", {**PAYLOAD, "text": text}, format="json"
    )
    comment = Comment.objects.get()
    client_for("responder").post(
        f"/api/v1/comments/{comment.pk}/escalate/", {"reason": "Avis"}, format="json"
    )
    url = f"/api/v1/comments/{comment.pk}/"
    assert client_for("counsel").get(url).json()["text"] == text
    assert "jean.tremblay" not in client_for("responder").get(url).json()["text"]
