"""A manager plans weekend cover and sees the gap disappear."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from staffing.models import Shift

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

TZ = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-CA",
        "viewport": {"width": 1400, "height": 900},
    }


def test_manager_closes_the_weekend_gap(
    live_server, page, personas, screenshot, console_errors
):
    responder = personas["responder"]
    # Monday to Friday 17:00 covered; the weekend is not.
    Shift.objects.create(
        responder=responder,
        starts_at=datetime.datetime(2026, 11, 23, 0, tzinfo=TZ),
        ends_at=datetime.datetime(2026, 11, 27, 17, tzinfo=TZ),
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/accounts/login/?next=/coverage/%3Fweek%3D2026-11-23")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").last.click()

    summary = page.locator(".coverage-summary")
    expect(summary).to_contain_text("1 period without anyone on duty")
    expect(summary).to_contain_text("55.0 h")
    gaps = page.locator("tr.gaps .gap")
    expect(gaps).to_have_count(3)  # Friday evening, Saturday, Sunday
    screenshot("gap")

    form = page.locator("form", has=page.get_by_role("heading", name="Add a shift"))
    form.get_by_label("Responder").select_option(label="responder")
    form.get_by_label("Starts").fill("2026-11-27T17:00")
    form.get_by_label("Ends").fill("2026-11-30T00:00")
    form.get_by_role("button", name="Add").click()

    expect(page.get_by_text("Shift added.")).to_be_visible()
    expect(summary).to_contain_text("Someone who may answer is on duty")
    expect(page.locator("tr.gaps .gap")).to_have_count(0)
    screenshot("covered")
    assert Shift.objects.count() == 2
    assert console_errors == []
