"""Hostile text: a corpus of XSS payloads arrives as comments and author names
and is shown in the inbox, on the comment pages, in the admin and on the SLA
dashboard of a real browser. Nothing runs: no dialog, no console error, and
the text reads as typed."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation.services.ingest import comment_ingest
from moderation.sla.sweep import sla_sweep
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss.txt").read_text().splitlines()
    if line.strip()
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-CA"}


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


def test_no_payload_runs_anywhere(live_server, page, personas, channel, console_errors):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # The dashboard lists the latest 50 breaches: the corpus's first lines are
    # the latest, so the plain <script> one is among them.
    posted = timezone.now() - datetime.timedelta(days=2)
    comments = [
        comment_ingest(
            channel=channel, external_id=f"xss-{index}", author=payload[:200],
            text=f"{payload} crétin",
            posted_at=posted - datetime.timedelta(minutes=index),
        )[0]
        for index, payload in enumerate(PAYLOADS)
    ]  # fmt: skip
    sla_sweep()  # all past due: they show among the dashboard's breaches

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("manager")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page).to_have_url(live_server.url + "/inbox/")

    page.goto(live_server.url + "/inbox/?size=100")
    expect(page.locator("#inbox .inbox-row")).to_have_count(len(PAYLOADS))
    expect(
        page.get_by_text("<script>alert(1)</script> crétin", exact=True)
    ).to_be_visible()
    page.wait_for_timeout(1500)  # let any handler that slipped through fire

    for comment in comments:
        page.goto(live_server.url + f"/inbox/{comment.pk}/")
        expect(page.locator(".comment-text")).to_contain_text(comment.text[:20])
    page.goto(live_server.url + "/admin/moderation/comment/")
    expect(page.get_by_text("<svg onload=alert(1)>").first).to_be_visible()
    page.goto(live_server.url + f"/admin/moderation/comment/{comments[0].pk}/change/")
    page.goto(live_server.url + "/sla/")
    expect(
        page.get_by_role("link", name="<script>alert(1)</script>", exact=True)
    ).to_be_visible()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert console_errors == []
