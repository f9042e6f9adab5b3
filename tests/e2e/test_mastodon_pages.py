"""A Mastodon comment's page and the Mastodon sign-in page in a real browser,
390 px wide: the post it answers, the note that Mastodon cannot hide, the
author blocked from the page with its audit line, the sign-in form, and a
sign-in by OAuth on the instance the manager types."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation import registry
from moderation.models import Channel, Comment, Event
from moderation.services.ingest import comments_ingest
from tests.conftest import PASSWORD
from tests.connectors import conftest as on_loopback
from tests.e2e.conftest import OVERFLOWING

# The Mastodon fixtures of the connector tests: the mock on loopback.
mastodon_server = on_loopback.mastodon_server
mastodon = on_loopback.mastodon
mastodon_channel = on_loopback.mastodon_channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-CA",
        "viewport": {"width": 390, "height": 844},
    }


def overflowing(page):
    """Return the elements that stick out of the page's width."""
    return page.evaluate(OVERFLOWING)


def test_a_manager_blocks_an_author_from_a_narrow_page(
    live_server, page, personas, mastodon_channel, mastodon, console_errors, screenshot
):
    bob = mastodon.client("bob").account_verify_credentials()
    item = registry.Item(
        external_id="109000000000000042",
        author="bob",
        author_name="Bob <b>le</b> troll",
        author_url="https://mastodon.example/@bob",
        text="CW: politique\n\n@alice bande d'idiots",
        posted_at=timezone.now(),
        language="fr",
        post=registry.Post(
            external_id="1",
            text="Nos horaires changent lundi.",
            url="https://mastodon.example/@alice/1",
            posted_at=timezone.now(),
        ),
        extra={"visibility": "public", "account_id": str(bob.id), "acct": "bob"},
    )
    [(comment, _)] = comments_ingest(
        items=[item.for_ingest(mastodon_channel)], route=False
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("manager")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.goto(live_server.url + f"/inbox/{comment.pk}/")
    expect(page.locator(".thread")).to_contain_text("Nos horaires changent lundi.")
    expect(page.get_by_role("link", name="Bob <b>le</b> troll")).to_be_visible()
    expect(page.locator(".hide-note")).to_contain_text("ne permet pas de masquer")
    screenshot("comment")
    assert overflowing(page) == []

    page.get_by_label("Action", exact=True).select_option("block")
    page.get_by_label("Motif", exact=True).last.fill("Insultes répétées")
    page.get_by_role("button", name="Agir sur l’auteur").click()
    expect(page.locator(".history")).to_contain_text("auteur bloqué sur la plateforme")
    event = Event.objects.get(comment=comment, action="author_blocked")
    assert event.actor == personas["manager"]
    [relationship] = mastodon.client("alice").account_relationships(bob.id)
    assert relationship["blocking"]
    assert overflowing(page) == []

    page.goto(live_server.url + f"/channels/mastodon/{mastodon_channel.pk}/sign-in/")
    expect(page.locator(".mastodon-state")).to_contain_text(
        "Connecté en tant que @alice"
    )
    expect(page.get_by_label("Adresse de l’instance")).to_have_value(mastodon.base_url)
    assert overflowing(page) == []
    screenshot("sign-in")
    assert Comment.objects.count() == 1
    assert console_errors == []


@pytest.fixture
def unsigned(mastodon_channel, mastodon):
    """The Mastodon channel with its instance only, no token."""
    mastodon_channel.set_credentials({})
    mastodon_channel.save()
    return mastodon_channel


def test_a_manager_signs_a_channel_in_on_the_instance_they_type(
    live_server, page, personas, unsigned, mastodon, console_errors, screenshot
):
    """The instance is typed, not known in advance: the form's answer links
    to its authorisation page, which the pages' form-action 'self' would not
    let a redirect reach."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("manager")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.goto(live_server.url + f"/channels/mastodon/{unsigned.pk}/sign-in/")
    expect(page.locator(".mastodon-state")).to_contain_text("Pas encore connecté")
    page.get_by_label("Adresse de l’instance").fill(mastodon.base_url)
    page.get_by_role("button", name="Se connecter avec Mastodon").click()

    host = mastodon.base_url.split("://", 1)[1]
    go = page.get_by_role("link", name=f"Continuer vers votre instance ({host})")
    expect(go).to_be_visible()
    assert overflowing(page) == []
    screenshot("continue")
    # The mock serves no favicon: its 404 is the instance's, not the product's.
    page.route(f"{mastodon.base_url}/favicon.ico", lambda route: route.fulfill())
    go.click()
    # The instance's own page (mastodon-mock's account picker): allow as alice.
    page.get_by_role("button", name="(@alice)").click()

    expect(page.locator(".mastodon-state")).to_contain_text(
        "Connecté en tant que @alice"
    )
    assert page.url.startswith(live_server.url)
    channel = Channel.objects.get(pk=unsigned.pk)
    credentials = channel.get_credentials()
    assert (credentials["acct"], credentials["instance_url"]) == (
        "alice",
        mastodon.base_url,
    )
    assert registry.get("mastodon").check(channel).handle == "alice"
    assert console_errors == []
