"""While the database cannot be reached, people and REST clients are told to
try again in a moment (503 + Retry-After), in their language, and the pages
that need no database keep working."""

import json

import pytest
from django.db import InterfaceError, OperationalError

from moderation import selectors
from moderation.api.comments import CommentViewSet
from tests.processes import Gunicorn, scratch_folder

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@pytest.fixture
def database_down(monkeypatch):
    def fail(*args, **kwargs):
        raise DOWN

    monkeypatch.setattr(selectors, "inbox", fail)


def test_a_page_says_to_try_again_when_the_database_is_down(
    client, personas, database_down, caplog
):
    client.force_login(personas["responder"])
    response = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<h1>Unavailable for a moment</h1>" in page
    assert "try again in 10 seconds" in page
    assert "Database unavailable for GET /inbox/" in caplog.text


def test_the_page_is_translated(client, personas, database_down):
    client.force_login(personas["responder"])
    response = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert "<h1>Indisponible un instant</h1>" in response.content.decode()


@pytest.mark.parametrize("error", [DOWN, InterfaceError("connection already closed")])
def test_the_api_answers_json(api_client, personas, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(CommentViewSet, "get_queryset", fail)
    api_client.force_authenticate(personas["responder"])
    response = api_client.get("/api/v1/comments/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == {
        "detail": "The service is unavailable for a moment; try again."
    }


def test_other_errors_are_still_errors(client, personas, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(selectors, "inbox", fail)
    client.force_login(personas["responder"])
    client.raise_request_exception = False
    assert client.get("/inbox/").status_code == 500


def test_gunicorn_started_while_the_database_is_down_says_so_and_serves_the_rest():
    """A real server whose PostgreSQL does not answer (nothing listens on
    port 1): workers boot all the same, and each request is answered."""
    with scratch_folder() as folder:
        web = Gunicorn(folder, workers=1, DATABASE_URL="postgres://x@127.0.0.1:1/db")
        try:
            health = web.request("GET", "/healthz")
            notices = web.request("GET", "/notices/?lang=en")
            rules = web.request(
                "GET",
                "/api/v1/rules/",
                headers={"Authorization": "Token abc", "Accept-Language": "en"},
            )
            login = web.request("GET", "/accounts/login/")
            css = web.request("GET", "/static/css/site.css")
        finally:
            web.stop()
        log = web.output()
    assert health[0] == 503
    assert json.loads(health[1])["database"]["ok"] is False
    assert notices[0] == 503
    assert b"<h1>Unavailable for a moment</h1>" in notices[1]
    assert rules[0] == 503
    assert json.loads(rules[1])["detail"].startswith("The service is unavailable")
    assert login[0] == 200
    assert css[0] == 200
    assert "Booting worker" in log
    assert "Control socket" not in log  # gunicorn.conf.py is read
