"""A manager plans weekend cover and sees the gap disappear."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation.models import Channel
from staffing import selectors
from staffing.models import BusinessCalendar, Shift
from tests.conftest import make_user

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
    # Next week, so that none of its gaps is past: Monday to Friday 17:00
    # covered; the weekend is not.
    monday = selectors.week_of(timezone.localdate()) + datetime.timedelta(days=7)
    Shift.objects.create(
        responder=responder,
        starts_at=_at(monday, 0, 0),
        ends_at=_at(monday, 4, 17),
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(
        live_server.url
        + f"/accounts/login/?next=/coverage/%3Fweek%3D{monday.isoformat()}"
    )
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
    form.get_by_label("Starts").fill(f"{monday + datetime.timedelta(days=4)}T17:00")
    form.get_by_label("Ends").fill(f"{monday + datetime.timedelta(days=7)}T00:00")
    form.get_by_role("button", name="Add").click()

    expect(page.get_by_text("Shift added.")).to_be_visible()
    expect(summary).to_contain_text("Someone who may answer is on duty")
    expect(page.locator("tr.gaps .gap")).to_have_count(0)
    screenshot("covered")
    assert Shift.objects.count() == 2
    assert console_errors == []


def _at(monday, day, hour):
    return datetime.datetime.combine(
        monday + datetime.timedelta(days=day), datetime.time(hour)
    ).replace(tzinfo=TZ)


def test_a_language_gap_is_shown_and_its_link_fills_the_shift_that_closes_it(
    live_server, page, personas, screenshot, console_errors
):
    """A bilingual channel's nights are watched by an English-only responder:
    the old page called the week covered while French comments went
    unrouted. The page shows the French gap; its link fills the shift form
    with a French-speaking responder free then, and adding it closes the gap."""
    Channel.objects.create(
        slug="facebook-main",
        platform="facebook",
        handle="organisation",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
    )
    english = make_user("night", [], first_name="Nora", last_name="Night",
                        languages=["en"])  # fmt: skip
    english.groups.set(personas["responder"].groups.all())
    french = personas["responder"]
    french.first_name, french.last_name, french.languages = "Rémi", "Roy", ["fr"]
    french.save()
    monday = selectors.week_of(timezone.localdate()) + datetime.timedelta(days=7)
    # French days all week, and the English-only night shift at the ends.
    Shift.objects.create(
        responder=french, starts_at=_at(monday, 0, 0), ends_at=_at(monday, 6, 20)
    )
    Shift.objects.create(
        responder=english, starts_at=_at(monday, 0, 0), ends_at=_at(monday, 7, 0)
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(
        live_server.url
        + f"/accounts/login/?next=/coverage/%3Fweek%3D{monday.isoformat()}"
    )
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").last.click()

    summary = page.locator(".coverage-summary")
    expect(summary).to_contain_text("1 period without anyone on duty")
    expect(summary).to_contain_text("4.0 h")
    gap = page.locator("tr.gaps .gap")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("nobody answers in fr")
    # People by their names, all who may answer (approver and manager too).
    expect(page.locator("table.coverage tbody th")).to_have_text(
        ["approver", "manager", "Nora Night", "Rémi Roy"]
    )
    screenshot("language-gap")

    gap.get_by_role("link").first.click()
    form = page.locator("#add-shift")
    expect(form.get_by_label("Starts")).to_have_value(
        f"{monday + datetime.timedelta(days=6)}T20:00"
    )
    expect(form.get_by_label("Ends")).to_have_value(
        f"{monday + datetime.timedelta(days=7)}T00:00"
    )
    # Rémi's shift ends as the gap starts: the shift proposed runs his on.
    expect(form.get_by_label("Responder")).to_have_value(str(french.pk))
    form.get_by_role("button", name="Add").click()

    expect(page.get_by_text("Shift added.")).to_be_visible()
    expect(summary).to_contain_text("Someone who may answer is on duty")
    expect(page.locator("tr.gaps .gap")).to_have_count(0)
    screenshot("language-covered")
    assert console_errors == []
