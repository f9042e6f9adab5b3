"""REST contract of the rulebook: permissions, filters, pagination, ETag, language."""

import datetime

import pytest

from policies.models import Disclosure, Notice, PolicyVersion
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_publish,
)
from tests.conftest import make_token

pytestmark = pytest.mark.django_db

PRIVATE = [
    "/api/v1/rules/",
    "/api/v1/rules/threats/",
    "/api/v1/legal-references/",
    "/api/v1/legal-references/ca-criminal-code/",
    "/api/v1/policy-versions/",
    "/api/v1/policy-versions/1/",
    "/api/v1/policy-versions/current/",
]
PUBLIC = ["/api/v1/notices/", "/api/v1/disclosures/"]


@pytest.mark.parametrize("url", PRIVATE)
def test_policy_data_needs_authentication(api_client, framework, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", PRIVATE + PUBLIC)
@pytest.mark.parametrize(
    "persona", ["manager", "approver", "responder", "api_reader", "outsider"]
)
def test_any_authenticated_client_reads_policy_data(
    api_client, framework, personas, persona, url
):
    api_client.force_authenticate(personas[persona])
    assert api_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PUBLIC)
def test_notices_and_disclosures_are_public(api_client, framework, url):
    assert api_client.get(url).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_policy_api_is_read_only(api_client, framework, manager, method):
    api_client.force_authenticate(manager)
    response = getattr(api_client, method)("/api/v1/rules/threats/", {})
    assert response.status_code == 405


