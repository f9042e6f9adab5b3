"""A manager opens the cockpit, follows a comment about to breach; a burst of
comments raises the crisis banner and one alert, which clear by themselves."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import OutgoingMail
from moderation.models import Comment
from moderation.services.crisis import crises_detect
from moderation.services.ingest import comment_ingest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-CA",
        "viewport": {"width": 390, "height": 900},
    }


def sign_in(page, live_server):
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").last.click()


def test_the_manager_follows_a_comment_about_to_breach(
    live_server, page, personas, channel, screenshot, console_errors
):
    comment, _created = comment_ingest(
        channel=channel, external_id="soon", author="Léa <img src=x>",
        text="Toujours pas de réponse", posted_at=timezone.now(), route=False,
    )  # fmt: skip
    Comment.objects.filter(pk=comment.pk).update(
        first_response_due_at=timezone.now() + datetime.timedelta(minutes=25)
    )
    sign_in(page, live_server)
    due = page.locator("ul.due-soon")
    expect(due).to_contain_text("Léa <img src=x>")  # as text, escaped
    expect(due).to_contain_text("in 2")  # "in 24 min" or so
    # The page fits a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("cockpit")
    due.get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/inbox/{comment.pk}/")
    assert console_errors == []


def test_a_burst_raises_the_banner_and_one_alert_then_clears(
    live_server, page, personas, channel, settings, screenshot, console_errors
):
    settings.CRISIS_MIN_COMMENTS = 10
    now = timezone.now()
    for index in range(12):
        comment_ingest(
            channel=channel, external_id=f"burst-{index}", author="x",
            text="Honte à vous", posted_at=now, route=False,
        )  # fmt: skip
    crises_detect(now=now + datetime.timedelta(minutes=1))
    sign_in(page, live_server)
    banner = page.locator(".crisis-banner")
    expect(banner).to_contain_text("facebook-main: 12 comments in an hour")
    screenshot("crisis")
    page.goto(live_server.url + "/inbox/")
    expect(page.locator(".crisis-banner")).to_be_visible()
    crises_detect(now=now + datetime.timedelta(minutes=6))
    assert OutgoingMail.objects.filter(kind="crisis").count() == 1
    # An hour later the volume is back to nothing: the episode ends by itself.
    crises_detect(now=now + datetime.timedelta(hours=1, minutes=5))
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".crisis-banner")).to_have_count(0)
    assert OutgoingMail.objects.filter(kind="crisis").count() == 1
    assert console_errors == []
