"""The public reads the netiquette and the registry of ties in French and English."""

import datetime

import pytest
from playwright.sync_api import expect

from policies.models import Disclosure

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-CA"}


def test_public_reads_the_netiquette_in_both_languages(
    live_server, page, framework, screenshot, console_errors
):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Information publique").get_by_role(
        "link", name="Nétiquette"
    ).click()
    expect(page.get_by_role("heading", name="Nétiquette")).to_be_visible()
    expect(
        page.get_by_text("qui divulguent des renseignements sur nos employés")
    ).to_be_visible()
    screenshot("netiquette-fr")

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Netiquette")).to_be_visible()
    expect(
        page.get_by_text("discloses information about our employees")
    ).to_be_visible()
    expect(page.get_by_text("Version 1, updated")).to_be_visible()
    screenshot("netiquette-en")
    assert console_errors == []


def test_hostile_party_names_are_shown_as_text(
    live_server, page, framework, screenshot, console_errors
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    Disclosure.objects.create(
        party='<img src=x onerror="alert(1)">Dr. Tremblay',
        kind="paid_expert",
        statement_fr="<script>alert(2)</script>Rémunérée comme conseillère.",
        statement_en="Paid adviser.",
        starts_on=datetime.date.today(),
        published=True,
    )
    page.goto(live_server.url + "/disclosures/")
    expect(
        page.get_by_text('<img src=x onerror="alert(1)">Dr. Tremblay')
    ).to_be_visible()
    expect(page.get_by_text("<script>alert(2)</script>Rémunérée")).to_be_visible()
    screenshot("disclosures-fr")
    assert dialogs == []
    assert console_errors == []
