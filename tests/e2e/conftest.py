"""Browser tests: Debian's chromium driven by Playwright against a live server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.door import door_close, door_open

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        pytest.fail(
            "Browser tests need Debian's chromium package: apt-get install chromium "
            "(make test installs it when run as root)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot named after the test; return its path."""

    def take(name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# A page's own 404 or 403 is logged by the browser as a failed resource: a test
# that opens such a page on purpose says so with ``console_errors.expect(...)``.
class ConsoleErrors(list):
    """Console errors, script errors and CSP refusals seen during a test."""

    def __init__(self):
        super().__init__()
        self.expected = []

    def expect(self, text):
        """Allow errors containing ``text`` (a status the test asks for)."""
        self.expected.append(text)

    def unexpected(self):
        return [e for e in self if not any(text in e for text in self.expected)]


def watch(page, errors):
    """Record in ``errors`` every console error, uncaught script error and
    Content-Security-Policy violation of ``page`` (and of its later pages)."""
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium logs a refusal as a console error too; the event also catches
    # reports that a page would swallow, and names the directive.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' +"
        " (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber); });"
    )


@pytest.fixture
def console_errors(page):
    """Collect console errors, page errors and CSP violations during the test."""
    errors = ConsoleErrors()
    watch(page, errors)
    return errors


@pytest.fixture(autouse=True)
def _live_server_door(request):
    """Open the live server's door for the test, close it after (door.py).

    Defined before ``_no_console_errors`` so that it closes after that check:
    a poll refused once the test is over is no error of the test's.
    """
    door_open()
    yield
    if "live_server" in request.fixturenames:
        assert door_close(), "a request to the live server did not finish"


@pytest.fixture(autouse=True)
def _no_console_errors(request):
    """Fail every browser journey that met a console error or a CSP violation.

    Runs for each test of this folder that drives a page, whether or not it
    looks at ``console_errors`` itself.
    """
    if "page" not in request.fixturenames:
        yield
        return
    errors = request.getfixturevalue("console_errors")
    yield
    assert errors.unexpected() == [], errors.unexpected()


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where the page screenshots go; printed so a person can look at them."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots: {ARTIFACTS}")
    return ARTIFACTS


def open_menu(page):
    """On a phone the site menu folds behind its button: open it, so that a
    journey reaches the navigation and Sign out as a person would."""
    button = page.locator(".menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") == "false":
        button.click()
        page.wait_for_function(
            "document.querySelector('.menu-button').getAttribute('aria-expanded')"
            " === 'true'"
        )


# The elements that reach past the screen's right edge (none on a phone page).
OVERFLOWING = """
[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right
    > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + "." + e.className)
"""
