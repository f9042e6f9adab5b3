"""The page people see while the database cannot be reached, in the browser: a
real gunicorn whose PostgreSQL does not answer."""

import pytest
from playwright.sync_api import expect

from tests.processes import Gunicorn, scratch_folder

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server_without_database():
    with scratch_folder() as folder:
        web = Gunicorn(folder, workers=1, DATABASE_URL="postgres://x@127.0.0.1:1/db")
        yield f"http://127.0.0.1:{web.port}"
        web.stop()


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("fr", "Indisponible un instant", "réessayez dans 10 secondes"),
        ("en", "Unavailable for a moment", "try again in 10 seconds"),
    ],
    ids=["fr", "en"],
)
def test_the_unavailable_page_tells_people_to_try_again(
    server_without_database, page, screenshot, console_errors, language, heading, advice
):
    # The page is a 503 on purpose: the browser logs it as a failed resource.
    console_errors.expect("the server responded with a status of 503")
    stylesheets = []
    page.on(
        "response",
        lambda r: stylesheets.append(r.status) if r.url.endswith(".css") else None,
    )
    response = page.goto(f"{server_without_database}/notices/?lang={language}")
    assert response.status == 503
    assert response.headers["retry-after"] == "10"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text(advice)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == language
    assert stylesheets == [200]  # styled, under the Content-Security-Policy
    screenshot(language)
    page.get_by_role(
        "link", name="Réessayer" if language == "fr" else "Try again"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The browser reports the 503 itself; nothing else may fail.
    assert [e for e in console_errors if "status of 503" not in e] == []
