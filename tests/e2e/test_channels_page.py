"""A manager reads the channels' health and connects one, on a phone and a laptop."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation.models import Channel, ChannelState
from staffing.models import BusinessCalendar

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

OVERFLOW = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture(params=[390, 1366], ids=["phone", "laptop"])
def browser_context_args(browser_context_args, request):
    return {
        **browser_context_args,
        "locale": "en-CA",
        "viewport": {"width": request.param, "height": 900},
    }


def test_manager_reads_health_and_connects_a_channel(
    live_server, page, personas, fake_platform, screenshot, console_errors
):
    calendar = BusinessCalendar.objects.get(slug="24-7")
    failing = Channel.objects.create(
        slug="bluesky-press-office",
        platform="bluesky",
        handle="press-office.organisation.example",
        calendar=calendar,
        connector="fake-test",
    )
    ChannelState.objects.create(
        channel=failing,
        last_error="The platform refused the channel's credentials.",
        last_error_at=timezone.now(),
    )
    Channel.objects.create(
        slug="facebook-main", platform="facebook", handle="org", calendar=calendar
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/accounts/login/?next=/channels/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").last.click()

    expect(page.get_by_role("heading", name="Channels")).to_be_visible()
    row = page.locator("tr.channel-row[data-slug='bluesky-press-office']")
    expect(row.locator(".badge")).to_have_text("In error")
    expect(row).to_contain_text("The platform refused the channel's credentials.")
    assert page.evaluate(OVERFLOW)
    screenshot("channels")

    page.get_by_role("link", name="Connect a channel").click()
    expect(page.get_by_text("Step 1 of 2")).to_be_visible()
    assert page.evaluate(OVERFLOW)
    page.get_by_role("link", name="Choose Fake platform").click()
    assert page.evaluate(OVERFLOW)
    page.get_by_label("Slug").fill("bluesky-main")
    page.get_by_label("Platform").select_option("bluesky")
    page.get_by_label("Handle").fill("organisation.example")
    page.get_by_label("French").check()
    page.get_by_label("Coverage calendar").select_option(str(calendar.pk))
    page.get_by_label("Access token").fill("good")
    page.get_by_role("button", name="Test the connection").click()
    expect(page.locator(".connection-check")).to_have_text(
        "Signed in as org.example (<b>The Org</b>)."
    )
    assert page.evaluate(OVERFLOW)
    screenshot("tested")
    # The token is never sent back: type it again to save.
    expect(page.get_by_label("Access token")).to_have_value("")
    page.get_by_label("Access token").fill("good")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Channel saved.")).to_be_visible()
    new = page.locator("tr.channel-row[data-slug='bluesky-main']")
    expect(new.locator(".badge")).to_have_text("Waiting for its first poll")
    assert page.evaluate(OVERFLOW)
    assert Channel.objects.get(slug="bluesky-main").get_credentials() == {
        "token": "good"
    }
    assert console_errors == []