def test_token_authentication(api_client, framework, personas):
    secret = make_token(personas["api_reader"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api_client.get("/api/v1/rules/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get("/api/v1/rules/").status_code == 401


@pytest.fixture
def reader(api_client, framework, personas):
    api_client.force_authenticate(personas["api_reader"])
    return api_client


def test_rule_fields_and_language(reader):
    body = reader.get("/api/v1/rules/threats/?lang=en").json()
    assert body == {
        "slug": "threats",
        "category": "threat",
        "name": "Threats",
        "description": body["description"],
        "severity": "critical",
        "action": "escalate_manager",
        "requires_approval": True,
        "legal_references": ["ca-criminal-code"],
        "guidance": body["guidance"],
        "policy_version": 1,
    }
    assert body["description"].startswith("Threats of death")
    french = reader.get("/api/v1/rules/threats/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["name"] == "Menaces"
    english = reader.get("/api/v1/rules/threats/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["name"] == "Threats"


def test_rule_filters(reader):
    threats = reader.get("/api/v1/rules/?category=threat").json()
    assert [rule["slug"] for rule in threats["results"]] == ["threats"]
    high = reader.get("/api/v1/rules/?severity=high").json()["results"]
    assert high and {rule["severity"] for rule in high} == {"high"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=nope", "category"),
        ("severity=extreme", "severity"),
        ("severty=high", "severty"),
        ("version=abc", "version"),
    ],
)
def test_bad_filters_give_400_with_the_field(reader, query, field):
    response = reader.get(f"/api/v1/rules/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/rules/no-such-rule/",
        "/api/v1/legal-references/nothing/",
        "/api/v1/policy-versions/99/",
        "/api/v1/rules/?version=99",
        "/api/v1/notices/424242/",
    ],
)
def test_unknown_objects_give_404(reader, url):
    assert reader.get(url).status_code == 404


def test_rules_of_another_version(reader, manager):
    draft = policy_version_create_draft(actor=manager)
    draft.rules.filter(slug="denigration").delete()
    policy_version_publish(version=draft, actor=manager)
    current = reader.get("/api/v1/rules/").json()
    assert current["count"] == 10
    assert {rule["policy_version"] for rule in current["results"]} == {2}
    old = reader.get("/api/v1/rules/?version=1").json()
    assert old["count"] == 11


def test_pagination(reader):
    first = reader.get("/api/v1/rules/?page_size=4").json()
    assert first["count"] == 11
    assert len(first["results"]) == 4
    assert first["next"].endswith("page=2&page_size=4")
    last = reader.get("/api/v1/rules/?page_size=4&page=3").json()
    assert len(last["results"]) == 3
    assert last["next"] is None
    assert reader.get("/api/v1/rules/?page=9").status_code == 404


def test_conditional_get_returns_304_until_the_rules_change(reader, manager):
    first = reader.get("/api/v1/rules/")
    etag = first["ETag"]
    assert etag
    again = reader.get("/api/v1/rules/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="threats")
    rule.severity = "high"
    rule.save()
    policy_version_publish(version=draft, actor=manager)
    changed = reader.get("/api/v1/rules/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_differs_by_language(reader):
    french = reader.get("/api/v1/rules/?lang=fr")["ETag"]
    english = reader.get("/api/v1/rules/?lang=en")["ETag"]
    assert french != english


def test_list_pages_run_a_fixed_number_of_queries(
    reader, django_assert_max_num_queries
):
    # Auth, version lookup, count, rows, legal references prefetch.
    with django_assert_max_num_queries(5):
        reader.get("/api/v1/rules/")
    with django_assert_max_num_queries(3):
        reader.get("/api/v1/disclosures/")
    with django_assert_max_num_queries(3):
        reader.get("/api/v1/notices/")


def test_current_version(reader):
    body = reader.get("/api/v1/policy-versions/current/").json()
    assert body["number"] == 1
    assert body["status"] == "published"


def test_current_version_is_404_before_any_publication(
    empty_rulebook, api_client, personas
):
    api_client.force_authenticate(personas["api_reader"])
    assert not PolicyVersion.objects.exists()
    assert api_client.get("/api/v1/policy-versions/current/").status_code == 404
    assert api_client.get("/api/v1/rules/").json()["count"] == 0


def test_notice_filters_and_sanitised_html(api_client, framework):
    Notice.objects.filter(kind="netiquette", language="en").update(
        body="Hello <script>alert(1)</script> **world**"
    )
    body = api_client.get("/api/v1/notices/?kind=netiquette&language=en").json()
    assert body["count"] == 1
    notice = body["results"][0]
    assert notice["html"] == "<p>Hello  <strong>world</strong></p>"
    french = api_client.get("/api/v1/notices/?lang=fr").json()
    assert {n["language"] for n in french["results"]} == {"fr"}
    assert api_client.get("/api/v1/notices/?platform=myspace").status_code == 400


def test_unpublished_notices_are_not_served(api_client, framework):
    Notice.objects.filter(kind="privacy").update(published=False)
    kinds = {n["kind"] for n in api_client.get("/api/v1/notices/").json()["results"]}
    assert "privacy" not in kinds


def test_disclosures_show_published_ties_in_force(api_client, framework):
    today = datetime.date.today()
    active = Disclosure.objects.create(
        party="Dr. Anne Tremblay",
        kind="paid_expert",
        statement_fr="Rémunérée comme conseillère.",
        statement_en="Paid as an adviser.",
        starts_on=today - datetime.timedelta(days=10),
        published=True,
    )
    active.handles.create(platform="x", handle="@DrTremblay")
    Disclosure.objects.create(
        party="Unpublished", kind="employee", statement_fr="x", statement_en="x",
        starts_on=today, published=False,
    )  # fmt: skip
    Disclosure.objects.create(
        party="Ended", kind="employee", statement_fr="x", statement_en="x",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1), published=True,
    )  # fmt: skip
    results = api_client.get("/api/v1/disclosures/?lang=en").json()["results"]
    assert results == [
        {
            "id": active.pk,
            "party": "Dr. Anne Tremblay",
            "kind": "paid_expert",
            "handles": {"x": ["drtremblay"]},
            "statement": "Paid as an adviser.",
            "starts_on": (today - datetime.timedelta(days=10)).isoformat(),
            "ends_on": None,
        }
    ]


def test_schema_and_docs(client, framework):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/rules/",
        "/api/v1/notices/",
        "/api/v1/policy-versions/current/",
    ):
        assert path in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
