"""Fixtures of the local AT Protocol network, started once per test session
(tests/conftest.py makes them available to every test).

Tests that need it take ``atproto``; without Node (or without PostgreSQL) they
skip with a one-line reason, except under ``REQUIRE_ATPROTO=1`` (CI), where
they fail.
"""

import os

import pytest

from tests.atproto import network as atproto_network


@pytest.fixture(scope="session")
def atproto():
    try:
        network = atproto_network.start(os.environ.get("DATABASE_URL", ""))
    except atproto_network.Unavailable as exc:
        if atproto_network.required():
            pytest.fail(f"REQUIRE_ATPROTO=1: {exc}", pytrace=False)
        pytest.skip(str(exc))
    try:
        yield network
    finally:
        network.stop()


@pytest.fixture
def bluesky_org(atproto):
    """The organisation's account on the network."""
    return atproto.account("org", display_name="The Organisation")


@pytest.fixture
def bluesky_user(atproto):
    """Someone who answers the organisation's posts."""
    return atproto.account("ann", display_name="Ann <b>Onyme</b>")


@pytest.fixture
def bluesky_channel(framework, atproto, bluesky_org):
    """A channel of the organisation's account on the network, signed in with
    an app password."""
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    org = bluesky_org
    channel = Channel(
        slug=f"bluesky-{org.handle.split('.')[0]}",
        platform="bluesky",
        handle=org.handle,
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector="bluesky",
    )
    channel.set_credentials(
        {
            "service": atproto.pds,
            "handle": org.handle,
            "app_password": org.app_password(),
        }
    )
    channel.save()
    return channel
