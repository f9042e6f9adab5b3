"""Every operation of the OpenAPI schema is documented for those who call it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def has_example(media):
    return bool(media.get("examples") or "example" in media)


def is_page_in_a_page(example):
    """Whether a list's example is a page whose items are pages: the schema
    builds the page around one item, so an example must not be a page itself."""
    value = example.get("value")
    items = value.get("results") if isinstance(value, dict) else None
    return bool(items) and isinstance(items[0], dict) and "results" in items[0]


def gaps_of(operation):
    gaps = []
    if not operation.get("summary", "").strip():
        gaps.append("summary")
    if not operation.get("description", "").strip():
        gaps.append("description")
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body and not has_example(body["application/json"]):
        gaps.append("request example")
    for code, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        json = content.get("application/json")
        if str(code).startswith("2") and json is not None and not has_example(json):
            gaps.append(f"{code} response example")
        for name, example in (json or {}).get("examples", {}).items():
            if is_page_in_a_page(example):
                gaps.append(f"{code} example {name} is a page in a page")
    return gaps


def test_every_operation_has_a_summary_a_description_and_examples():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, item in sorted(schema["paths"].items()):
        for method in METHODS:
            if method in item:
                gaps = gaps_of(item[method])
                if gaps:
                    missing.append(f"{method.upper()} {path}: {', '.join(gaps)}")
    assert not missing, "\n".join(["Undocumented:", *missing])


def test_the_check_sees_a_missing_example():
    operation = {
        "summary": "s",
        "description": "d",
        "requestBody": {"content": {"application/json": {"schema": {}}}},
        "responses": {
            "200": {"content": {"application/json": {"schema": {}}}},
            "204": {},
            "400": {"content": {"application/json": {"schema": {}}}},
        },
    }
    assert gaps_of(operation) == ["request example", "200 response example"]
    csv = {
        "summary": "s",
        "description": "d",
        "responses": {"200": {"content": {"text/csv": {}}}},
    }
    assert gaps_of(csv) == []


def test_the_check_sees_a_missing_summary_or_description():
    operation = {"summary": " ", "responses": {"204": {}}}
    assert gaps_of(operation) == ["summary", "description"]
    documented = {
        "summary": "s",
        "description": "d",
        "requestBody": {"content": {"application/json": {"example": {"a": 1}}}},
        "responses": {
            "201": {"content": {"application/json": {"examples": {"x": {}}}}}
        },
    }
    assert gaps_of(documented) == []


def test_the_check_sees_a_page_in_a_page():
    page = {"count": 1, "next": None, "previous": None, "results": [{"id": 1}]}
    operation = {
        "summary": "s",
        "description": "d",
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "examples": {"Twice": {"value": {**page, "results": [page]}}}
                    }
                }
            }
        },
    }
    assert gaps_of(operation) == ["200 example Twice is a page in a page"]
