"""The local AT Protocol network, started once per test session.

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
